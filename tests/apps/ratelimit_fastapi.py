"""A small FastAPI app for the rate_limits tests; RATELIMIT_FLAWS switches on defects by name.

Secure by default: ``POST /auth/login`` allows 10 attempts per client address per minute, then
answers 429 with Retry-After; ``POST /chat`` allows 10 messages per user per minute. Flaws:

- ``no-login-limit``: logins are never throttled.
- ``no-retry-after``: the login 429 carries no Retry-After header.
- ``no-chat-limit``: chat messages are never throttled.
- ``lockout`` (with ``no-login-limit``): after 5 wrong passwords for one email the account is locked,
  and every later login for it answers 423 Locked, as Mealie's does; never 429.
- ``admin-reset-route``: adds ``POST /admin/users/password-reset-token``, for admins only, of whom
  the app has none: every user gets 403.

``RATELIMIT_LOGIN_DELAY`` (seconds) makes every login that slow, as a costly password hash does;
``RATELIMIT_LIMIT`` and ``RATELIMIT_WINDOW`` change the limit (10 per 60 s).

The login limit counts every attempt from an address, successful ones included: a burst sent from
the address the user's own logins use would lock them out, so a test can see the burst came from
elsewhere.
"""

from __future__ import annotations

import itertools
import os
import time
from typing import Any

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field

FLAWS = set(filter(None, os.environ.get("RATELIMIT_FLAWS", "").split(",")))
LIMIT = int(os.environ.get("RATELIMIT_LIMIT", "10"))
WINDOW = float(os.environ.get("RATELIMIT_WINDOW", "60"))
LOGIN_DELAY = float(os.environ.get("RATELIMIT_LOGIN_DELAY", "0"))


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(min_length=3, max_length=200)
    password: str = Field(min_length=1, max_length=100)


class SignupIn(Credentials):
    org: str = Field(min_length=1, max_length=60)


class ChatIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    message: str = Field(min_length=1, max_length=500)


def create_app() -> FastAPI:
    app = FastAPI()
    passwords: dict[str, str] = {}
    failures: dict[str, int] = {}  # email -> wrong passwords so far (the lockout flaw)
    tokens: dict[str, str] = {}
    hits: dict[tuple[str, str], list[float]] = {}
    serial = itertools.count(1)
    app.state.login_addresses = []

    def limited(key: tuple[str, str]) -> bool:
        now = time.monotonic()
        recent = [t for t in hits.get(key, []) if now - t < WINDOW]
        recent.append(now)
        hits[key] = recent
        return len(recent) > LIMIT

    def too_many() -> HTTPException:
        return HTTPException(429, "too many requests", headers={} if "no-retry-after" in FLAWS else {"Retry-After": "60"})

    def user(authorization: str = Header(default="")) -> str:
        email = tokens.get(authorization.removeprefix("Bearer ").strip())
        if email is None:
            raise HTTPException(401, "not authenticated")
        return email

    @app.post("/auth/signup", status_code=201, openapi_extra={"security": []})
    def signup(body: SignupIn) -> dict[str, str]:
        passwords.setdefault(body.email, body.password)
        return {"email": body.email}

    @app.post("/auth/login", openapi_extra={"security": []})
    def login(body: Credentials, request: Request) -> dict[str, str]:
        address = request.client.host if request.client else "?"
        app.state.login_addresses.append(address)
        time.sleep(LOGIN_DELAY)
        if "no-login-limit" not in FLAWS and limited(("login", address)):
            raise too_many()
        if "lockout" in FLAWS and failures.get(body.email, 0) >= 5:
            raise HTTPException(423, "User is locked out")
        if passwords.get(body.email) != body.password:
            failures[body.email] = failures.get(body.email, 0) + 1
            raise HTTPException(401, "invalid email or password")
        token = f"tok{next(serial)}"
        tokens[token] = body.email
        return {"access_token": token}

    @app.get("/me")
    def me(email: str = Depends(user)) -> dict[str, str]:
        return {"email": email}

    if "admin-reset-route" in FLAWS:

        @app.post("/admin/users/password-reset-token")
        def reset_token(body: ChatIn, email: str = Depends(user)) -> dict[str, Any]:
            raise HTTPException(403, "Forbidden")

    @app.post("/chat")
    def chat(body: ChatIn, email: str = Depends(user)) -> dict[str, Any]:
        if "no-chat-limit" not in FLAWS and limited(("chat", email)):
            raise too_many()
        return {"reply": "thanks"}

    return app


app = create_app()
