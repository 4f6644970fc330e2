"""A chatbot widget backend in Flask, described by the OpenAPI document ``SPEC``; REVIEW_FLAWS switches on defects.

Secure by default: flask-cors with an explicit origin list and ``supports_credentials``; security
headers from an ``after_request`` hook; the widget's visitor session in Flask's signed session cookie
(HttpOnly, Secure, SameSite=Lax); ProxyFix for the one proxy in front; bodies checked by hand, every problem answered 400 with a JSON
error (never 422); a login limit written by hand (5 failures per client address, then 429 with
Retry-After). Flaws (comma-separated):

- ``cors-regex``: flask-cors given ``r"https://.*\\.chatbot\\.example"`` (matched at the start only).
- ``debugger``: the Werkzeug debugger wraps the app, and ``GET /leads`` crashes on a NUL byte in ``q``.
- ``cookie-flags``: the session cookie without HttpOnly and with SameSite=None.
- ``no-retry-after``: the login 429 has no Retry-After header.
- ``xff-limit``: the login limit counts per leftmost ``X-Forwarded-For`` address (spoofable).
"""

from __future__ import annotations

import json
import os
import secrets
import time
from typing import Any

from flask import Flask, jsonify, request, session
from flask_cors import CORS
from werkzeug.middleware.proxy_fix import ProxyFix

FLAWS = set(filter(None, os.environ.get("REVIEW_FLAWS", "").split(",")))
LOGIN_LIMIT, LOGIN_WINDOW = 5, 60.0

CREDENTIALS = {
    "type": "object", "required": ["email", "password"], "additionalProperties": False,
    "properties": {"email": {"type": "string", "format": "email", "maxLength": 200},
                   "password": {"type": "string", "minLength": 1, "maxLength": 200}},
}
SIGNUP = {**CREDENTIALS, "required": ["email", "password", "org"],
          "properties": {**CREDENTIALS["properties"], "org": {"type": "string", "minLength": 1, "maxLength": 60}}}
LEAD = {
    "type": "object", "required": ["name", "email", "consent"], "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 100},
        "email": {"type": "string", "format": "email", "maxLength": 200},
        "message": {"type": "string", "maxLength": 1000},
        "consent": {"type": "boolean"},
        "source": {"type": "string", "enum": ["widget", "form", "import"], "default": "widget"},
    },
}
LEAD_PATCH = {
    "type": "object", "additionalProperties": False,
    "properties": {"status": {"type": "string", "enum": ["new", "contacted", "won", "lost"]},
                   "note": {"type": "string", "maxLength": 500}},
}
BEARER = [{"bearer": []}]


def _json_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "widget", "version": "1"},
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    "security": BEARER,
    "paths": {
        "/health": {"get": {"security": [], "responses": {"200": {"description": "ok"}}}},
        "/widget/session": {"get": {"security": [], "responses": {"200": {"description": "a visitor session"}}}},
        "/auth/signup": {"post": {"security": [], "requestBody": _json_body(SIGNUP), "responses": {"201": {"description": "ok"}}}},
        "/auth/login": {"post": {"security": [], "requestBody": _json_body(CREDENTIALS), "responses": {"200": {"description": "ok"}}}},
        "/me": {"get": {"responses": {"200": {"description": "the caller"}}}},
        "/leads": {
            "get": {"parameters": [{"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 100}}],
                    "responses": {"200": {"description": "the leads"}}},
            "post": {"requestBody": _json_body(LEAD), "responses": {"201": {"description": "created"}}},
        },
        "/leads/{lead_id}": {
            "parameters": [{"name": "lead_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {"responses": {"200": {"description": "one lead"}}},
            "patch": {"requestBody": _json_body(LEAD_PATCH), "responses": {"200": {"description": "updated"}}},
        },
    },
}


class Invalid(Exception):
    """A body that breaks its schema: answered 400 with the reason."""


def check(body: Any, schema: dict[str, Any]) -> dict[str, Any]:
    """A hand-written check of the small schemas above (what marshmallow would do)."""
    if not isinstance(body, dict):
        raise Invalid("the body must be a JSON object")
    unknown = set(body) - set(schema["properties"])
    if unknown:
        raise Invalid(f"unknown field(s): {', '.join(sorted(unknown))}")
    for name in schema.get("required", []):
        if name not in body:
            raise Invalid(f"{name} is required")
    for name, value in body.items():
        rule = schema["properties"][name]
        if rule["type"] == "boolean":
            if not isinstance(value, bool):
                raise Invalid(f"{name} must be true or false")
            continue
        if not isinstance(value, str):
            raise Invalid(f"{name} must be a string")
        if not rule.get("minLength", 0) <= len(value) <= rule.get("maxLength", 10_000):
            raise Invalid(f"{name} has the wrong length")
        if "enum" in rule and value not in rule["enum"]:
            raise Invalid(f"{name} must be one of {', '.join(rule['enum'])}")
        if rule.get("format") == "email" and ("@" not in value or "\x00" in value):
            raise Invalid(f"{name} must be an email address")
    return body


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY=secrets.token_hex(16), SESSION_COOKIE_SECURE=True,
                      SESSION_COOKIE_HTTPONLY="cookie-flags" not in FLAWS,
                      SESSION_COOKIE_SAMESITE="None" if "cookie-flags" in FLAWS else "Lax")
    origins: Any = [r"https://.*\.chatbot\.example"] if "cors-regex" in FLAWS else ["https://app.chatbot.example"]
    CORS(app, origins=origins, supports_credentials=True, allow_headers=["Authorization", "Content-Type"],
         methods=["GET", "POST", "PATCH"])
    users: dict[str, dict[str, Any]] = {}
    tokens: dict[str, str] = {}
    leads: dict[str, dict[str, Any]] = {}
    failures: dict[str, list[float]] = {}

    @app.after_request
    def security_headers(response: Any) -> Any:
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response

    @app.errorhandler(Invalid)
    def invalid(error: Invalid) -> Any:
        return jsonify(error="invalid request", detail=str(error)), 400

    def body(schema: dict[str, Any]) -> dict[str, Any]:
        if request.mimetype != "application/json":
            raise Invalid("send application/json")
        try:
            data = json.loads(request.get_data(as_text=True))
        except (ValueError, RecursionError):
            raise Invalid("malformed JSON") from None
        return check(data, schema)

    def caller() -> dict[str, Any] | None:
        return users.get(tokens.get(request.headers.get("Authorization", "").removeprefix("Bearer "), ""))

    def denied() -> Any:
        return jsonify(error="not authenticated"), 401

    @app.get("/health")
    def health() -> Any:
        return jsonify(ok=True)

    @app.get("/widget/session")
    def widget_session() -> Any:
        session.setdefault("visitor", secrets.token_hex(8))
        return jsonify(greeting="Hi! How can we help?")

    @app.post("/auth/signup")
    def signup() -> Any:
        data = body(SIGNUP)
        if any(u["email"] == data["email"] for u in users.values()):
            return jsonify(error="email taken"), 409
        user_id = f"u{len(users) + 1}"
        users[user_id] = {"id": user_id, "email": data["email"], "org": data["org"], "password": data["password"]}
        return jsonify(id=user_id), 201

    @app.post("/auth/login")
    def login() -> Any:
        forwarded = request.headers.get("X-Forwarded-For", "")
        key = forwarded.split(",")[0].strip() if "xff-limit" in FLAWS and forwarded else str(request.remote_addr)
        now = time.monotonic()
        recent = failures[key] = [t for t in failures.get(key, []) if now - t < LOGIN_WINDOW]
        if len(recent) >= LOGIN_LIMIT:
            headers = {} if "no-retry-after" in FLAWS else {"Retry-After": str(int(LOGIN_WINDOW - (now - recent[0])) + 1)}
            return jsonify(error="too many attempts"), 429, headers
        data = body(CREDENTIALS)
        user = next((u for u in users.values() if u["email"] == data["email"]), None)
        if user is None or not secrets.compare_digest(user["password"], data["password"]):
            recent.append(now)
            return jsonify(error="wrong email or password"), 401
        token = secrets.token_urlsafe(24)
        tokens[token] = user["id"]
        return jsonify(access_token=token)

    @app.get("/me")
    def me() -> Any:
        user = caller()
        return denied() if user is None else jsonify(id=user["id"], email=user["email"], org=user["org"])

    @app.get("/leads")
    def list_leads() -> Any:
        user = caller()
        if user is None:
            return denied()
        q = request.args.get("q", "")
        if "\x00" in q and "debugger" in FLAWS:
            raise ValueError("A string literal cannot contain NUL (0x00) characters.")
        if "\x00" in q or len(q) > 100:
            raise Invalid("q must be printable text of at most 100 characters")
        return jsonify([lead for lead in leads.values() if lead["org"] == user["org"] and q.lower() in lead["name"].lower()])

    @app.post("/leads")
    def add_lead() -> Any:
        user = caller()
        if user is None:
            return denied()
        data = body(LEAD)
        lead_id = f"l{len(leads) + 1}"
        leads[lead_id] = {"id": lead_id, "org": user["org"], "status": "new", "source": "widget", "message": "", **data}
        return jsonify(leads[lead_id]), 201

    @app.get("/leads/<lead_id>")
    def get_lead(lead_id: str) -> Any:
        user = caller()
        lead = leads.get(lead_id)
        if user is None:
            return denied()
        if lead is None or lead["org"] != user["org"]:
            return jsonify(error="no such lead"), 404
        return jsonify(lead)

    @app.patch("/leads/<lead_id>")
    def update_lead(lead_id: str) -> Any:
        user = caller()
        lead = leads.get(lead_id)
        if user is None:
            return denied()
        if lead is None or lead["org"] != user["org"]:
            return jsonify(error="no such lead"), 404
        lead.update(body(LEAD_PATCH))
        return jsonify(lead)

    # Behind one proxy: the client address is the entry it appended, the rightmost.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)  # type: ignore[method-assign]
    if "debugger" in FLAWS:
        from werkzeug.debug import DebuggedApplication

        app.debug = True  # what FLASK_DEBUG=1 / flask run --debug do: exceptions reach the debugger
        app.wsgi_app = DebuggedApplication(app.wsgi_app, evalex=False)  # type: ignore[method-assign]
    return app


app = create_app()
