"""The ini of a load-check project on tests/apps/load_fastapi.py: opt-in, 4 users, 3 s at full load."""

LOAD_INI = """launchready_public_routes =
    POST /auth/login
launchready_exclude_routes =
    GET /docs
    GET /docs/oauth2-redirect
    GET /redoc
    GET /openapi.json
launchready_load = true
launchready_load_users = 4
launchready_load_duration = 3
"""
