"""Chatty, the bundled demo SaaS: ``pytest --launchready pytest_launchready/demo`` runs the checklist on it."""
