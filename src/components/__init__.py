"""Reusable pieces with no I/O."""
