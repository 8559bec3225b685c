"""Blog area."""
