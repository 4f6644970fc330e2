"""cors: hostile origins are never granted, never ``*`` with credentials, and preflight is strict.

One test per route, and ``test_cors[app-wide]`` for the fault one setting puts on every route
(:mod:`pytest_launchready.checks.appwide`). Each route gets, from every hostile origin of :mod:`pytest_launchready.checks.cors.origins`
(an unrelated origin and ``null`` always; look-alikes of ``launchready_allowed_origins`` when set):

- a simple request: the route's method, no body, anonymous, with a dummy cookie because browsers send
  cookies on credentialed requests and some middleware (Starlette's with ``allow_origins=["*"]``)
  reflects the origin only then;
- a preflight: ``OPTIONS`` with ``Access-Control-Request-Method`` set to the route's method.

FAIL when a hostile origin is echoed in ``Access-Control-Allow-Origin`` (critical with
``Access-Control-Allow-Credentials: true``); when a preflight from a hostile origin is granted (2xx
and the origin echoed); when ``*`` comes with credentials. A reflection seen only on the cookie
request, where the same request without a cookie gets ``*``, is the wildcard policy (a browser
refuses the credentialed read without ``Access-Control-Allow-Credentials``), not a finding.

WARN (weaknesses, not holes): an allowed origin refused on a route (the frontend breaks there, or
the route is not meant for browsers: nothing is exposed either way, and only the user knows which);
a preflight from an allowed origin that reflects an arbitrary request header with credentials (the
allowlist still decides who may call; this is FastAPI's documented ``allow_headers=["*"]``).

Requests are anonymous (CORS middleware answers before authentication), so this check needs no
login; path parameters get dummy values.

The app-wide test probes every route (once per process, shared with the routes' own tests) and
fails when at least 2 routes show exactly the same faults (the same hostile origins let in by the
same probes with the same answers), listing them; those routes' own tests are skipped as covered.
A route that shows those faults and more fails on its own for the rest; one that differs fails
on its own for everything it lets in.
"""

from __future__ import annotations

from typing import Iterable

import pytest

from pytest_launchready.checks import Case, Check, Plan
from pytest_launchready.checks.appwide import (APP_WIDE_ID, Shared, app_wide_case, app_wide_test, find_shared, listing_lines,
                                              own_part)
from pytest_launchready.checks.context import RunContext
from pytest_launchready.checks.cors.origins import parse_origin
from pytest_launchready.checks.cors.probe import ACAC, ACAH, ACAM, ACAO, Fault, RouteResult, probe_route
from pytest_launchready.checks.evidence import fail
from pytest_launchready.checks.finding import CRITICAL, MEDIUM
from pytest_launchready.tenants import Credentials, signs_in_with_cookies

SHOWN_HEADERS = (ACAO, ACAC, ACAM, ACAH, "vary")
#: Findings listed in one message; the rest are counted.
_LISTED = 8

LOOK_ALIKES_ID = "look-alike origins"
LOOK_ALIKES_NOT_RUN = (
    "set launchready_allowed_origins to test look-alike origins (prefix, suffix, unescaped dot, http downgrade, "
    "subdomain, parser bypass); routes were tested with an unrelated origin and null only"
)

FIX = (
    "Compare the Origin header with an exact list of your frontend origins (scheme, host and port, as whole strings); "
    "never reflect it, never allow null, and send Access-Control-Allow-Credentials: true only with an exact origin. "
    "Starlette/FastAPI: CORSMiddleware(allow_origins=['https://app.example.com'], allow_credentials=True) without "
    "allow_origin_regex (or one built with re.escape and anchored at both ends). flask-cors: origins=[exact strings] "
    "(a string with regex characters becomes a regex matched at the start only). django-cors-headers: "
    "CORS_ALLOWED_ORIGINS, not CORS_ALLOW_ALL_ORIGINS or a loose CORS_ALLOWED_ORIGIN_REGEXES."
)


def cases(plan: Plan) -> Iterable[Case]:
    """``app-wide``, one case per route, and a NOT RUN case for the look-alikes when no allowed origin is set."""
    for entry in plan.settings.allowed_origins:
        if parse_origin(entry) is None:
            why = "null is never safe to allow: any sandboxed iframe or data: page sends it" if entry.strip().lower() == "null" else ""
            raise pytest.UsageError(
                f"launchready_allowed_origins = {entry!r} is not valid: expected a browser origin 'scheme://host[:port]' "
                f"such as https://app.example.com, or https://*.example.com for every subdomain. {why}".rstrip()
            )
    yield app_wide_case(len(plan.routes))
    for route in plan.routes:
        yield Case(id=route.key, route=route)
    if not plan.settings.allowed_origins:
        yield Case(id=LOOK_ALIKES_ID, not_run=LOOK_ALIKES_NOT_RUN, counts_as_route=False)


# --- The tests --------------------------------------------------------------------------------------


def _sweep(ctx: RunContext) -> tuple[dict[str, RouteResult], Shared | None]:
    """Every route probed, and the faults most of them share (computed once per process)."""
    def make() -> tuple[dict[str, RouteResult], Shared | None]:
        results = {route.key: probe_route(ctx, route) for route in ctx.routes}
        return results, find_shared({key: r.signature for key, r in results.items() if r.error is None})

    return ctx.shared("sweep", make)


def run(ctx: RunContext, case: Case) -> None:
    """The app-wide test, or one route's: probe, then judge what is the route's own."""
    if case.variant == APP_WIDE_ID:
        _run_app_wide(ctx)
        return
    route = case.route
    assert route is not None
    shared: Shared | None = None
    if ctx.reports(APP_WIDE_ID):
        results, shared = _sweep(ctx)
        result = results.get(route.key) or probe_route(ctx, route)
    else:
        result = probe_route(ctx, route)  # nothing would report a shared fault: this route is judged alone
    if result.error is not None:
        raise result.error
    # Covered: the app-wide failure reports this route's warnings, as a route's failure reports its own.
    own, beyond = own_part(ctx, shared, result.signature)
    if own:
        _fail(ctx, result, [f for f in result.faults if f.signature in own], beyond)
    for problem in result.problems:
        ctx.warn(problem)


def _run_app_wide(ctx: RunContext) -> None:
    results, shared = _sweep(ctx)
    answered = [r for r in results.values() if r.error is None]
    if len(answered) < 2:
        pytest.skip(f"only {len(answered)} of {len(results)} routes answered the probes: no fault can be shared")
    if shared is None:
        return
    # A GET route makes the most readable curl; the first in sorted order keeps every worker's choice the same.
    example = results[next((k for k in shared.routes if k.startswith("GET ")), shared.routes[0])]
    faults = [f for f in example.faults if f.signature in shared.signature]
    lines = [f"{len(shared.routes)} of {len(answered)} routes let hostile origins in the "
             f"same way: one CORS setting, app-wide. Sent simple requests (each route's own method) and preflights from "
             f"{example.tried} hostile origins to every route; each of these routes let the same "
             f"{len({f.origin or f.shown for f in faults})} through:"]
    lines += _grouped(faults, generic=True)
    lines += listing_lines(shared, example.route.key, example.path, {key: results[key].problems for key in shared.routes})
    _raise(ctx, lines, faults)


def _grouped(faults: list[Fault], generic: bool = False) -> list[str]:
    """One ``  - `` line per hostile origin (its probes joined), the rest counted."""
    groups: dict[str, list[Fault]] = {}
    for fault in faults:
        groups.setdefault(fault.origin or fault.shown, []).append(fault)
    lines = []
    for origin, group in groups.items():
        texts = "; ".join(f.generic if generic else f.shown for f in group)
        credentialed = " (with credentials)" if any(f.critical for f in group) and "credentials" not in texts else ""
        lines.append(f"  - {origin}: {texts}{credentialed}" if group[0].origin else f"  - {origin}")
    if len(lines) > _LISTED:
        lines = lines[:_LISTED] + [f"  - ... and {len(lines) - _LISTED} more"]
    return lines


def _fail(ctx: RunContext, result: RouteResult, faults: list[Fault], beyond: bool) -> None:
    route = result.route
    count = len({f.origin or f.shown for f in faults})
    if beyond:
        head = (f"Sent simple requests and preflights to {route.key} (as {result.path}, anonymous) from {result.tried} "
                f"hostile origins; besides the fault {app_wide_test(ctx.check_name)} reports for the app, the route let "
                f"{count} more through:")
    else:
        head = (f"Sent simple requests and preflights to {route.key} (as {result.path}, anonymous) from {result.tried} "
                f"hostile origins; the route let {count} through:")
    lines = [head, *_grouped(faults)]
    if result.problems:
        lines += ["Also (warnings):"] + [f"  - {p}" for p in result.problems]
    _raise(ctx, lines, faults)


def _raise(ctx: RunContext, lines: list[str], faults: list[Fault]) -> None:
    credentialed = any(f.critical for f in faults)
    # Credentials let the browser attach its cookies; a bearer header it never adds on its own.
    cookies = signs_in_with_cookies(_credentials(ctx), ctx.target.cookie_responses)
    critical = credentialed and cookies is not False
    why = []
    if critical and cookies:
        why.append("With Access-Control-Allow-Credentials: true, a page on that origin can call this API with the "
                   "visitor's cookies and read the answers, so any site a logged-in user visits can act as them.")
    elif critical:
        why.append("With Access-Control-Allow-Credentials: true, a page on that origin can call this API with "
                   "whatever cookies the browser holds for it and read the answers; if the app signs users in with cookies, "
                   "any site a logged-in user visits can act as them (define launchready_login so the check can tell: "
                   "with header credentials only, this is medium).")
    elif credentialed:
        why.append("Access-Control-Allow-Credentials: true is granted to that origin, but this app's credentials are a "
                   "header (launchready_login returned no cookie, and no sign-in set one), which a browser never adds on "
                   "its own: a page there cannot act as a signed-in visitor today, yet it may read what the route answers "
                   "anonymously, and the grant becomes account takeover the day a cookie session is added.")
    if any(not f.critical and f.origin for f in faults):
        why.append("The origin is reflected or matched loosely instead of checked against an exact allowlist: that "
                   "origin may read responses and send non-simple requests, and turning credentials on makes it account "
                   "takeover.")
    if any(not f.origin for f in faults):
        why.append("'*' with credentials is refused by browsers, so the allowlist is not explicit, and the usual "
                   "'fix' (reflecting the Origin) is the critical hole.")
    evidence = next((f for f in faults if f.critical), faults[0])
    fail("\n".join(lines), " ".join(why), FIX, response=evidence.response, redact=ctx.redact, headers=SHOWN_HEADERS,
         docs=CHECK.docs, severity=CRITICAL if critical else MEDIUM)


def _credentials(ctx: RunContext) -> Credentials | None:
    """Tenant A's credentials, to tell cookies from a header; None without a login that works."""
    if not ctx.login_defined:
        return None
    try:
        return ctx.tenant_a.credentials
    except (Exception, pytest.skip.Exception):  # noqa: BLE001 - a broken login is told elsewhere; it must not hide this finding
        return None


CHECK = Check(
    name="cors",
    title="Hostile origins are never granted; never '*' with credentials; preflight is strict.",
    cases=cases,
    run=run,
)
