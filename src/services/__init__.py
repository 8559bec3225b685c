"""Plain-Python app services: no flet import here, so tests drive them without a browser."""
