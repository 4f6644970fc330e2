"""A small FastAPI app whose security headers and cookies are chosen by HEADERS_FLAW (empty: secure).

The secure setup: one middleware sets nosniff, X-Frame-Options, Referrer-Policy and HSTS on every
response; ``GET /csrf`` sets a CSRF cookie readable by JavaScript (by design: double submit), and
``POST /auth/login`` starts an anonymous session (HttpOnly; Secure; SameSite=Lax) even for a failed
login. Flaws (comma-separated): ``no-nosniff``, ``no-frame``, ``csp-frame-ancestors`` (no
X-Frame-Options but CSP frame-ancestors 'none': still protected), ``unsafe-referrer``, ``no-hsts``,
``short-hsts``, ``legacy-route`` (``GET /legacy`` bypasses the middleware), ``cookie-not-httponly``,
``cookie-no-samesite``, ``cookie-not-secure``, ``no-cookies`` (a bearer-token API: no cookie at all).
"""

from __future__ import annotations

import os
from typing import Awaitable, Callable

from fastapi import FastAPI, Request, Response

FLAWS = set(filter(None, os.environ.get("HEADERS_FLAW", "").split(",")))
SESSION_VALUE = "s3ss10n-8c1f0e2d7a9b4c6e8f0a1b2c3d4e5f60"


def security_headers() -> dict[str, str]:
    headers = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    }
    if "no-nosniff" in FLAWS:
        del headers["X-Content-Type-Options"]
    if "no-frame" in FLAWS or "csp-frame-ancestors" in FLAWS:
        del headers["X-Frame-Options"]
    if "csp-frame-ancestors" in FLAWS:
        headers["Content-Security-Policy"] = "default-src 'self'; frame-ancestors 'none'"
    if "unsafe-referrer" in FLAWS:
        headers["Referrer-Policy"] = "unsafe-url"
    if "no-hsts" in FLAWS:
        del headers["Strict-Transport-Security"]
    if "short-hsts" in FLAWS:
        headers["Strict-Transport-Security"] = "max-age=86400"
    return headers


def session_cookie() -> str:
    attributes = ["Path=/"]
    if "cookie-not-httponly" not in FLAWS:
        attributes.append("HttpOnly")
    if "cookie-not-secure" not in FLAWS:
        attributes.append("Secure")
    if "cookie-no-samesite" not in FLAWS:
        attributes.append("SameSite=Lax")
    return "; ".join([f"session={SESSION_VALUE}", *attributes])


def create_app() -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None if "no-openapi" in FLAWS else "/openapi.json")

    @app.middleware("http")
    async def add_security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        if not (request.url.path == "/legacy" and "legacy-route" in FLAWS):
            response.headers.update(security_headers())
        return response

    @app.get("/health", openapi_extra={"security": []})
    def health() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/legacy", openapi_extra={"security": []})
    def legacy() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/csrf", openapi_extra={"security": []})
    def csrf(response: Response) -> dict[str, bool]:
        if "no-cookies" not in FLAWS:
            response.headers.append("Set-Cookie", "csrftoken=c5rf0123456789abcdef0123456789ab; Path=/; Secure; SameSite=Lax")
        return {"ok": True}

    @app.post("/auth/login", openapi_extra={"security": []})
    def login(body: dict[str, str], response: Response) -> dict[str, str]:
        if "no-cookies" not in FLAWS:
            response.headers.append("Set-Cookie", session_cookie())
        response.status_code = 401
        return {"detail": "bad credentials"}

    return app


app = create_app()
