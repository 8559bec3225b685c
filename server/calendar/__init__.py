"""Calendar area."""
