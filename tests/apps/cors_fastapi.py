"""A small FastAPI app whose CORS setup is chosen by CORS_FLAW (empty: the secure setup).

The allowed frontend is https://app.example.com. Each flaw is a real middleware configuration:
``reflect-all`` (allow_origins=["*"] with credentials: Starlette then echoes any origin that sends a
cookie), ``wildcard-public`` (allow_origins=["*"] without credentials: a legitimate public-API
policy), ``regex`` (the unescaped, unanchored allow_origin_regex "https://.*example.com"), ``subdomain``
(a regex allowing any subdomain), ``null``, ``http-downgrade``, ``wildcard-credentials`` (hand-written
"*" with credentials), ``preflight-any`` (a hand-written preflight that grants every origin),
``refuses-allowed`` (the allowlist misses the frontend), ``reflect-headers`` (FastAPI's documented
allow_headers=["*"] with credentials), ``one-route-differs`` (``reflect-all`` for the app, but
``GET /health`` answers its own requests with a hand-written ``*``, credentials left on).
"""

from __future__ import annotations

import os
from typing import Any, Awaitable, Callable

from fastapi import Depends, FastAPI, Header, HTTPException, Request, Response
from starlette.middleware.cors import CORSMiddleware

FLAW = os.environ.get("CORS_FLAW", "")
FRONTEND = "https://app.example.com"
STRICT: dict[str, Any] = {"allow_credentials": True, "allow_methods": ["GET", "POST"],
                          "allow_headers": ["Authorization", "Content-Type"]}
CONFIGS: dict[str, dict[str, Any]] = {
    "": {"allow_origins": [FRONTEND], **STRICT},
    "reflect-all": {"allow_origins": ["*"], "allow_credentials": True, "allow_methods": ["*"]},
    "wildcard-public": {"allow_origins": ["*"], "allow_methods": ["*"], "allow_headers": ["*"]},
    "regex": {"allow_origin_regex": r"https://.*example.com", **STRICT},
    "subdomain": {"allow_origin_regex": r"https://([a-z0-9-]+\.)?app\.example\.com", **STRICT},
    "null": {"allow_origins": [FRONTEND, "null"], **STRICT},
    "http-downgrade": {"allow_origins": [FRONTEND, "http://app.example.com"], **STRICT},
    "refuses-allowed": {"allow_origins": ["https://admin.example.com"], **STRICT},
    "reflect-headers": {"allow_origins": [FRONTEND], "allow_credentials": True, "allow_methods": ["*"], "allow_headers": ["*"]},
    "wildcard-credentials": {"allow_origins": [FRONTEND], **STRICT},
    "preflight-any": {"allow_origins": [FRONTEND], **STRICT},
    "one-route-differs": {"allow_origins": ["*"], "allow_credentials": True, "allow_methods": ["*"]},
}


def current_user(authorization: str = Header(default="")) -> str:
    if authorization != "Bearer good":
        raise HTTPException(status_code=401, detail="not authenticated")
    return "user"


def create_app() -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None)

    @app.get("/health", openapi_extra={"security": []})
    def health() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/items")
    def items(user: str = Depends(current_user)) -> list[str]:
        return ["one"]

    @app.post("/items")
    def add_item(body: dict[str, str], user: str = Depends(current_user)) -> dict[str, str]:
        return body

    if FLAW == "wildcard-credentials":
        @app.middleware("http")
        async def star(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
            response = await call_next(request)
            response.headers["Access-Control-Allow-Origin"] = "*"
            response.headers["Access-Control-Allow-Credentials"] = "true"
            return response

    app.add_middleware(CORSMiddleware, **CONFIGS[FLAW])

    if FLAW == "preflight-any":
        # Outermost: answers every preflight itself, echoing whatever origin asked.
        @app.middleware("http")
        async def lenient_preflight(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
            if request.method == "OPTIONS" and "access-control-request-method" in request.headers:
                return Response(status_code=204, headers={
                    "Access-Control-Allow-Origin": request.headers.get("origin", ""),
                    "Access-Control-Allow-Methods": "GET, POST",
                })
            return await call_next(request)

    if FLAW == "one-route-differs":
        # Outermost: the health route's own CORS handling replaces what the middleware put there.
        @app.middleware("http")
        async def public_health(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
            response = await call_next(request)
            if request.url.path == "/health" and request.method != "OPTIONS":
                response.headers["Access-Control-Allow-Origin"] = "*"
            return response

    return app


app = create_app()
