"""A small multi-tenant FastAPI app issuing JWTs, for the tokens check tests.

Secure by default: HS256 with the secret in ``TOKENS_SECRET`` (or a random one), the algorithm pinned,
signature and ``exp`` verified, a denylist of token ids filled at logout, and the role read from the
store on every request. ``TOKENS_MODE`` picks ``hs256`` (default), ``rs256`` (private key PEM in
``TOKENS_PRIVATE_KEY``) or ``opaque`` (random session tokens). ``TOKENS_FLAWS`` (comma-separated)
switches defects on by name:

- ``alg-none``: a token whose header says alg none/None/NONE is accepted without a signature;
- ``any-signature``: tokens are decoded without verifying the signature (exp is still checked);
- ``ignore-exp``: the signature is verified but ``exp`` is not;
- ``no-revoke``: logout does not revoke the token;
- ``role-in-token``: the role comes from the token's claims, so a demotion takes effect only at expiry;
- ``key-confusion`` (rs256): the algorithm is taken from the token, and HS* tokens are verified with
  the public key as the HMAC secret.

A weak secret is not a flaw switch: the tests set ``TOKENS_SECRET=secret``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
import uuid
import warnings
from typing import Any

import jwt
from fastapi import Depends, FastAPI, HTTPException, Request

FLAWS = set(filter(None, os.environ.get("TOKENS_FLAWS", "").split(",")))
MODE = os.environ.get("TOKENS_MODE", "hs256")
#: Where clients send the token: "bearer" (Authorization: Bearer), "token" (Authorization: Token),
#: "header" (X-Access-Token) or "cookie" (access_token).
SCHEME = os.environ.get("TOKENS_SCHEME", "bearer")
SECRET = os.environ.get("TOKENS_SECRET") or secrets.token_urlsafe(32)
PRIVATE_KEY = os.environ.get("TOKENS_PRIVATE_KEY", "")
ROLES = ("owner", "admin", "member")


def _public_key() -> bytes:
    if MODE != "rs256":
        return b""
    from cryptography.hazmat.primitives import serialization

    private = serialization.load_pem_private_key(PRIVATE_KEY.encode(), password=None)
    return private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


PUBLIC_KEY = _public_key()
USERS: dict[str, dict[str, str]] = {}  # user id -> {"org", "role"}
SESSIONS: dict[str, str] = {}  # opaque token -> user id
REVOKED: set[str] = set()  # revoked jti (or opaque token)
NOTES: dict[str, dict[str, str]] = {}  # note id -> {"org", "text"}


def issue(user_id: str) -> str:
    if MODE == "opaque":
        token = secrets.token_urlsafe(24)
        SESSIONS[token] = user_id
        return token
    user = USERS[user_id]
    now = int(time.time())
    claims = {"sub": user_id, "org": user["org"], "role": user["role"], "jti": uuid.uuid4().hex, "iat": now,
              "exp": now + 900, "iss": "tokens-test-app"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if MODE == "rs256":
            return jwt.encode(claims, PRIVATE_KEY, algorithm="RS256")
        return jwt.encode(claims, SECRET, algorithm="HS256")


def _unverified(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False, "verify_exp": True})


def claims_of(token: str) -> dict[str, Any]:
    if MODE == "opaque":
        if token not in SESSIONS or token in REVOKED:
            raise HTTPException(401, "invalid token")
        return {"sub": SESSIONS[token], "jti": token}
    try:
        header = jwt.get_unverified_header(token)
        alg = str(header.get("alg", ""))
        if "alg-none" in FLAWS and alg.lower() == "none":
            return _unverified(token)
        if "any-signature" in FLAWS:
            return _unverified(token)
        if "key-confusion" in FLAWS and alg.startswith("HS"):
            signing_input, _, signature = token.rpartition(".")
            digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
            expected = hmac.new(PUBLIC_KEY, signing_input.encode(), digest).digest()
            if not hmac.compare_digest(expected, jwt.utils.base64url_decode(signature)):
                raise HTTPException(401, "invalid token")
            return _unverified(token)
        options: dict[str, Any] = {"require": ["exp", "sub", "jti"]}
        if "ignore-exp" in FLAWS:
            options["verify_exp"] = False
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if MODE == "rs256":
                return jwt.decode(token, PUBLIC_KEY, algorithms=["RS256"], options=options)
            return jwt.decode(token, SECRET, algorithms=["HS256"], options=options)
    except (jwt.PyJWTError, KeyError, ValueError):
        raise HTTPException(401, "invalid token") from None


def presented_token(request: Request) -> str:
    """The token where this app's scheme carries it, or a 401."""
    authorization = request.headers.get("authorization", "")
    found = {
        "bearer": authorization[7:] if authorization.startswith("Bearer ") else "",
        "token": authorization[6:] if authorization.startswith("Token ") else "",
        "header": request.headers.get("x-access-token", ""),
        "cookie": request.cookies.get("access_token", ""),
    }[SCHEME].strip()
    if not found:
        raise HTTPException(401, "not authenticated")
    return found


def current_user(request: Request) -> dict[str, str]:
    claims = claims_of(presented_token(request))
    if claims.get("jti") in REVOKED:
        raise HTTPException(401, "token revoked")
    user = USERS.get(str(claims.get("sub")))
    if user is None:
        raise HTTPException(401, "unknown user")
    role = str(claims.get("role")) if "role-in-token" in FLAWS else user["role"]
    return {"id": str(claims["sub"]), "org": user["org"], "role": role, "jti": str(claims.get("jti"))}


def require(role: str):  # type: ignore[no-untyped-def]
    def check(user: dict[str, str] = Depends(current_user)) -> dict[str, str]:
        if ROLES.index(user["role"]) > ROLES.index(role):
            raise HTTPException(403, f"{role} only")
        return user
    return check


app = FastAPI()


@app.get("/health", openapi_extra={"security": []})
def health() -> dict[str, bool]:
    return {"ok": True}


@app.post("/auth/login", openapi_extra={"security": []})
def login(body: dict[str, str]) -> dict[str, str]:
    user_id = uuid.uuid4().hex[:12]
    USERS[user_id] = {"org": body["org"], "role": body["role"]}
    note_id = uuid.uuid4().hex[:8]
    NOTES[note_id] = {"org": body["org"], "text": f"note of {body['org']}"}
    return {"access_token": issue(user_id)}


@app.post("/auth/logout", status_code=204)
def logout(user: dict[str, str] = Depends(current_user)) -> None:
    if "no-revoke" not in FLAWS:
        REVOKED.add(user["jti"])


@app.get("/me")
def me(user: dict[str, str] = Depends(current_user)) -> dict[str, str]:
    return {"id": user["id"], "org": user["org"], "role": user["role"]}


@app.get("/notes")
def notes(user: dict[str, str] = Depends(current_user)) -> list[dict[str, str]]:
    return [{"id": k, **v} for k, v in NOTES.items() if v["org"] == user["org"]]


@app.get("/notes/{note_id}")
def note(note_id: str, user: dict[str, str] = Depends(current_user)) -> dict[str, str]:
    found = NOTES.get(note_id)
    if found is None or found["org"] != user["org"]:
        raise HTTPException(404, "not found")
    return {"id": note_id, **found}


@app.get("/admin/stats", openapi_extra={"x-launchready-roles": ["admin"]})
def stats(user: dict[str, str] = Depends(require("admin"))) -> dict[str, int]:
    return {"users": sum(1 for u in USERS.values() if u["org"] == user["org"])}


@app.patch("/admin/users/{user_id}", openapi_extra={"x-launchready-roles": ["owner"]})
def set_role(user_id: str, body: dict[str, str], user: dict[str, str] = Depends(require("owner"))) -> dict[str, str]:
    target = USERS.get(user_id)
    if target is None or target["org"] != user["org"]:
        raise HTTPException(404, "not found")
    if body.get("role") not in ROLES:
        raise HTTPException(422, "unknown role")
    target["role"] = body["role"]
    return {"id": user_id, **target}
