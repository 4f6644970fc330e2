"""A tiny two-tenant FastAPI app for the frame tests (tests/plugin/: collection, fail-closed errors, scorecard,
targets); FRAME_FLAWS switches on defects by name.

Tokens are ``tok-<user>``; each user belongs to one org. ``open-items`` makes ``GET /items`` answer
without credentials; ``same-user`` makes every login return the same token.
"""

from __future__ import annotations

import os

from fastapi import Depends, FastAPI, Header, HTTPException

USERS: dict[str, str] = {}  # token -> org


def current_org(authorization: str = Header(default="")) -> str:
    token = authorization.removeprefix("Bearer ").strip()
    if token not in USERS:
        raise HTTPException(status_code=401, detail="not authenticated")
    return USERS[token]


def create_app(flaws: set[str] | None = None) -> FastAPI:
    FLAWS = set(filter(None, os.environ.get("FRAME_FLAWS", "").split(","))) if flaws is None else flaws
    app = FastAPI()
    started = []

    @app.on_event("startup")
    def startup() -> None:
        started.append(True)

    @app.get("/health", openapi_extra={"security": []})
    def health() -> dict[str, object]:
        return {"ok": True, "lifespan_ran": bool(started)}

    @app.post("/auth/login", openapi_extra={"security": []})
    def login(body: dict[str, str]) -> dict[str, str]:
        token = "tok-shared" if "same-user" in FLAWS else f"tok-{body['org']}-{body['role']}-{len(USERS)}"
        USERS[token] = body["org"]
        return {"access_token": token}

    if "open-items" in FLAWS:
        @app.get("/items")
        def items_open() -> list[dict[str, str]]:
            return [{"id": "1", "name": "everyone's"}]
    else:
        @app.get("/items")
        def items(org: str = Depends(current_org)) -> list[dict[str, str]]:
            return [{"id": "1", "org": org}]

    @app.get("/crash")
    def crash(org: str = Depends(current_org)) -> None:
        raise RuntimeError("boom")

    @app.get("/items/{item_id}")
    def item(item_id: int, org: str = Depends(current_org)) -> dict[str, object]:
        return {"id": item_id, "org": org}

    return app


app = create_app()
