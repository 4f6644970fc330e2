"""A chatbot-builder API in a style the other test apps do not use; REVIEW_FLAWS switches on defects by name.

Secure by default: strict pydantic models (``strict=True``, ``extra="forbid"``) with enums, ``Literal``,
nested objects, arrays and optional fields with defaults; ``response_model`` filtering (the stored
user holds a password hash and an API key, the output models leave them out); a 204 DELETE; a CSV
download streamed; a form-encoded route parsed by hand (declared through ``openapi_extra``); an
exact-origin CORS policy with credentials; security headers from one middleware; a login limit
written by hand (5 failures per client address, then 429 with Retry-After). Flaws:

- ``nul-query``: ``GET /search`` passes ``q`` to a "database" that crashes on a NUL byte (500).
- ``debug``: ``FastAPI(debug=True)`` and ``POST /bots`` formats the name into SQL (a traceback on a quote).
- ``mass-admin``: ``PATCH /me`` copies every body field onto the user (``is_admin`` included).
- ``key-in-list``: ``GET /api-keys`` lists every key in full.
- ``cors-null``: ``null`` is in the allowed origins.
- ``xff-limit``: the login limit counts per leftmost ``X-Forwarded-For`` address (spoofable).
"""

from __future__ import annotations

import csv
import enum
import hashlib
import io
import itertools
import os
import secrets
import sqlite3
import time
import urllib.parse
from typing import Any, Iterator, Literal, Optional

from fastapi import Depends, FastAPI, Header, HTTPException, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

FLAWS = set(filter(None, os.environ.get("REVIEW_FLAWS", "").split(",")))
LOGIN_LIMIT, LOGIN_WINDOW = 5, 60.0
ORIGINS = ["https://app.chatbot.example", "https://admin.chatbot.example"] + (["null"] if "cors-null" in FLAWS else [])


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class SignupIn(Strict):
    email: str = Field(min_length=3, max_length=200)
    password: str = Field(min_length=8, max_length=100)
    org: str = Field(min_length=1, max_length=60)


class LoginIn(Strict):
    email: str = Field(min_length=3, max_length=200)
    password: str = Field(min_length=1, max_length=200)


class Model(str, enum.Enum):
    small = "small"
    large = "large"


class Escalation(Strict):
    channel: Literal["email", "sms", "none"] = "email"
    after_messages: int = Field(default=5, ge=1, le=50)


class BotIn(Strict):
    name: str = Field(min_length=1, max_length=80)
    model: Model = Model.small
    temperature: float = Field(default=0.2, ge=0, le=2)
    tags: list[str] = Field(default_factory=list, max_length=10)
    greeting: Optional[str] = Field(default=None, max_length=500)
    escalation: Escalation = Field(default_factory=Escalation)


class BotOut(BaseModel):
    id: str
    name: str
    model: Model
    temperature: float
    tags: list[str]
    greeting: Optional[str]
    escalation: Escalation


class MeUpdate(Strict):
    display_name: Optional[str] = Field(default=None, max_length=50)
    locale: Literal["en", "fr", "de"] = "en"


class UserOut(BaseModel):
    id: str
    email: str
    display_name: Optional[str] = None
    locale: str = "en"
    is_admin: bool = False


class KeyIn(Strict):
    label: str = Field(min_length=1, max_length=40)


class KeyOut(BaseModel):
    id: str
    label: str
    prefix: str


class KeyCreated(KeyOut):
    api_key: str  # shown once, at creation


class SearchHit(BaseModel):
    bot_id: str
    name: str


FORM_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/x-www-form-urlencoded": {"schema": {
            "type": "object", "required": ["question", "answer"], "additionalProperties": False,
            "properties": {"question": {"type": "string", "minLength": 1, "maxLength": 300},
                           "answer": {"type": "string", "minLength": 1, "maxLength": 2000}},
        }}},
    }
}


def create_app() -> FastAPI:
    app = FastAPI(title="bots", debug="debug" in FLAWS)
    app.add_middleware(CORSMiddleware, allow_origins=ORIGINS, allow_credentials=True,
                       allow_methods=["GET", "POST", "PATCH", "DELETE"], allow_headers=["Authorization", "Content-Type"])
    users: dict[str, dict[str, Any]] = {}
    tokens: dict[str, str] = {}
    bots: dict[str, dict[str, Any]] = {}
    faqs: dict[str, list[dict[str, str]]] = {}
    keys: dict[str, dict[str, Any]] = {}
    failures: dict[str, list[float]] = {}
    serial = itertools.count(1)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response = await call_next(request)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        return response

    def current(authorization: str = Header(default="")) -> dict[str, Any]:
        user = users.get(tokens.get(authorization.removeprefix("Bearer "), ""))
        if user is None:
            raise HTTPException(401, "not authenticated")
        return user

    def own_bot(bot_id: str, user: dict[str, Any]) -> dict[str, Any]:
        bot = bots.get(bot_id)
        if bot is None or bot["org"] != user["org"]:
            raise HTTPException(404, "no such bot")
        return bot

    def client_key(request: Request) -> str:
        forwarded = request.headers.get("x-forwarded-for", "")
        if "xff-limit" in FLAWS and forwarded:
            return forwarded.split(",")[0].strip()
        return request.client.host if request.client else "?"

    @app.get("/health")
    def health() -> dict[str, bool]:
        return {"ok": True}

    @app.post("/auth/signup", status_code=201)
    def signup(body: SignupIn) -> dict[str, str]:
        if any(u["email"] == body.email for u in users.values()):
            raise HTTPException(409, "email taken")
        user_id = f"u{next(serial)}"
        salt = secrets.token_hex(8)
        users[user_id] = {"id": user_id, "email": body.email, "org": body.org, "display_name": None, "locale": "en",
                          "is_admin": False, "salt": salt,
                          "password_hash": hashlib.sha256((salt + body.password).encode()).hexdigest()}
        return {"id": user_id}

    @app.post("/auth/login")
    def login(body: LoginIn, request: Request) -> JSONResponse:
        key = client_key(request)
        now = time.monotonic()
        recent = [t for t in failures.get(key, []) if now - t < LOGIN_WINDOW]
        failures[key] = recent
        if len(recent) >= LOGIN_LIMIT:
            wait = int(LOGIN_WINDOW - (now - recent[0])) + 1
            return JSONResponse({"detail": "too many attempts"}, status_code=429, headers={"Retry-After": str(wait)})
        user = next((u for u in users.values() if u["email"] == body.email), None)
        if user is None or hashlib.sha256((user["salt"] + body.password).encode()).hexdigest() != user["password_hash"]:
            recent.append(now)
            return JSONResponse({"detail": "wrong email or password"}, status_code=401)
        token = secrets.token_urlsafe(24)
        tokens[token] = user["id"]
        return JSONResponse({"access_token": token, "token_type": "bearer"})

    @app.get("/me", response_model=UserOut)
    def me(user: dict[str, Any] = Depends(current)) -> dict[str, Any]:
        return user

    if "mass-admin" in FLAWS:
        @app.patch("/me", response_model=UserOut, openapi_extra={"requestBody": {"required": True, "content": {
            "application/json": {"schema": MeUpdate.model_json_schema()}}}})
        async def update_me(request: Request, user: dict[str, Any] = Depends(current)) -> dict[str, Any]:
            user.update(await request.json())
            return user
    else:
        @app.patch("/me", response_model=UserOut)
        def update_me(body: MeUpdate, user: dict[str, Any] = Depends(current)) -> dict[str, Any]:
            user.update(body.model_dump(exclude_unset=True))
            return user

    @app.post("/bots", response_model=BotOut, status_code=201)
    def create_bot(body: BotIn, user: dict[str, Any] = Depends(current)) -> dict[str, Any]:
        if "debug" in FLAWS:
            sqlite3.connect(":memory:").execute(f"SELECT '{body.name}'")
        bot_id = f"b{next(serial)}"
        bots[bot_id] = {"id": bot_id, "org": user["org"], **body.model_dump()}
        faqs[bot_id] = []
        return bots[bot_id]

    @app.get("/bots", response_model=list[BotOut])
    def list_bots(user: dict[str, Any] = Depends(current)) -> list[dict[str, Any]]:
        return [b for b in bots.values() if b["org"] == user["org"]]

    @app.get("/bots/{bot_id}", response_model=BotOut)
    def get_bot(bot_id: str, user: dict[str, Any] = Depends(current)) -> dict[str, Any]:
        return own_bot(bot_id, user)

    @app.delete("/bots/{bot_id}", status_code=204)
    def delete_bot(bot_id: str, user: dict[str, Any] = Depends(current)) -> Response:
        own_bot(bot_id, user)
        del bots[bot_id]
        return Response(status_code=204)

    @app.get("/bots/{bot_id}/faq.csv", response_class=StreamingResponse)
    def download_faq(bot_id: str, user: dict[str, Any] = Depends(current)) -> StreamingResponse:
        own_bot(bot_id, user)

        def rows() -> Iterator[str]:
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(["question", "answer"])
            for faq in faqs[bot_id]:
                writer.writerow([faq["question"], faq["answer"]])
            yield out.getvalue()

        return StreamingResponse(rows(), media_type="text/csv",
                                 headers={"Content-Disposition": f'attachment; filename="{bot_id}-faq.csv"'})

    @app.post("/bots/{bot_id}/faq", status_code=201, openapi_extra=FORM_BODY)
    async def add_faq(bot_id: str, request: Request, user: dict[str, Any] = Depends(current)) -> dict[str, Any]:
        own_bot(bot_id, user)
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
            raise HTTPException(415, "send a form")
        try:
            form = urllib.parse.parse_qs((await request.body()).decode(), strict_parsing=True, max_num_fields=10)
        except (UnicodeDecodeError, ValueError):
            raise HTTPException(400, "malformed form") from None
        if set(form) - {"question", "answer"}:
            raise HTTPException(400, "unknown field")
        question, answer = form.get("question", [""])[0], form.get("answer", [""])[0]
        if not 1 <= len(question) <= 300 or not 1 <= len(answer) <= 2000:
            raise HTTPException(400, "question and answer are required")
        faqs[bot_id].append({"question": question, "answer": answer})
        return {"bot_id": bot_id, "count": len(faqs[bot_id])}

    @app.get("/search", response_model=list[SearchHit])
    def search(q: str = "", limit: int = 10, user: dict[str, Any] = Depends(current)) -> list[dict[str, str]]:
        if "\x00" in q:
            if "nul-query" in FLAWS:
                raise ValueError("A string literal cannot contain NUL (0x00) characters.")
            raise HTTPException(400, "q must not contain NUL")
        return [{"bot_id": b["id"], "name": b["name"]} for b in bots.values()
                if b["org"] == user["org"] and q.lower() in b["name"].lower()][:limit]

    @app.post("/api-keys", response_model=KeyCreated, status_code=201)
    def create_key(body: KeyIn, user: dict[str, Any] = Depends(current)) -> dict[str, Any]:
        key_id = f"k{next(serial)}"
        value = "sk_live_" + secrets.token_hex(20)
        keys[key_id] = {"id": key_id, "org": user["org"], "label": body.label, "prefix": value[:12], "api_key": value}
        return keys[key_id]

    list_model = KeyCreated if "key-in-list" in FLAWS else KeyOut

    @app.get("/api-keys", response_model=list[list_model])  # type: ignore[valid-type]
    def list_keys(user: dict[str, Any] = Depends(current)) -> list[dict[str, Any]]:
        return [k for k in keys.values() if k["org"] == user["org"]]

    @app.delete("/api-keys/{key_id}", status_code=204)
    def revoke_key(key_id: str, user: dict[str, Any] = Depends(current)) -> Response:
        key = keys.get(key_id)
        if key is None or key["org"] != user["org"]:
            raise HTTPException(404, "no such key")
        del keys[key_id]
        return Response(status_code=204)

    return app


app = create_app()
