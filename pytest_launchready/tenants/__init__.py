"""Credentials (the single holder of a token), tenants and their canaries."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any, Generator, Iterable, Mapping

import httpx

from pytest_launchready.redact import MASK


class Credentials(httpx.Auth):
    """How one identity authenticates: headers and/or cookies, and the raw token when it differs.

    ``Credentials(headers={"Authorization": "Bearer ..."})``, ``Credentials(cookies={"session": ...})``,
    or both. ``token`` is the raw token the tokens check forges from; when it is not given it is found
    in the credentials: the value of ``Authorization: Bearer|Token|JWT <value>``, else the first header
    or cookie value shaped like a JWT (``X-Access-Token: eyJ...``, a session cookie holding a JWT). It is an ``httpx.Auth``: pass it as ``auth=`` to any httpx
    client or request. Its ``repr`` and ``str`` never show a value, so ``--showlocals`` stays clean.
    Two equal credentials mean one identity.

    ``identity`` maps path-parameter names to what only the login knows about this user, e.g.
    ``{"username": "alice-7"}`` for an app that addresses users as ``/profiles/{username}``: the
    tenant owns those values as it owns seeded ids. It is not secret, and not part of equality (two
    logins of one user stay equal).
    """

    def __init__(
        self,
        headers: Mapping[str, str] | None = None,
        cookies: Mapping[str, str] | None = None,
        token: str | None = None,
        identity: Mapping[str, str] | None = None,
    ) -> None:
        self.headers: dict[str, str] = dict(headers or {})
        self.cookies: dict[str, str] = dict(cookies or {})
        self.token: str | None = token or _token_in(self.headers, self.cookies)
        self.identity: dict[str, str] = {str(k): str(v) for k, v in (identity or {}).items()}
        if not (self.headers or self.cookies or self.token):
            raise ValueError("Credentials need headers, cookies or a token: launchready_login returned none")

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the headers and cookies to ``request`` (httpx calls this)."""
        for name, value in self.headers.items():
            request.headers[name] = value
        if self.cookies:
            jar = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            existing = request.headers.get("cookie")
            request.headers["cookie"] = f"{existing}; {jar}" if existing else jar
        yield request

    def secret_values(self) -> list[str]:
        """Every value here that must be redacted."""
        values = [*self.headers.values(), *self.cookies.values()]
        values += [v.split(" ", 1)[1] for v in self.headers.values() if " " in v]
        return [v for v in [*values, self.token] if v]

    def with_token(self, token: str) -> Credentials:
        """The same credentials with ``token`` in place of the original token wherever it appeared."""
        original = self.token
        if not original:
            raise ValueError("these credentials carry no token to replace")
        swap = lambda v: v.replace(original, token)  # noqa: E731
        return Credentials(
            headers={k: swap(v) for k, v in self.headers.items()},
            cookies={k: swap(v) for k, v in self.cookies.items()},
            token=token,
            identity=self.identity,
        )

    def _identity(self) -> tuple[Any, ...]:
        return (tuple(sorted(self.headers.items())), tuple(sorted(self.cookies.items())), self.token)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Credentials) and self._identity() == other._identity()

    def __hash__(self) -> int:
        return hash(self._identity())

    def __repr__(self) -> str:
        parts = []
        if self.headers:
            parts.append(f"headers={{{', '.join(f'{k!r}: {MASK!r}' for k in self.headers)}}}")
        if self.cookies:
            parts.append(f"cookies={{{', '.join(f'{k!r}: {MASK!r}' for k in self.cookies)}}}")
        if self.token and not self.headers and not self.cookies:
            parts.append(f"token={MASK!r}")
        return f"Credentials({', '.join(parts)})"

    __str__ = __repr__


#: Authorization schemes whose value is the token itself (RFC 6750's Bearer, DRF's Token, "JWT").
_TOKEN_SCHEMES = ("bearer", "token", "jwt")
#: A compact JWS: base64url header (``{"`` encodes as ``eyJ``), payload and signature.
_JWT_SHAPE = re.compile(r"^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")


def _token_in(headers: Mapping[str, str], cookies: Mapping[str, str]) -> str | None:
    """The token the credentials carry: an ``Authorization`` token scheme's value, else a JWT anywhere."""
    for name, value in headers.items():
        scheme, _, rest = value.strip().partition(" ")
        if name.lower() == "authorization" and scheme.lower() in _TOKEN_SCHEMES and rest.strip():
            return rest.strip()
    for value in [*headers.values(), *cookies.values()]:
        candidate = value.strip().rpartition(" ")[2]
        if _JWT_SHAPE.match(candidate):
            return candidate
    return None


_DNS_UNSAFE = re.compile(r"[^a-z0-9-]+")


def tenant_name(run_id: str, worker: str, label: str) -> str:
    """A DNS-safe tenant name, unique per run and per xdist worker: ``lr-3f9a-gw0-a``."""
    raw = f"lr-{run_id}-{worker}-{label}".lower()
    return _DNS_UNSAFE.sub("-", raw).strip("-")[:63]


def make_canary(name: str) -> str:
    """A string that can only come from this tenant's data: ``lrcanary<hex>``, unique per tenant."""
    return f"lrcanary{secrets.token_hex(6)}{_DNS_UNSAFE.sub('', name.lower())[-12:]}"


@dataclass
class Tenant:
    """One tenant (org) and one logged-in user of it.

    ``client`` is an ``httpx.Client`` bound to the target that sends this user's credentials on every
    request. ``canary`` is a unique string the plugin plants in this tenant's data: finding it in
    another tenant's response proves a leak. ``ids`` maps path-parameter names to ids this tenant owns
    (from seeding or ``launchready_seed``). ``seed_notes`` says what seeding could not create, and why;
    ``objects`` holds what it did create (:class:`pytest_launchready.tenants.seeding.SeededObject` records);
    ``seed_statuses`` the status of every answer seeding got, in order.
    """

    name: str
    role: str
    credentials: Credentials
    client: httpx.Client
    canary: str
    ids: dict[str, str] = field(default_factory=dict)
    seed_notes: list[str] = field(default_factory=list)
    objects: list[Any] = field(default_factory=list)
    seed_statuses: list[int] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"Tenant(name={self.name!r}, role={self.role!r}, credentials={self.credentials!r})"


def signs_in_with_cookies(credentials: Credentials | None, responses: Iterable[httpx.Response]) -> bool | None:
    """Whether a browser holds a cookie that signs this app's user in: what a credentialed CORS grant exposes.

    True when ``credentials`` carry cookies or a successful sign-in among ``responses`` (those the
    target saw setting cookies) set one; False when the credentials are known and neither holds (a
    bearer-header API: browsers never add that header on their own); None without credentials to judge.
    """
    from pytest_launchready.routes import Route
    from pytest_launchready.routes.vocabulary import is_sign_in

    if credentials is not None and credentials.cookies:
        return True
    if any(r.is_success and is_sign_in(Route(r.request.method, r.request.url.path)) for r in responses):
        return True
    return None if credentials is None else False
