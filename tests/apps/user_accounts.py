"""Accounts addressed by username, as deliberately vulnerable training APIs shape them: sign-up and
login by username and password, a bearer token, a list of every user anyone may read, and two
writes on ``/users/{username}/...`` whose answer is 204 with no body.

- ``POST /users/register`` ``{"username", "email", "password"}`` and ``POST /users/login``
  ``{"username", "password"}`` -> ``{"auth_token"}``, sent as ``Authorization: Bearer``; a wrong
  password gets ``200 {"status": "fail"}``, as such APIs answer, so a 2xx proves no login.
- ``GET /users`` (no credentials asked): ``{"users": [{"username", "email"}, ...]}``, every user;
  ``GET /users/{username}`` one of them.
- ``PUT /users/{username}/email`` ``{"email"}``: changes the *caller's* email, whatever the path
  names (the path is decorative), and lets it equal another user's. Nobody else's account changes.
- ``PUT /users/{username}/password`` ``{"password"}``: the caller's own password.

Flaws (``UA_FLAWS``, comma-separated): ``password-any`` (the password of the user the path names),
``email-any`` (the email of the user the path names), ``any-password`` (not an authorization flaw
of these routes: the login signs an existing user in whatever the password).
"""

from __future__ import annotations

import os
import secrets

from fastapi import Depends, FastAPI, HTTPException, Request, Response
from pydantic import BaseModel

FLAWS = set(filter(None, os.environ.get("UA_FLAWS", "").split(",")))

app = FastAPI(title="user accounts")
USERS: dict[str, dict[str, str]] = {}  # username -> user
TOKENS: dict[str, str] = {}  # token -> username


class NewUser(BaseModel):
    username: str
    email: str
    password: str


class Login(BaseModel):
    username: str
    password: str


class EmailChange(BaseModel):
    email: str


class PasswordChange(BaseModel):
    password: str


def caller(request: Request) -> dict[str, str]:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    username = TOKENS.get(token.strip()) if scheme == "Bearer" else None
    if username is None or username not in USERS:
        raise HTTPException(401, "invalid token")
    return USERS[username]


@app.post("/users/register")
def register(payload: NewUser) -> dict[str, str]:
    if payload.username in USERS:
        raise HTTPException(400, "user exists")
    USERS[payload.username] = payload.model_dump()
    return {"status": "success"}


@app.post("/users/login")
def log_in(payload: Login) -> dict[str, str]:
    user = USERS.get(payload.username)
    if user is None or ("any-password" not in FLAWS and not secrets.compare_digest(user["password"], payload.password)):
        return {"status": "fail", "message": "Username or Password Incorrect!"}
    token = secrets.token_urlsafe(24)
    TOKENS[token] = payload.username
    return {"auth_token": token}


@app.get("/users")
def list_users() -> dict[str, object]:
    return {"users": [{"username": u["username"], "email": u["email"]} for u in USERS.values()]}


@app.get("/users/{username}")
def read_user(username: str) -> dict[str, str]:
    if username not in USERS:
        raise HTTPException(404, "no such user")
    return {"username": username, "email": USERS[username]["email"]}


def _changed(username: str, caller_user: dict[str, str], flaw: str, field: str, value: str) -> Response:
    """Set ``field`` of the caller's account, or with ``flaw`` of the account the path names."""
    target = USERS.get(username) if flaw in FLAWS else caller_user
    if target is None:
        raise HTTPException(404, "no such user")
    target[field] = value
    return Response(status_code=204)


@app.put("/users/{username}/email", status_code=204)
def change_email(username: str, payload: EmailChange, user: dict[str, str] = Depends(caller)) -> Response:
    return _changed(username, user, "email-any", "email", payload.email)


@app.put("/users/{username}/password", status_code=204)
def change_password(username: str, payload: PasswordChange, user: dict[str, str] = Depends(caller)) -> Response:
    return _changed(username, user, "password-any", "password", payload.password)
