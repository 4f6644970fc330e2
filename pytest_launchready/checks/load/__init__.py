"""The load check: locust against the core routes (see check.py)."""
