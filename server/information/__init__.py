"""Information area."""
