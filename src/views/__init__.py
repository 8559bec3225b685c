"""One screen per module; each builds controls from AppState."""
