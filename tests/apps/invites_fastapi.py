"""An org-based FastAPI app whose users join by invitation; INVITE_FLAWS switches invite defects on.

- ``POST /auth/signup`` ``{email, password, org_name}`` founds an org with its ``owner``; ``POST /auth/login``
  ``{email, password}`` answers ``{"access_token"}``; both public, like ``POST /auth/accept-invite``.
- ``GET /me``: ``{id, email, org_id, role}``; ``GET /notes`` the caller's org's notes.
- ``POST /orgs/invites`` ``{email, role}`` (owner or admin) answers ``{"invite_token"}``;
  ``POST /auth/accept-invite`` ``{invite_token, password}`` makes the invited user (once).
- :func:`mint` makes an invite expiring at a given time, for a ``launchready_mint_invite`` fixture.

Flaws: ``reusable`` (a used invite stays valid, and accepting it again resets the invitee's password),
``joins-session`` (accepted by a signed-in user, the invite moves that user into the inviting org and role),
``expired-accepted`` (expiry is never checked).
"""

from __future__ import annotations

import itertools
import os
import secrets
import time
from datetime import datetime
from typing import Any

from fastapi import Depends, FastAPI, Header, HTTPException
from pydantic import BaseModel, Field

FLAWS = set(filter(None, os.environ.get("INVITE_FLAWS", "").split(",")))
RANK = {"owner": 0, "admin": 1, "member": 2}

app = FastAPI(title="invites")
_ids = itertools.count(1)
ORGS: dict[int, str] = {}
USERS: dict[int, dict[str, Any]] = {}
TOKENS: dict[str, int] = {}
INVITES: dict[str, dict[str, Any]] = {}


class Signup(BaseModel):
    email: str
    password: str = Field(min_length=8)
    org_name: str


class Login(BaseModel):
    email: str
    password: str


class InviteIn(BaseModel):
    email: str
    role: str = Field(pattern="^(owner|admin|member)$")


class Accept(BaseModel):
    invite_token: str
    password: str = Field(min_length=8)


def _bearer(authorization: str | None) -> dict[str, Any] | None:
    scheme, _, token = (authorization or "").partition(" ")
    user_id = TOKENS.get(token.strip()) if scheme == "Bearer" else None
    return USERS.get(user_id) if user_id is not None else None


def caller(authorization: str | None = Header(default=None)) -> dict[str, Any]:
    user = _bearer(authorization)
    if user is None:
        raise HTTPException(401, "missing or unknown token")
    return user


def mint(org_name: str, role: str, expires_at: datetime) -> str:
    """An invite into the org named ``org_name`` for a new email, expiring at ``expires_at``."""
    org_id = next(n for n, name in ORGS.items() if name == org_name)
    token = secrets.token_urlsafe(16)
    INVITES[token] = {"email": f"minted-{token[:6].lower()}@example.com", "role": role, "org_id": org_id,
                      "expires_at": expires_at.timestamp(), "used": False}
    return token


@app.get("/health", openapi_extra={"security": []})
def health() -> dict[str, bool]:
    return {"ok": True}


@app.post("/auth/signup", status_code=201, openapi_extra={"security": []})
def signup(body: Signup) -> dict[str, Any]:
    if any(u["email"] == body.email for u in USERS.values()):
        raise HTTPException(409, "email taken")
    org_id = next(_ids)
    ORGS[org_id] = body.org_name
    user = {"id": next(_ids), "email": body.email, "password": body.password, "org_id": org_id, "role": "owner"}
    USERS[user["id"]] = user
    return {"id": user["id"]}


@app.post("/auth/login", openapi_extra={"security": []})
def login(body: Login) -> dict[str, str]:
    user = next((u for u in USERS.values() if u["email"] == body.email and u["password"] == body.password), None)
    if user is None:
        raise HTTPException(401, "wrong email or password")
    token = secrets.token_urlsafe(24)
    TOKENS[token] = user["id"]
    return {"access_token": token}


@app.get("/me")
def me(user: dict[str, Any] = Depends(caller)) -> dict[str, Any]:
    return {"id": user["id"], "email": user["email"], "org_id": user["org_id"], "role": user["role"]}


@app.get("/notes")
def notes(user: dict[str, Any] = Depends(caller)) -> list[str]:
    return [f"note of org {user['org_id']}"]


@app.post("/orgs/invites", status_code=201)
def invite(body: InviteIn, user: dict[str, Any] = Depends(caller)) -> dict[str, str]:
    if RANK[user["role"]] > RANK["admin"]:
        raise HTTPException(403, "admin role required")
    token = secrets.token_urlsafe(16)
    INVITES[token] = {"email": body.email, "role": body.role, "org_id": user["org_id"], "expires_at": time.time() + 3600,
                      "used": False}
    return {"invite_token": token}


@app.post("/auth/accept-invite", status_code=201, openapi_extra={"security": []})
def accept(body: Accept, authorization: str | None = Header(default=None)) -> dict[str, Any]:
    invite = INVITES.get(body.invite_token)
    if invite is None or (invite["used"] and "reusable" not in FLAWS):
        raise HTTPException(410, "invite unknown or used")
    if invite["expires_at"] < time.time() and "expired-accepted" not in FLAWS:
        raise HTTPException(410, "invite expired")
    signed_in = _bearer(authorization)
    if signed_in is not None and "joins-session" in FLAWS:
        signed_in.update(org_id=invite["org_id"], role=invite["role"])
        invite["used"] = True
        return {"id": signed_in["id"]}
    existing = next((u for u in USERS.values() if u["email"] == invite["email"]), None)
    if existing is not None:
        if "reusable" not in FLAWS:
            raise HTTPException(409, "email taken")
        existing["password"] = body.password  # the flaw: an old invite link resets the member's password
        return {"id": existing["id"]}
    invite["used"] = True
    user = {"id": next(_ids), "email": invite["email"], "password": body.password, "org_id": invite["org_id"],
            "role": invite["role"]}
    USERS[user["id"]] = user
    return {"id": user["id"]}
