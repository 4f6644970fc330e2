"""The ``cookies`` case: Set-Cookie headers parsed, each cookie classed (session, CSRF, other) and its
flags judged by its class, over public GETs, a minimal login and the logins of the run."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import httpx
import pytest

from pytest_launchready.checks import Case
from pytest_launchready.checks.context import RunContext
from pytest_launchready.checks.evidence import fail
from pytest_launchready.checks.finding import MEDIUM
from pytest_launchready.checks.headers.observe import DOCS, Verdict, fetch, is_https_target, url_for
from pytest_launchready.routes import Route
from pytest_launchready.target import UnsafeRequestError
from pytest_launchready.tenants.bodies import dummy_path_values, minimal_body
from pytest_launchready.routes.vocabulary import is_sign_in

#: Requests the cookies test may send (public routes only).
_MAX_COOKIE_REQUESTS = 40

COOKIES_FIX = (
    "Set session cookies with HttpOnly; Secure; SameSite=Lax (Strict where the flow allows). Flask: "
    "SESSION_COOKIE_SECURE/HTTPONLY/SAMESITE; Django: SESSION_COOKIE_SECURE, SESSION_COOKIE_SAMESITE, "
    "CSRF_COOKIE_SECURE; Starlette: SessionMiddleware(https_only=True, same_site='lax'); "
    "response.set_cookie(..., secure=True, httponly=True, samesite='lax')."
)


@dataclass(frozen=True)
class SetCookie:
    """One Set-Cookie header: name, value and attributes (names lower-cased; flags map to "")."""

    name: str
    value: str
    attributes: tuple[tuple[str, str], ...]

    def get(self, name: str) -> str | None:
        """The value of an attribute, "" for a flag, None when absent."""
        return next((v for k, v in self.attributes if k == name), None)

    @property
    def deleted(self) -> bool:
        """An empty value or an expiry in the past: the server is clearing the cookie."""
        if not self.value.strip('"'):
            return True
        max_age = self.get("max-age")
        if max_age is not None and max_age.strip().lstrip("-").isdigit() and int(max_age) <= 0:
            return True
        expires = self.get("expires")
        if expires:
            try:
                when = parsedate_to_datetime(expires)
            except (TypeError, ValueError):
                return False
            if when.tzinfo is None:
                when = when.replace(tzinfo=dt.timezone.utc)
            return when < dt.datetime.now(dt.timezone.utc)
        return False

    def describe(self) -> str:
        """``name (HttpOnly; Secure; SameSite=Lax)`` with the value left out: it may be a session."""
        shown = [_ATTRIBUTE_NAMES[k] + (f"={v}" if v else "") for k, v in self.attributes if k in _ATTRIBUTE_NAMES]
        return f"{self.name} ({'; '.join(shown) or 'no attributes'})"


_ATTRIBUTE_NAMES = {"path": "Path", "domain": "Domain", "httponly": "HttpOnly", "secure": "Secure", "samesite": "SameSite"}


def parse_set_cookie(header: str) -> SetCookie | None:
    """Parse one Set-Cookie header value; None when it has no ``name=value``."""
    first, *rest = header.split(";")
    name, sep, value = first.partition("=")
    if not sep or not name.strip():
        return None
    attributes = []
    for part in rest:
        key, _, val = part.partition("=")
        if key.strip():
            attributes.append((key.strip().lower(), val.strip()))
    return SetCookie(name.strip(), value.strip(), tuple(attributes))


_CSRF_NAME = re.compile(r"csrf|xsrf", re.IGNORECASE)
_SESSION_NAME = re.compile(
    r"(?:^|[^a-z])(?:[a-z]*sess[a-z]*|sid|auth[a-z]*|[a-z]*token|jwt|remember[a-z]*|access|refresh|login|identity)(?:$|[^a-z])",
    re.IGNORECASE,
)
_TOKEN_VALUE = re.compile(r"^[A-Za-z0-9+/=_.%-]{32,}$")


def cookie_kind(cookie: SetCookie) -> str:
    """``csrf`` (readable by JavaScript by design), ``session`` (a credential) or ``other``."""
    if _CSRF_NAME.search(cookie.name):
        return "csrf"
    value = cookie.value.strip('"')
    looks_like_token = value.startswith("eyJ") or (
        bool(_TOKEN_VALUE.match(value)) and any(c.isdigit() for c in value) and any(c.isalpha() for c in value))
    if _SESSION_NAME.search(cookie.name) or looks_like_token:
        return "session"
    return "other"


def judge_cookie(cookie: SetCookie, https: bool) -> Verdict:
    """What is wrong with one cookie's attributes, by its kind."""
    verdict = Verdict()
    kind = cookie_kind(cookie)
    secure = cookie.get("secure") is not None
    if cookie.name.startswith(("__Host-", "__Secure-")) and not secure:
        verdict.add(f"{cookie.name} has a __Host-/__Secure- prefix without Secure: browsers drop it", True)
        return verdict
    if kind == "other":
        return verdict
    label = "session cookie" if kind == "session" else "CSRF cookie"
    if not secure:
        verdict.add(f"{label} {cookie.describe()} lacks Secure: it is sent over plain http too"
                    + ("" if https else " (a WARN on a plain-http target)"), https)
    if kind == "csrf":
        return verdict
    if cookie.get("httponly") is None:
        verdict.add(f"{label} {cookie.describe()} lacks HttpOnly: any script (one XSS) can read and steal it", True)
    same_site = cookie.get("samesite")
    if same_site is None:
        verdict.add(f"{label} {cookie.describe()} has no SameSite: browsers without a Lax default send it on cross-site "
                    "requests (CSRF)", True)
    elif same_site.lower() == "none":
        if secure:
            verdict.add(f"{label} {cookie.describe()} is SameSite=None: it is sent on every cross-site request; keep it "
                        "only for a widget embedded on other sites", False)
        else:
            verdict.add(f"{label} {cookie.describe()} is SameSite=None without Secure: browsers reject it", True)
    elif same_site.lower() not in ("lax", "strict"):
        verdict.add(f"{label} {cookie.describe()} has SameSite={same_site}, not Lax, Strict or None", True)
    return verdict


def _cookies_set_elsewhere(ctx: RunContext, known: set[int]) -> list[tuple[Route, httpx.Response, SetCookie]]:
    """Cookies the app set on other requests of the run, above all the session cookie of a successful
    login (the user's launchready_login sends it through the plugin's client)."""
    if ctx.login_defined:
        ctx.tenant_a  # noqa: B018 - logs tenant A in, if no test has yet
    found = []
    for response in ctx.target.cookie_responses:
        if id(response) in known:
            continue
        request = response.request
        route = Route(request.method, request.url.path)
        for header in response.headers.get_list("set-cookie"):
            cookie = parse_set_cookie(header)
            if cookie is not None and not cookie.deleted:
                ctx.redact.add(cookie.value)
                found.append((route, response, cookie))
    return found


def run_cookies(ctx: RunContext, case: Case) -> None:
    """Judge every session and CSRF cookie the app sets; NOT RUN when it sets none."""
    routes = [r for r in ctx.routes if r.public and (r.method == "GET" or is_sign_in(r))][:_MAX_COOKIE_REQUESTS]
    seen: list[tuple[Route, httpx.Response, SetCookie]] = []
    for route in routes:
        path = route.format_path(dummy_path_values(route))
        kwargs: dict[str, object] = {}
        body = minimal_body(route) if route.method == "POST" else None
        if body is not None:
            kwargs["json"] = body
        try:
            response = fetch(ctx, route.method, url_for(ctx, path), **kwargs)
        except UnsafeRequestError:
            continue  # a login POST to a live host outside launchready_allow_hosts: not sent
        for header in response.headers.get_list("set-cookie"):
            cookie = parse_set_cookie(header)
            if cookie is not None and not cookie.deleted:
                ctx.redact.add(cookie.value)
                seen.append((route, response, cookie))
    seen += _cookies_set_elsewhere(ctx, {id(response) for _, response, _ in seen})
    if not seen:
        pytest.skip(f"no cookie set by the {len(routes)} public GET and login routes, nor by a successful login "
                    "(fine for a bearer-token API)")
    judged = [(route, response, cookie, judge_cookie(cookie, is_https_target(ctx))) for route, response, cookie in seen]
    if all(cookie_kind(cookie) == "other" for _, _, cookie, _ in judged):
        names = ", ".join(sorted({cookie.name for _, _, cookie, _ in judged}))
        pytest.skip(f"no session or CSRF cookie among those set ({names})")
    failures = [(route, response, f) for route, response, _, verdict in judged for f in verdict.failures]
    warnings = [f"{route.key}: {w}" for route, _, _, verdict in judged for w in verdict.warnings]
    if failures:
        lines = ["Looked at the cookies the app sets (public GETs, a minimal login, and the logins of the run):"]
        lines += [f"  - {route.key}: {text}" for route, _, text in dict.fromkeys(failures)]
        lines += [f"  - (warning) {w}" for w in warnings]
        fail("\n".join(lines), "a session cookie without these flags can be stolen by a script, sent over plain http, or "
             "ridden by another site.", COOKIES_FIX, response=failures[0][1], redact=ctx.redact, docs=DOCS, severity=MEDIUM)
    for warning in dict.fromkeys(warnings):
        ctx.warn(warning)
