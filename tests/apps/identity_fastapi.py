"""Users who rename themselves, change their password or delete themselves, for the tokens check's
identity cases. Opaque bearer tokens; one user per sign-up.

- ``POST /auth/signup`` ``{username, email, password}`` and ``POST /auth/login`` ``{username, password}``
  (public; login answers ``{"access_token"}``).
- ``GET /me`` the caller ``{id, username, email}``; ``PATCH /me`` ``{username?, email?}`` renames it.
- ``POST /me/password`` ``{new_password}`` sets a new password and answers a fresh ``access_token``.
- ``DELETE /me`` deletes the caller (a soft delete: the row stays, flagged); ``GET /notes`` lists nothing.

Secure by default: a token names its user by the immutable id and the user's token version, which a
password change bumps; every request looks the user up by id and refuses deleted users.
``IDENTITY_FLAWS`` (comma-separated) turns defects on:

- ``name-token``: a token names its user by username, looked up on every request, so after a rename the
  old token follows whoever signs up with the freed name (an account takeover);
- ``password-keeps-sessions``: a password change leaves older tokens valid;
- ``deleted-keeps-sessions``: the deleted flag is not checked when a token is used.

With ``IDENTITY_RESERVE=1`` (no flaw: another secure design) a username or email once held stays
reserved after a rename, so no newcomer can sign up with it. Two other shapes, flaws or not:

- ``IDENTITY_BARE=1``: ``GET /me`` (and every answer about a user) shows only ``{username}`` and the
  sign-up takes only ``{username, password}``: no id and no second identity field to tell users apart;
- ``IDENTITY_RENAME=pending``: ``PATCH /me`` answers 204 and renames nothing yet (a rename waiting for
  an e-mail confirmation).
"""

from __future__ import annotations

import os
import secrets
import uuid

from fastapi import Depends, FastAPI, HTTPException, Request, Response
from pydantic import BaseModel

FLAWS = set(filter(None, os.environ.get("IDENTITY_FLAWS", "").split(",")))
BARE = os.environ.get("IDENTITY_BARE") == "1"
PENDING_RENAME = os.environ.get("IDENTITY_RENAME") == "pending"

app = FastAPI(title="identity changes")
USERS: dict[str, dict[str, object]] = {}  # id -> {id, username, email, password, version, deleted}
TOKENS: dict[str, dict[str, object]] = {}  # token -> {"id", "username", "version"} at issue
RETIRED: set[object] = set()  # usernames and emails given up by a rename (reserved with IDENTITY_RESERVE)


class BareSignUp(BaseModel):
    username: str
    password: str


class FullSignUp(BareSignUp):
    email: str


SignUp = BareSignUp if BARE else FullSignUp


class Login(BaseModel):
    username: str
    password: str


class Rename(BaseModel):
    username: str | None = None
    email: str | None = None


class PasswordChange(BaseModel):
    new_password: str


def _live(user: dict[str, object] | None) -> bool:
    return user is not None and (not user["deleted"] or "deleted-keeps-sessions" in FLAWS)


def _issue(user: dict[str, object]) -> str:
    token = secrets.token_urlsafe(24)
    TOKENS[token] = {"id": user["id"], "username": user["username"], "version": user["version"]}
    return token


def caller(request: Request) -> dict[str, object]:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    issued = TOKENS.get(token.strip()) if scheme == "Bearer" else None
    if issued is None:
        raise HTTPException(401, "missing or unknown token")
    if "name-token" in FLAWS:
        user = next((u for u in USERS.values() if u["username"] == issued["username"] and not u["deleted"]), None)
    else:
        user = USERS.get(str(issued["id"]))
    if not _live(user):
        raise HTTPException(401, "no such user")
    assert user is not None
    if issued["version"] != user["version"] and "password-keeps-sessions" not in FLAWS:
        raise HTTPException(401, "token revoked")
    return user


def _public(user: dict[str, object]) -> dict[str, object]:
    if BARE:
        return {"username": user["username"]}
    return {"id": user["id"], "username": user["username"], "email": user["email"]}


@app.get("/health", openapi_extra={"security": []})
def health() -> dict[str, bool]:
    return {"ok": True}


@app.post("/auth/signup", status_code=201, openapi_extra={"security": []})
def sign_up(body: SignUp) -> dict[str, object]:
    email = getattr(body, "email", f"{uuid.uuid4().hex}@bare.example")  # nobody's to take
    if any(not u["deleted"] and (u["username"] == body.username or u["email"] == email) for u in USERS.values()):
        raise HTTPException(409, "username or email taken")
    if os.environ.get("IDENTITY_RESERVE") and {body.username, email} & RETIRED:
        raise HTTPException(409, "username or email reserved")
    user_id = uuid.uuid4().hex
    USERS[user_id] = {"id": user_id, "username": body.username, "email": email, "password": body.password,
                      "version": 1, "deleted": False}
    return _public(USERS[user_id])


@app.post("/auth/login", openapi_extra={"security": []})
def log_in(body: Login) -> dict[str, str]:
    user = next((u for u in USERS.values() if u["username"] == body.username and not u["deleted"]), None)
    if user is None or user["password"] != body.password:
        raise HTTPException(401, "wrong username or password")
    return {"access_token": _issue(user)}


@app.get("/me")
def me(user: dict[str, object] = Depends(caller)) -> dict[str, object]:
    return _public(user)


@app.patch("/me", response_model=None)
def rename(body: Rename, user: dict[str, object] = Depends(caller)) -> dict[str, object] | Response:
    if PENDING_RENAME:
        return Response(status_code=204)  # "check your inbox": nothing changes until the link is opened
    for field in ("username", "email"):
        value = getattr(body, field)
        if value is not None:
            if any(u is not user and not u["deleted"] and u[field] == value for u in USERS.values()):
                raise HTTPException(409, f"{field} taken")
            RETIRED.add(user[field])
            user[field] = value
    return _public(user)


@app.post("/me/password")
def change_password(body: PasswordChange, user: dict[str, object] = Depends(caller)) -> dict[str, str]:
    if len(body.new_password) < 8:
        raise HTTPException(422, "too short")
    user["password"] = body.new_password
    user["version"] = int(str(user["version"])) + 1
    return {"access_token": _issue(user)}


@app.delete("/me", status_code=204)
def delete_me(user: dict[str, object] = Depends(caller)) -> Response:
    user["deleted"] = True
    return Response(status_code=204)


@app.get("/notes")
def notes(user: dict[str, object] = Depends(caller)) -> list[dict[str, str]]:
    return []
