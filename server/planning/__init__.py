"""Planning area."""
