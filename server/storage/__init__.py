"""Storage area."""
