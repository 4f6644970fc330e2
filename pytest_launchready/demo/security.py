"""Passwords, JSON Web Tokens, rate limiting and security headers for the demo app."""

from __future__ import annotations

import base64
import collections
import hashlib
import hmac
import logging
import math
import secrets
import threading
import time
import uuid
from typing import Any

import jwt

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("pytest_launchready.demo")

JWT_ALGORITHM = "HS256"
JWT_ISSUER = "demo-chatbot"
JWT_AUDIENCE = "demo-chatbot-api"
TOKEN_TTL_SECONDS = 3600
KEY_ENV_VAR = "DEMO_JWT_SECRET"

# Low so the demo stays fast on a laptop; a real service uses argon2id or a much higher PBKDF2 count.
_PBKDF2_ITERATIONS = 20_000


def hash_password(password: str) -> str:
    """A salted PBKDF2-SHA256 hash, ``pbkdf2_sha256$<iterations>$<salt>$<digest>``."""
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, _PBKDF2_ITERATIONS)
    return "$".join(["pbkdf2_sha256", str(_PBKDF2_ITERATIONS), _b64(salt), _b64(digest)])


def verify_password(password: str, encoded: str | None) -> bool:
    """True when ``password`` matches ``encoded``; with no hash, still spends the time (no user oracle)."""
    if encoded is None:
        hashlib.pbkdf2_hmac("sha256", password.encode(), b"timing-equaliser", _PBKDF2_ITERATIONS)
        return False
    _, iterations, salt, digest = encoded.split("$")
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    return hmac.compare_digest(candidate, base64.b64decode(digest))


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


class TokenError(Exception):
    """The bearer token is not acceptable (the message is safe to return to the client)."""


class TokenService:
    """Issues and verifies HS256 access tokens carrying ``sub`` (user id) and ``jti`` (token id).

    The role and org are deliberately not trusted from the token: the app reads them from the
    store on every request, so a role change or a removed user takes effect at once.
    """

    def __init__(self, secret: str) -> None:
        if len(secret) < 32:
            raise ValueError(f"{KEY_ENV_VAR} must be at least 32 characters")
        self._secret = secret

    def issue(self, user_id: str) -> str:
        """A new access token for ``user_id``, valid for :data:`TOKEN_TTL_SECONDS`."""
        now = int(time.time())
        claims = {
            "sub": user_id,
            "jti": uuid.uuid4().hex,
            "iat": now,
            "exp": now + TOKEN_TTL_SECONDS,
            "iss": JWT_ISSUER,
            "aud": JWT_AUDIENCE,
        }
        return jwt.encode(claims, self._secret, algorithm=JWT_ALGORITHM)

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims; raises :class:`TokenError` for anything but a valid, current token."""
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._secret,
                algorithms=[JWT_ALGORITHM],  # never taken from the token header: no "none", no key confusion
                audience=JWT_AUDIENCE,
                issuer=JWT_ISSUER,
                options={"require": ["sub", "jti", "iat", "exp", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise TokenError("token expired") from None
        except jwt.PyJWTError:
            raise TokenError("invalid token") from None
        if not isinstance(claims["sub"], str) or not isinstance(claims["jti"], str):
            raise TokenError("invalid token")
        # A token minted with a far-future expiry (a leaked key, a forged long-lived token) is refused.
        if not isinstance(claims["iat"], int) or claims["exp"] - claims["iat"] > TOKEN_TTL_SECONDS:
            raise TokenError("invalid token")
        return claims


class RateLimiter:
    """Sliding-window counters keyed by anything hashable (an IP, a user id, an email)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hits: dict[object, collections.deque[float]] = {}

    def retry_after(self, key: object, limit: int, window: float) -> int | None:
        """Seconds to wait when ``key`` already used ``limit`` hits in the last ``window`` seconds, else None."""
        with self._lock:
            hits = self._prune(key, window)
            if len(hits) < limit:
                return None
            return max(1, math.ceil(hits[0] + window - time.monotonic()))

    def hit(self, key: object, window: float) -> None:
        """Count one hit for ``key``."""
        with self._lock:
            self._prune(key, window).append(time.monotonic())

    def take(self, key: object, limit: int, window: float) -> int | None:
        """Count a hit unless over the limit; returns seconds to wait when over it."""
        with self._lock:
            hits = self._prune(key, window)
            if len(hits) >= limit:
                return max(1, math.ceil(hits[0] + window - time.monotonic()))
            hits.append(time.monotonic())
            return None

    def _prune(self, key: object, window: float) -> collections.deque[float]:
        hits = self._hits.setdefault(key, collections.deque())
        cutoff = time.monotonic() - window
        while hits and hits[0] <= cutoff:
            hits.popleft()
        return hits


SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"strict-transport-security", b"max-age=31536000; includeSubDomains"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"cache-control", b"no-store"),
)


class SecurityHeadersMiddleware:
    """Adds :data:`SECURITY_HEADERS` to every HTTP response, errors included.

    It is the outermost layer, so it also turns an unhandled exception into a plain 500 (logged here,
    never a stack trace in the body) instead of letting the server's debug page near a client.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            body = b'{"detail":"internal server error"}'
            await send_with_headers(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
                }
            )
            await send_with_headers({"type": "http.response.body", "body": body})
