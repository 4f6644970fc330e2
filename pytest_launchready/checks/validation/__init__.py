"""validation: invalid payloads get a clear 4xx; no mass assignment; no sensitive fields in answers."""
