"""headers: security headers, cookie flags, and for an https target the redirect, certificate and TLS version.

Tests (ids between the brackets of ``test_headers[...]``):

- one per GET route (``GET /items``): an anonymous GET; the response must carry
  ``X-Content-Type-Options: nosniff``, frame protection (``X-Frame-Options: DENY``/``SAMEORIGIN`` or a
  CSP ``frame-ancestors`` that is not a wildcard), a ``Referrer-Policy`` other than ``unsafe-url``,
  and ``Strict-Transport-Security`` with ``max-age`` of at least 180 days. HSTS is judged strictly
  (FAIL) only on an https target: on plain http (an in-process app, a local server) a missing or short
  HSTS is a WARN, because the TLS-terminating proxy in front of the app often adds it. In-process
  requests are sent as ``https://testserver`` so that apps behave as behind that proxy (Django's
  SecurityMiddleware only sends HSTS on secure requests; redirect-to-https middleware stays quiet).
- ``cookies``: the Set-Cookie headers of public GET routes and of login-like public POST routes sent
  a minimal (failing) login. Session-like cookies (by name, or a JWT or long token value) must be
  ``HttpOnly``, ``Secure`` and ``SameSite=Lax``/``Strict`` (``None`` with Secure is a WARN: embedded
  widgets need it). CSRF cookies (``csrf``/``xsrf`` in the name) are readable by JavaScript by design:
  only ``Secure`` is required of them. Other cookies (preferences) are not judged. ``Secure`` is a
  WARN instead of a FAIL on a plain-http target. No cookie at all: NOT RUN.
- ``https redirect``: the plain-http URL (``launchready_http_url``, else the https host on port 80)
  must answer its first request with a redirect to an https URL.
- ``tls certificate``: the certificate must verify (chain and host name; ``launchready_ca_bundle``
  or the system store) and stay valid for more than ``launchready_tls_min_days`` days.
- ``tls version``: the negotiated protocol must be TLS 1.2 or newer, and TLS 1.1 and older must be
  refused (when this machine's OpenSSL can still offer them).

The last three are NOT RUN with "target is not https" unless ``launchready_base_url`` is https.
"""

from __future__ import annotations

import datetime as dt
import re
import ssl
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Iterable

import httpx
import pytest

from pytest_launchready.checks import Case, Check, Plan
from pytest_launchready.checks.context import RunContext
from pytest_launchready.checks.evidence import fail
from pytest_launchready.tenants.bodies import dummy_path_values, minimal_body
from pytest_launchready.routes import Route
from pytest_launchready.plugin.state import get_state
from pytest_launchready.target import UnsafeRequestError

#: HSTS max-age of at least 180 days (what preload lists and scanners ask for at minimum).
HSTS_MIN_AGE = 15_552_000
SECURITY_HEADERS = ("strict-transport-security", "x-content-type-options", "x-frame-options", "content-security-policy",
                    "referrer-policy")
REFERRER_POLICIES = frozenset({"no-referrer", "no-referrer-when-downgrade", "origin", "origin-when-cross-origin",
                               "same-origin", "strict-origin", "strict-origin-when-cross-origin", "unsafe-url"})
NOT_HTTPS = "target is not https (point launchready_base_url at an https deployment to check TLS)"
#: Requests the cookies test may send (public routes only).
_MAX_COOKIE_REQUESTS = 40
_REDIRECTS = frozenset({301, 302, 303, 307, 308})

HEADERS_FIX = (
    "Set the headers once, for every response, in a middleware or at your proxy: X-Content-Type-Options: nosniff, "
    "X-Frame-Options: DENY (or CSP frame-ancestors 'none'), Referrer-Policy: strict-origin-when-cross-origin, "
    "Strict-Transport-Security: max-age=31536000; includeSubDomains. Django: SecurityMiddleware with "
    "SECURE_CONTENT_TYPE_NOSNIFF, X_FRAME_OPTIONS='DENY', SECURE_REFERRER_POLICY and SECURE_HSTS_SECONDS; "
    "Flask: flask-talisman or an after_request hook; Starlette/FastAPI: a small @app.middleware('http')."
)
COOKIES_FIX = (
    "Set session cookies with HttpOnly; Secure; SameSite=Lax (Strict where the flow allows). Flask: "
    "SESSION_COOKIE_SECURE/HTTPONLY/SAMESITE; Django: SESSION_COOKIE_SECURE, SESSION_COOKIE_SAMESITE, "
    "CSRF_COOKIE_SECURE; Starlette: SessionMiddleware(https_only=True, same_site='lax'); "
    "response.set_cookie(..., secure=True, httponly=True, samesite='lax')."
)


def cases(plan: Plan) -> Iterable[Case]:
    """One case per GET route, then ``cookies``, ``https redirect``, ``tls certificate``, ``tls version``."""
    gets = [r for r in plan.routes if r.method == "GET"]
    for route in gets:
        yield Case(id=route.key, route=route, variant="route")
    if not gets:
        yield Case(id="GET /", route=Route("GET", "/"), variant="route", counts_as_route=False)
    yield Case(id="cookies", variant="cookies", counts_as_route=False)
    base_url = plan.settings.base_url
    https = base_url.startswith("https://")
    redirect_not_run = None if https else NOT_HTTPS
    if https and not plan.settings.http_url and httpx.URL(base_url).port not in (None, 443):
        redirect_not_run = (f"set launchready_http_url: {base_url} uses a port of its own, so the plain-http URL of "
                            "the site cannot be guessed")
    yield Case(id="https redirect", variant="redirect", not_run=redirect_not_run, counts_as_route=False)
    yield Case(id="tls certificate", variant="certificate", not_run=None if https else NOT_HTTPS, counts_as_route=False)
    yield Case(id="tls version", variant="version", not_run=None if https else NOT_HTTPS, counts_as_route=False)


def run(ctx: RunContext, case: Case) -> None:
    """Dispatch on the kind of case."""
    {"route": _run_route, "cookies": _run_cookies, "redirect": _run_redirect, "certificate": _run_certificate,
     "version": _run_version}[case.variant](ctx, case)


@dataclass
class Verdict:
    """Failures (FAIL) and weaknesses (WARN) found in one test."""

    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(self, text: str, strict: bool) -> None:
        """A failure when ``strict``, else a warning."""
        (self.failures if strict else self.warnings).append(text)


def _is_https_target(ctx: RunContext) -> bool:
    return ctx.settings.base_url.startswith("https://") and not ctx.target.in_process


def _url(ctx: RunContext, path: str) -> str:
    # In-process apps are asked as if behind their TLS proxy (see the module docstring).
    return ctx.target.base_url.replace("http://", "https://", 1) + path if ctx.target.in_process else path


def _get(ctx: RunContext, method: str, url: str, what: str, **kwargs: object) -> httpx.Response:
    try:
        return ctx.client.request(method, url, **kwargs)  # type: ignore[arg-type]
    except UnsafeRequestError:
        raise
    except httpx.TransportError as exc:
        fail(f"{what}: no answer ({type(exc).__name__}: {exc}).", "the headers could not be observed, so this cannot pass.",
             "Make the route answer within launchready_timeout, or exclude it with launchready_exclude_routes.",
             redact=ctx.redact, docs=CHECK.docs)


# --- Security headers ---------------------------------------------------------------------------


def hsts_max_age(value: str) -> int | None:
    """The ``max-age`` of a Strict-Transport-Security value, or None when absent or malformed."""
    for directive in value.split(";"):
        name, _, argument = directive.strip().partition("=")
        if name.strip().lower() == "max-age":
            try:
                return int(argument.strip().strip('"'))
            except ValueError:
                return None
    return None


def frame_protected(headers: httpx.Headers) -> bool:
    """X-Frame-Options DENY/SAMEORIGIN, or an enforced CSP ``frame-ancestors`` that is not a wildcard."""
    if headers.get("x-frame-options", "").split(",")[0].strip().lower() in ("deny", "sameorigin"):
        return True
    for policy in headers.get_list("content-security-policy"):
        for directive in policy.split(";"):
            parts = directive.split()
            if parts and parts[0].lower() == "frame-ancestors":
                sources = [p.lower() for p in parts[1:]]
                if sources and not any(s in ("*", "http:", "https:", "http://*", "https://*") for s in sources):
                    return True
    return False


def referrer_policy(headers: httpx.Headers) -> str | None:
    """The effective Referrer-Policy (the last token a browser knows), "" when none is known, None when absent."""
    if "referrer-policy" not in headers:
        return None
    known = [t.strip().lower() for t in headers["referrer-policy"].split(",") if t.strip().lower() in REFERRER_POLICIES]
    return known[-1] if known else ""


def judge_headers(headers: httpx.Headers, https: bool) -> Verdict:
    """What is missing or weak among the security headers; HSTS failures only count on https."""
    verdict = Verdict()
    if headers.get("x-content-type-options", "").split(",")[0].strip().lower() != "nosniff":
        verdict.add("X-Content-Type-Options: nosniff is missing: browsers may sniff a JSON or upload response as HTML "
                    "or script", True)
    if not frame_protected(headers):
        verdict.add("no frame protection (X-Frame-Options: DENY or SAMEORIGIN, or CSP frame-ancestors): any site can "
                    "frame these pages for clickjacking", True)
    policy = referrer_policy(headers)
    if policy is None:
        verdict.add("Referrer-Policy is missing: set strict-origin-when-cross-origin (or no-referrer) so URLs with ids "
                    "or tokens do not leak to other sites", True)
    elif policy == "":
        verdict.add(f"Referrer-Policy {headers['referrer-policy']!r} names no policy browsers know", True)
    elif policy == "unsafe-url":
        verdict.add("Referrer-Policy: unsafe-url sends full URLs (paths, query strings) to every site, even over http", True)
    hsts = headers.get("strict-transport-security")
    where = "" if https else (" (a WARN on a plain-http target: your TLS proxy may add it; check the https URL with "
                              "launchready_base_url)")
    if hsts is None:
        verdict.add(f"Strict-Transport-Security is missing: the first http request can be intercepted and downgraded{where}",
                    https)
    else:
        age = hsts_max_age(hsts)
        if age is None or age < HSTS_MIN_AGE:
            verdict.add(f"Strict-Transport-Security {hsts!r} has max-age {age if age is not None else '(none)'}, "
                        f"less than {HSTS_MIN_AGE} (180 days){where}", https)
    return verdict


def _run_route(ctx: RunContext, case: Case) -> None:
    route = case.route
    assert route is not None
    path = route.format_path(dummy_path_values(route))
    response = _get(ctx, "GET", _url(ctx, path), f"GET {path}")
    verdict = judge_headers(response.headers, _is_https_target(ctx))
    if verdict.failures:
        lines = [f"Sent GET {path} (anonymous) for {route.key}; the response misses security headers:"]
        lines += [f"  - {f}" for f in verdict.failures]
        lines += [f"  - (warning) {w}" for w in verdict.warnings]
        fail("\n".join(lines), "these headers are the browser-side defence of every response; they cost nothing and "
             "are expected by every security review.", HEADERS_FIX, response=response, redact=ctx.redact,
             headers=SECURITY_HEADERS, docs=CHECK.docs)
    for warning in verdict.warnings:
        ctx.warn(f"{route.key}: {warning}")


# --- Cookies --------------------------------------------------------------------------------------


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


_LOGIN_PATH = re.compile(r"log-?in|sign-?in|session|token|authenticate", re.IGNORECASE)
_NOT_LOGIN_PATH = re.compile(r"sign-?up|register|reset|forgot|invite|log-?out|sign-?out|refresh|revoke", re.IGNORECASE)


def is_login_like(route: Route) -> bool:
    """A public POST route that logs a user in (a minimal body to it changes nothing)."""
    return route.method == "POST" and bool(_LOGIN_PATH.search(route.path)) and not _NOT_LOGIN_PATH.search(route.path)


def _cookies_set_elsewhere(ctx: RunContext, known: set[int]) -> list[tuple[Route, httpx.Response, SetCookie]]:
    """Cookies the app set on other requests of the run, above all the session cookie of a successful
    login (the user's launchready_login sends it through the plugin's client)."""
    if get_state(ctx.config).login_defined:
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


def _run_cookies(ctx: RunContext, case: Case) -> None:
    routes = [r for r in ctx.routes if r.public and (r.method == "GET" or is_login_like(r))][:_MAX_COOKIE_REQUESTS]
    seen: list[tuple[Route, httpx.Response, SetCookie]] = []
    for route in routes:
        path = route.format_path(dummy_path_values(route))
        kwargs: dict[str, object] = {}
        body = minimal_body(route) if route.method == "POST" else None
        if body is not None:
            kwargs["json"] = body
        try:
            response = _get(ctx, route.method, _url(ctx, path), f"{route.method} {path}", **kwargs)
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
    judged = [(route, response, cookie, judge_cookie(cookie, _is_https_target(ctx))) for route, response, cookie in seen]
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
             "ridden by another site.", COOKIES_FIX, response=failures[0][1], redact=ctx.redact, docs=CHECK.docs)
    for warning in dict.fromkeys(warnings):
        ctx.warn(warning)


# --- https redirect, certificate, version --------------------------------------------------------


def _host_port(ctx: RunContext) -> tuple[str, int]:
    url = httpx.URL(ctx.settings.base_url)
    return url.host, url.port or 443


def http_url_for(base_url: str, http_url: str = "") -> str:
    """The plain-http URL of the site: ``launchready_http_url``, else the https host on port 80."""
    if http_url:
        return http_url.rstrip("/")
    host = httpx.URL(base_url).host
    return f"http://[{host}]" if ":" in host else f"http://{host}"


def judge_redirect(response: httpx.Response) -> tuple[str | None, str | None]:
    """(failure, warning) for the first answer of the plain-http URL."""
    location = response.headers.get("location")
    if response.status_code not in _REDIRECTS or not location:
        return (f"it answered {response.status_code} instead of redirecting to https: pages and cookies travel "
                "unencrypted and can be altered on the way", None)
    target = response.request.url.join(location)
    if target.scheme != "https":
        return f"its first redirect goes to {target}, not to https", None
    if target.host != response.request.url.host:
        return None, (f"the first redirect goes to another host ({target.host}); HSTS preload asks for https on the same "
                      "host first")
    return None, None


def _run_redirect(ctx: RunContext, case: Case) -> None:
    url = http_url_for(ctx.settings.base_url, ctx.settings.http_url) + "/"
    with httpx.Client(timeout=ctx.settings.timeout, follow_redirects=False, trust_env=False) as client:
        try:
            response = client.get(url)
        except (httpx.ConnectError, httpx.TimeoutException) as exc:
            ctx.warn(f"nothing answered on {url} ({type(exc).__name__}): no page is served over plain http, but people "
                     "typing the bare address get an error; redirect port 80 to https (or set launchready_http_url)")
            return
    failure, warning = judge_redirect(response)
    if failure:
        fail(f"Sent GET {url} (plain http): {failure}.", "a site that answers on http can be downgraded by anyone on the "
             "network path before HSTS ever applies.", "Redirect every plain-http request with 301/308 to the same URL on "
             "https (at the load balancer or proxy), and send HSTS on the https side.", response=response,
             redact=ctx.redact, headers=("location", "strict-transport-security"), docs=CHECK.docs)
    if warning:
        ctx.warn(warning)


def _handshake_failed(ctx: RunContext, host: str, port: int, exc: Exception) -> None:
    fail(f"Could not complete a TLS handshake with {host}:{port} ({type(exc).__name__}: {exc}).",
         "browsers cannot connect either.", "Serve TLS on this port with a certificate for the host.",
         redact=ctx.redact, docs=CHECK.docs)


def _run_certificate(ctx: RunContext, case: Case) -> None:
    from pytest_launchready.target.tls import fetch_certificate, trust_context, verification_error

    host, port = _host_port(ctx)
    timeout = ctx.settings.timeout
    try:
        certificate = fetch_certificate(host, port, timeout)
        error = verification_error(host, port, timeout, trust_context(ctx.settings.ca_bundle, ctx.settings.rootpath))
    except (OSError, ssl.SSLError) as exc:
        _handshake_failed(ctx, host, port, exc)
    problems = []
    if error:
        trust = f"the CAs in launchready_ca_bundle ({ctx.settings.ca_bundle})" if ctx.settings.ca_bundle else "the system trust store"
        problems.append(f"it does not verify against {trust}: {error}")
    days = certificate.days_left()
    minimum = ctx.settings.tls_min_days
    if 0 <= days <= minimum:
        problems.append(f"it expires in {days:.1f} days ({certificate.not_after:%Y-%m-%d %H:%M} UTC), within "
                        f"launchready_tls_min_days = {minimum}")
    elif days < 0 and not error:
        problems.append(f"it expired {-days:.1f} days ago")
    if problems:
        fail(f"TLS handshake with {host}:{port}: the certificate ({certificate.describe()}) fails:\n"
             + "\n".join(f"  - {p}" for p in problems),
             "browsers refuse a certificate that is expired, for another host or from an unknown CA, and one about to "
             "expire takes the site down the day it does.",
             "Automate renewal (ACME/certbot, or your cloud's managed certificates) with an alert 30 days before expiry; "
             f"serve a certificate whose names cover {host}, with its full chain. A private CA? Point "
             "launchready_ca_bundle at it.", redact=ctx.redact, docs=CHECK.docs)


def _run_version(ctx: RunContext, case: Case) -> None:
    from pytest_launchready.target.tls import MINIMUM_VERSION, accepts_legacy, negotiated_version, older_than_minimum

    host, port = _host_port(ctx)
    timeout = ctx.settings.timeout
    version: str | None
    try:
        version = negotiated_version(host, port, timeout)
    except ssl.SSLError:
        version = None  # nothing this client offers by default: maybe legacy only
    except OSError as exc:
        _handshake_failed(ctx, host, port, exc)
    legacy = accepts_legacy(host, port, timeout)
    problems = []
    if version is not None and older_than_minimum(version):
        problems.append(f"it negotiated {version} when offered up to TLS 1.3")
    if legacy and version is None:
        problems.append(f"it only accepts {legacy}: a client offering TLS 1.2 and 1.3 cannot connect at all")
    elif legacy:
        problems.append(f"it accepts {legacy} when a client offers nothing newer")
    if version is None and not legacy:
        _handshake_failed(ctx, host, port, ssl.SSLError("no TLS version this client offers was accepted"))
    if problems:
        fail(f"TLS handshakes with {host}:{port}:\n" + "\n".join(f"  - {p}" for p in problems),
             f"TLS 1.0 and 1.1 are deprecated (RFC 8996) and broken; a server must require {MINIMUM_VERSION} or newer.",
             "Set the minimum protocol to TLS 1.2 at your load balancer or proxy (nginx: ssl_protocols TLSv1.2 TLSv1.3; "
             "AWS: an ELBSecurityPolicy-TLS13-1-2 policy).", redact=ctx.redact, docs=CHECK.docs)


CHECK = Check(
    name="headers",
    title="Security headers and cookie flags; http redirects to https; TLS certificate valid and TLS >= 1.2.",
    cases=cases,
    run=run,
)
