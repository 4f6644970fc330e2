"""The WSGI twin of identity_fastapi, with JWTs and other route shapes, described by the OpenAPI document ``SPEC``.

- ``POST /auth/signup`` ``{username, email, password}`` and ``POST /auth/login`` ``{username, password}``
  (public; login answers ``{"access_token": <HS256 JWT>}``).
- ``GET /users/me`` the caller ``{id, username, email}``; ``PUT /users/me`` ``{username?, email?, password?}``
  renames it or sets a new password (then answering a fresh ``access_token``).
- ``GET /users/{user_id}``: a user's profile (``{id, username}``; its own also shows the email).
- ``DELETE /users/{user_id}``: a user deletes itself by its own id (anyone else's: 403); a soft delete.
- ``GET /notes`` lists nothing; ``GET /health`` is public.

Secure by default: a token's ``sub`` is the immutable id and its ``ver`` the user's token version, which a
new password bumps; every request looks the user up by id and refuses deleted users. ``IDENTITY_FLAWS``
(comma-separated) turns on the defects of identity_fastapi: ``name-token`` (``sub`` is the username, looked
up on every request), ``password-keeps-sessions`` (``ver`` not checked), ``deleted-keeps-sessions``.
"""

from __future__ import annotations

import os
import secrets
import time
import uuid
from typing import Any

import jwt
from flask import Flask, jsonify, request

FLAWS = set(filter(None, os.environ.get("IDENTITY_FLAWS", "").split(",")))
SECRET = secrets.token_urlsafe(32)

_STRING = {"type": "string"}
_JSON = "application/json"


def _body(properties: tuple[str, ...], required: tuple[str, ...] = ()) -> dict[str, Any]:
    schema = {"type": "object", "properties": dict.fromkeys(properties, _STRING), "required": list(required)}
    return {"required": True, "content": {_JSON: {"schema": schema}}}


_OK = {"200": {"description": "ok"}}
SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "identity changes (flask)", "version": "1"},
    "paths": {
        "/health": {"get": {"security": [], "responses": _OK}},
        "/auth/signup": {"post": {"security": [], "requestBody": _body(("username", "email", "password"), ("username", "email", "password")),
                                  "responses": {"201": {"description": "signed up"}}}},
        "/auth/login": {"post": {"security": [], "requestBody": _body(("username", "password"), ("username", "password")),
                                 "responses": _OK}},
        "/users/me": {"get": {"responses": _OK},
                      "put": {"requestBody": _body(("username", "email", "password")), "responses": _OK}},
        "/users/{user_id}": {"parameters": [{"name": "user_id", "in": "path", "required": True, "schema": _STRING}],
                             "get": {"responses": _OK}, "delete": {"responses": {"204": {"description": "deleted"}}}},
        "/notes": {"get": {"responses": _OK}},
    },
}

app = Flask(__name__)
USERS: dict[str, dict[str, Any]] = {}  # id -> {id, username, email, password, version, deleted}


def _issue(user: dict[str, Any]) -> str:
    subject = user["username"] if "name-token" in FLAWS else user["id"]
    claims = {"sub": subject, "ver": user["version"], "exp": int(time.time()) + 900}
    return jwt.encode(claims, SECRET, algorithm="HS256")


def _taken(field: str, value: str, me: dict[str, Any] | None = None) -> bool:
    return any(u is not me and not u["deleted"] and u[field] == value for u in USERS.values())


def _caller() -> dict[str, Any] | None:
    authorization = request.headers.get("Authorization", "")
    if not authorization.startswith("Bearer "):
        return None
    try:
        claims = jwt.decode(authorization[7:], SECRET, algorithms=["HS256"], options={"require": ["exp", "sub", "ver"]})
    except jwt.PyJWTError:
        return None
    if "name-token" in FLAWS:
        user = next((u for u in USERS.values() if u["username"] == claims["sub"] and not u["deleted"]), None)
    else:
        user = USERS.get(str(claims["sub"]))
    if user is None or (user["deleted"] and "deleted-keeps-sessions" not in FLAWS):
        return None
    if claims["ver"] != user["version"] and "password-keeps-sessions" not in FLAWS:
        return None
    return user


def _public(user: dict[str, Any]) -> dict[str, Any]:
    return {"id": user["id"], "username": user["username"], "email": user["email"]}


def _denied() -> Any:
    return jsonify(detail="not authenticated"), 401


@app.get("/health")
def health() -> Any:
    return jsonify(ok=True)


@app.post("/auth/signup")
def sign_up() -> Any:
    data = request.get_json(silent=True) or {}
    if not all(isinstance(data.get(k), str) and data[k] for k in ("username", "email", "password")):
        return jsonify(detail="username, email and password are required"), 422
    if _taken("username", data["username"]) or _taken("email", data["email"]):
        return jsonify(detail="taken"), 409
    user_id = uuid.uuid4().hex
    USERS[user_id] = {"id": user_id, "username": data["username"], "email": data["email"], "password": data["password"],
                      "version": 1, "deleted": False}
    return jsonify(_public(USERS[user_id])), 201


@app.post("/auth/login")
def log_in() -> Any:
    data = request.get_json(silent=True) or {}
    user = next((u for u in USERS.values() if u["username"] == data.get("username") and not u["deleted"]), None)
    if user is None or user["password"] != data.get("password"):
        return jsonify(detail="wrong username or password"), 401
    return jsonify(access_token=_issue(user))


@app.get("/users/me")
def me() -> Any:
    user = _caller()
    return jsonify(_public(user)) if user else _denied()


@app.put("/users/me")
def update_me() -> Any:
    user = _caller()
    if user is None:
        return _denied()
    data = request.get_json(silent=True) or {}
    for field in ("username", "email"):
        value = data.get(field)
        if isinstance(value, str) and value:
            if _taken(field, value, user):
                return jsonify(detail=f"{field} taken"), 409
            user[field] = value
    password = data.get("password")
    if isinstance(password, str) and password:
        user["password"] = password
        user["version"] += 1
        return jsonify({**_public(user), "access_token": _issue(user)})
    return jsonify(_public(user))


@app.get("/users/<user_id>")
def read_user(user_id: str) -> Any:
    user, found = _caller(), USERS.get(user_id)
    if user is None:
        return _denied()
    if found is None or found["deleted"]:
        return jsonify(detail="no such user"), 404
    return jsonify(_public(found) if found is user else {"id": found["id"], "username": found["username"]})


@app.delete("/users/<user_id>")
def delete_user(user_id: str) -> Any:
    user = _caller()
    if user is None:
        return _denied()
    if user_id != user["id"]:
        return jsonify(detail="you can only delete yourself"), 403
    user["deleted"] = True
    return "", 204


@app.get("/notes")
def notes() -> Any:
    return jsonify([]) if _caller() else _denied()
