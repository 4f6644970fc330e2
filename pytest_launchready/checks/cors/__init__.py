"""cors: hostile origins must never be echoed, never `*` with credentials, preflight strict."""
