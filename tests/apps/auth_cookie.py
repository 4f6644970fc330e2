"""A cookie-session app for the auth tests; AUTH_FLAWS switches defects on by name.

``any-cookie``: any non-empty ``sid`` cookie is taken as signed in. ``redirect-login``: anonymous
requests are redirected to /login (as Django's login_required does) instead of answered 401.
``script-readable-session``: the session cookie a successful login sets lacks HttpOnly.
``cors-reflect``: Starlette's CORSMiddleware with allow_origins=["*"] and credentials, which echoes
any origin that sends a cookie, with Access-Control-Allow-Credentials: true.
"""

from __future__ import annotations

import os
import secrets

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.middleware.cors import CORSMiddleware

SESSIONS: dict[str, str] = {}


def create_app() -> FastAPI:
    flaws = set(filter(None, os.environ.get("AUTH_FLAWS", "").split(",")))
    app = FastAPI()

    def signed_in(request: Request) -> bool:
        sid = request.cookies.get("sid", "")
        return bool(sid) if "any-cookie" in flaws else sid in SESSIONS

    def denied() -> JSONResponse | RedirectResponse:
        if "redirect-login" in flaws:
            return RedirectResponse("/login?next=/notes", status_code=302)
        return JSONResponse({"detail": "sign in first"}, status_code=401)

    @app.post("/auth/login", openapi_extra={"security": []})
    def login(body: dict[str, str]) -> JSONResponse:
        if not body.get("org"):
            return JSONResponse({"detail": "wrong credentials"}, status_code=401)  # no cookie for a failed login
        sid = secrets.token_urlsafe(16)
        SESSIONS[sid] = body["org"]
        response = JSONResponse({"ok": True})
        response.set_cookie("sid", sid, httponly="script-readable-session" not in flaws, secure=True, samesite="lax")
        return response

    @app.get("/notes")
    def notes(request: Request):  # type: ignore[no-untyped-def]
        return [{"id": "1"}] if signed_in(request) else denied()

    if "cors-reflect" in flaws:
        app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"])
    return app


app = create_app()
