"""The security-header rules: nosniff, frame protection, Referrer-Policy and HSTS, judged on one GET
route per test (see the check's docstring for the exact criteria), and once for the app: the
failures most GET routes share exactly (one middleware sets the headers of every response) are
``test_headers[app-wide]``'s, and a route's own test fails only for what it misses beyond them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import httpx
import pytest

from pytest_launchready.checks import Case
from pytest_launchready.checks.appwide import APP_WIDE_ID, Shared, app_wide_test, find_shared, listing_lines, own_part
from pytest_launchready.checks.context import RunContext
from pytest_launchready.checks.evidence import fail
from pytest_launchready.checks.finding import LOW, MEDIUM
from pytest_launchready.checks.headers.observe import DOCS, Verdict, fetch, is_https_target, url_for
from pytest_launchready.routes import Route
from pytest_launchready.tenants.bodies import dummy_path_values

#: HSTS max-age of at least 180 days (what preload lists and scanners ask for at minimum).
HSTS_MIN_AGE = 15_552_000
SECURITY_HEADERS = ("strict-transport-security", "x-content-type-options", "x-frame-options", "content-security-policy",
                    "referrer-policy")
REFERRER_POLICIES = frozenset({"no-referrer", "no-referrer-when-downgrade", "origin", "origin-when-cross-origin",
                               "same-origin", "strict-origin", "strict-origin-when-cross-origin", "unsafe-url"})

HEADERS_FIX = (
    "Set the headers once, for every response, in a middleware or at your proxy: X-Content-Type-Options: nosniff, "
    "X-Frame-Options: DENY (or CSP frame-ancestors 'none'), Referrer-Policy: strict-origin-when-cross-origin, "
    "Strict-Transport-Security: max-age=31536000; includeSubDomains. Django: SecurityMiddleware with "
    "SECURE_CONTENT_TYPE_NOSNIFF, X_FRAME_OPTIONS='DENY', SECURE_REFERRER_POLICY and SECURE_HSTS_SECONDS; "
    "Flask: flask-talisman or an after_request hook; Starlette/FastAPI: a small @app.middleware('http')."
)


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


@dataclass
class RouteHeaders:
    """What one GET route answered and the verdict on its headers, or the error of a route that did not answer."""

    route: Route
    path: str
    response: httpx.Response | None = None
    verdict: Verdict | None = None
    error: Exception | None = None

    @property
    def signature(self) -> tuple[str, ...]:
        """The failures, in rule order: their words carry the header values seen, never the route."""
        return tuple(self.verdict.failures) if self.verdict is not None else ()

    @property
    def warnings(self) -> list[str]:
        """The weaknesses (WARN) seen, none for a route that did not answer."""
        return self.verdict.warnings if self.verdict is not None else []


def observe(ctx: RunContext, route: Route) -> RouteHeaders:
    """An anonymous GET of ``route``, judged; a route that does not answer keeps the failure for its own test."""
    path = route.format_path(dummy_path_values(route))
    try:
        response = fetch(ctx, "GET", url_for(ctx, path))
    except (AssertionError, httpx.TransportError) as exc:  # its own test raises it; the others go on
        return RouteHeaders(route, path, error=exc)
    return RouteHeaders(route, path, response, judge_headers(response.headers, is_https_target(ctx)))


def _sweep(ctx: RunContext) -> tuple[dict[str, RouteHeaders], Shared | None]:
    """Every GET route observed, and the failures most of them share (once per process)."""
    def make() -> tuple[dict[str, RouteHeaders], Shared | None]:
        results = {r.key: observe(ctx, r) for r in ctx.routes if r.method == "GET"}
        return results, find_shared({key: r.signature for key, r in results.items() if r.error is None})

    return ctx.shared("sweep", make)


def run_route(ctx: RunContext, case: Case) -> None:
    """An anonymous GET of the case's route; FAIL on missing or weak headers it does not share with the
    app-wide test, WARN for the rest."""
    route = case.route
    assert route is not None
    results: dict[str, RouteHeaders] = {}
    shared: Shared | None = None
    if ctx.reports(APP_WIDE_ID):
        results, shared = _sweep(ctx)
    # Judged alone when not in the sweep (the GET / stand-in) or when no app-wide test runs.
    result = results.get(route.key) or observe(ctx, route)
    if result.error is not None:
        raise result.error
    assert result.verdict is not None and result.response is not None
    # Covered: the app-wide failure reports this route's warnings, as a route's failure reports its own.
    own, beyond = own_part(ctx, shared, result.signature)
    if not own:
        for warning in result.verdict.warnings:
            ctx.warn(f"{route.key}: {warning}")
        return
    if beyond:
        head = (f"Sent GET {result.path} (anonymous) for {route.key}; besides what {app_wide_test(ctx.check_name)} "
                "reports for the app, the response misses security headers:")
    else:
        head = f"Sent GET {result.path} (anonymous) for {route.key}; the response misses security headers:"
    lines = [head, *[f"  - {f}" for f in own], *[f"  - (warning) {w}" for w in result.verdict.warnings]]
    _fail(ctx, lines, result.response, own)


def run_app_wide(ctx: RunContext, case: Case) -> None:
    """FAIL when at least 2 GET routes miss exactly the same headers, listing them."""
    results, shared = _sweep(ctx)
    answered = [r for r in results.values() if r.error is None]
    if len(answered) < 2:
        pytest.skip(f"only {len(answered)} of {len(results)} GET routes answered: no fault can be shared")
    if shared is None:
        return
    example = results[shared.routes[0]]
    assert example.response is not None
    lines = [f"{len(shared.routes)} of {len(answered)} GET routes miss the same security headers: one middleware (or "
             "its absence), app-wide. Sent an anonymous GET to every GET route; each of these routes answered with:"]
    lines += [f"  - {f}" for f in shared.signature]
    lines += listing_lines(shared, example.route.key, example.path,
                           {key: [f"{key}: {w}" for w in results[key].warnings] for key in shared.routes})
    _fail(ctx, lines, example.response, shared.signature)


def _fail(ctx: RunContext, lines: list[str], response: httpx.Response, failures: Iterable[str]) -> None:
    fail("\n".join(lines), "these headers are the browser-side defence of every response; they cost nothing and "
         "are expected by every security review.", HEADERS_FIX, response=response, redact=ctx.redact,
         headers=SECURITY_HEADERS, docs=DOCS,
         # Without HSTS the first request can be downgraded on the network; the others are defence in depth.
         severity=MEDIUM if any(f.startswith("Strict-Transport-Security") for f in failures) else LOW)
