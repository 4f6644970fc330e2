"""A small JWT app (HS256, strong secret, signature and exp verified) with one route that forgot its
authentication: ``GET /announcements`` answers anyone. That is one auth finding; it must not also
read as five forged-token findings because the tokens check picked it as its baseline."""

from __future__ import annotations

import secrets
import time
from typing import Any

import jwt
from fastapi import Depends, FastAPI, Header, HTTPException
from pydantic import BaseModel

SECRET = secrets.token_urlsafe(32)
app = FastAPI()
USERS: dict[str, dict[str, str]] = {}


class Login(BaseModel):
    org: str
    role: str


def current_user(authorization: str = Header(default="")) -> dict[str, str]:
    try:
        claims = jwt.decode(authorization.removeprefix("Bearer "), SECRET, algorithms=["HS256"])
    except jwt.PyJWTError:
        raise HTTPException(401, "invalid token") from None
    user = USERS.get(str(claims.get("sub")))
    if user is None:
        raise HTTPException(401, "unknown user")
    return user


@app.post("/auth/login")
def login(body: Login) -> dict[str, str]:
    user = {"id": "u" + secrets.token_hex(6), "org": body.org, "role": body.role}
    USERS[user["id"]] = user
    now = int(time.time())
    return {"access_token": jwt.encode({"sub": user["id"], "iat": now, "exp": now + 900}, SECRET, algorithm="HS256")}


@app.get("/announcements")
def announcements() -> list[dict[str, Any]]:
    return [{"title": "We ship on Monday"}]


@app.get("/me")
def me(user: dict[str, str] = Depends(current_user)) -> dict[str, str]:
    return user
