"""cors: hostile origins are never granted, never ``*`` with credentials, and preflight is strict.

One test per route. Each route gets, from every hostile origin of :mod:`pytest_launchready.checks.cors.origins`
(an unrelated origin and ``null`` always; look-alikes of ``launchready_allowed_origins`` when set):

- a simple request: the route's method, no body, anonymous, with a dummy cookie because browsers send
  cookies on credentialed requests and some middleware (Starlette's with ``allow_origins=["*"]``)
  reflects the origin only then;
- a preflight: ``OPTIONS`` with ``Access-Control-Request-Method`` set to the route's method.

FAIL when a hostile origin is echoed in ``Access-Control-Allow-Origin`` (CRITICAL with
``Access-Control-Allow-Credentials: true`` when the browser holds a cookie that signs the user in, or
when no ``launchready_login`` tells; MEDIUM for an API whose credentials are a header); when a preflight from a hostile origin is granted (2xx
and the origin echoed); when ``*`` comes with credentials. A reflection seen only on the cookie
request, where the same request without a cookie gets ``*``, is the wildcard policy (a browser
refuses the credentialed read without ``Access-Control-Allow-Credentials``), not a finding.

WARN (weaknesses, not holes): an allowed origin refused on a route (the frontend breaks there, or
the route is not meant for browsers: nothing is exposed either way, and only the user knows which);
a preflight from an allowed origin that reflects an arbitrary request header with credentials (the
allowlist still decides who may call; this is FastAPI's documented ``allow_headers=["*"]``).

Requests are anonymous (CORS middleware answers before authentication), so this check needs no
login; path parameters get dummy values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import httpx
import pytest

from pytest_launchready.checks import Case, Check, Plan
from pytest_launchready.checks.context import RunContext
from pytest_launchready.checks.evidence import fail
from pytest_launchready.checks.finding import CRITICAL, MEDIUM
from pytest_launchready.checks.cors.origins import HostileOrigin, derive, parse_origin, sample_allowed
from pytest_launchready.tenants.bodies import dummy_path_values
from pytest_launchready.routes import Route
from pytest_launchready.target import UnsafeRequestError
from pytest_launchready.tenants import Credentials, signs_in_with_cookies

ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"
ACAM = "access-control-allow-methods"
ACAH = "access-control-allow-headers"
SHOWN_HEADERS = (ACAO, ACAC, ACAM, ACAH, "vary")
PROBE_COOKIE = "launchready_probe=1"
#: A request header no API needs: a preflight that allows it reflects whatever is asked.
PROBE_HEADER = "x-launchready-arbitrary"
#: Findings listed in one message; the rest are counted.
_LISTED = 8
#: Methods a browser sends cross-origin without Access-Control-Allow-Methods listing them.
_SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})

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
    """One case per route; a NOT RUN case for the look-alikes when no allowed origin is configured."""
    for entry in plan.settings.allowed_origins:
        if parse_origin(entry) is None:
            why = "null is never safe to allow: any sandboxed iframe or data: page sends it" if entry.strip().lower() == "null" else ""
            raise pytest.UsageError(
                f"launchready_allowed_origins = {entry!r} is not valid: expected a browser origin 'scheme://host[:port]' "
                f"such as https://app.example.com, or https://*.example.com for every subdomain. {why}".rstrip()
            )
    for route in plan.routes:
        yield Case(id=route.key, route=route)
    if not plan.settings.allowed_origins:
        yield Case(id=LOOK_ALIKES_ID, not_run=LOOK_ALIKES_NOT_RUN, counts_as_route=False)


# --- Judging a response (pure) ------------------------------------------------------------------


def allows_credentials(headers: httpx.Headers) -> bool:
    """``Access-Control-Allow-Credentials: true``."""
    return str(headers.get(ACAC, "")).strip().lower() == "true"


def echoes(headers: httpx.Headers, origin: str) -> bool:
    """``Access-Control-Allow-Origin`` is exactly ``origin`` (compared case-insensitively, as hosts are)."""
    return str(headers.get(ACAO, "")).strip().lower() == origin.lower()


def wildcard_with_credentials(headers: httpx.Headers) -> bool:
    """``Access-Control-Allow-Origin: *`` together with ``Access-Control-Allow-Credentials: true``."""
    return headers.get(ACAO, "").strip() == "*" and allows_credentials(headers)


def preflight_accepts(response: httpx.Response, origin: str, method: str) -> bool:
    """A browser on ``origin`` would go on to send ``method``: 2xx, origin (or ``*``) and method allowed."""
    if not 200 <= response.status_code < 300:
        return False
    if not (echoes(response.headers, origin) or response.headers.get(ACAO, "").strip() == "*"):
        return False
    methods = {m.strip().upper() for m in response.headers.get(ACAM, "").split(",")}
    return method in _SAFELISTED_METHODS or method in methods or "*" in methods


def reflects_header(headers: httpx.Headers, header: str) -> bool:
    """``Access-Control-Allow-Headers`` lists ``header`` (asked for in the preflight)."""
    return header.lower() in {h.strip().lower() for h in headers.get(ACAH, "").split(",")}


# --- Probing ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hole:
    """One way the route lets a hostile origin in; ``critical``: granted with credentials."""

    text: str
    response: httpx.Response
    critical: bool = False


class _Prober:
    """Sends the simple requests and preflights of one route; remembers every response."""

    def __init__(self, ctx: RunContext, route: Route) -> None:
        self.ctx = ctx
        self.route = route
        self.path = route.format_path(dummy_path_values(route))
        self.responses: list[httpx.Response] = []
        self.simple_blocked = False

    def simple(self, origin: str, cookie: bool = True) -> httpx.Response | None:
        """The route's own request from ``origin`` (no body); None when the safety guard refuses it."""
        headers = {"Origin": origin}
        if cookie:
            headers["Cookie"] = PROBE_COOKIE
        try:
            return self._send(self.route.method, headers, f"the simple {self.route.method} from {origin}")
        except UnsafeRequestError:
            # A live host outside launchready_allow_hosts: only the preflights (OPTIONS) are sent.
            self.simple_blocked = True
            return None

    def preflight(self, origin: str, request_headers: str | None = None) -> httpx.Response:
        """``OPTIONS`` asking whether ``origin`` may send the route's method (and ``request_headers``)."""
        headers = {"Origin": origin, "Access-Control-Request-Method": self.route.method}
        if request_headers:
            headers["Access-Control-Request-Headers"] = request_headers
        response = self._send("OPTIONS", headers, f"the preflight from {origin}")
        assert response is not None
        return response

    def _send(self, method: str, headers: dict[str, str], what: str) -> httpx.Response:
        try:
            response = self.ctx.client.request(method, self.path, headers=headers)
        except UnsafeRequestError:
            raise
        except httpx.TransportError as exc:
            fail(f"{self.route.key}: {what} to {self.path} got no answer ({type(exc).__name__}: {exc}).",
                 "the CORS policy of this route could not be observed, so it cannot pass.",
                 "Make the route answer within launchready_timeout, or exclude it with launchready_exclude_routes.",
                 redact=self.ctx.redact, docs=CHECK.docs, severity=MEDIUM)
        self.responses.append(response)
        return response


def _hostile_finding(prober: _Prober, hostile: HostileOrigin) -> Hole | None:
    """What the route grants ``hostile``: one finding listing every probe that let it through."""
    method = prober.route.method
    origin = hostile.origin
    holes: list[tuple[str, httpx.Response, bool]] = []
    response = prober.simple(origin)
    if response is not None and echoes(response.headers, origin):
        if allows_credentials(response.headers):
            holes.append((f"the simple {method} echoed it with Access-Control-Allow-Credentials: true", response, True))
        else:
            # Starlette's allow_origins=["*"] echoes the origin whenever a cookie is sent, without
            # credentials; the browser refuses that read, and without the cookie the answer is "*".
            bare = prober.simple(origin, cookie=False)
            if bare is not None and echoes(bare.headers, origin):
                holes.append((f"the simple {method} echoed it in Access-Control-Allow-Origin", bare, False))
    preflight = prober.preflight(origin)
    if 200 <= preflight.status_code < 300 and echoes(preflight.headers, origin):
        with_credentials = allows_credentials(preflight.headers)
        holes.append((f"the preflight for {method} granted it ({preflight.status_code}"
                      f"{', with credentials' if with_credentials else ''})", preflight, with_credentials))
    if not holes:
        return None
    critical = any(c for _, _, c in holes)
    evidence = next((r for _, r, c in holes if c), holes[0][1])
    return Hole(f"{hostile.label}: {'; '.join(t for t, _, _ in holes)}", evidence, critical)


def _allowed_problems(prober: _Prober, allowed: tuple[str, ...]) -> list[str]:
    """Warnings: allowed origins refused, and arbitrary request headers reflected with credentials."""
    problems = []
    method = prober.route.method
    accepted: list[str] = []
    for entry in allowed:
        origin = sample_allowed(entry)
        if origin is None:
            continue
        refused = []
        response = prober.simple(origin)
        if response is not None and not (echoes(response.headers, origin) or response.headers.get(ACAO, "").strip() == "*"):
            refused.append(f"the simple {method} got {_acao(response)}")
        preflight = prober.preflight(origin)
        if preflight_accepts(preflight, origin, method):
            accepted.append(origin)
        else:
            refused.append(f"the preflight for {method} got {preflight.status_code} with {_acao(preflight)}"
                           f"{' and Access-Control-Allow-Methods: ' + preflight.headers[ACAM] if ACAM in preflight.headers else ''}")
        if refused:
            problems.append(
                f"{prober.route.key}: the allowed origin {origin} is refused ({'; '.join(refused)}). Browsers on your "
                "frontend cannot call this route; if they never should, exclude it from the check or waive the warning."
            )
    if accepted:
        origin = accepted[0]
        preflight = prober.preflight(origin, request_headers=PROBE_HEADER)
        if (200 <= preflight.status_code < 300 and echoes(preflight.headers, origin) and allows_credentials(preflight.headers)
                and reflects_header(preflight.headers, PROBE_HEADER)):
            problems.append(
                f"{prober.route.key}: a credentialed preflight from {origin} asking for the arbitrary header {PROBE_HEADER} "
                f"was granted it (Access-Control-Allow-Headers: {preflight.headers[ACAH]}): the headers allowed are "
                "reflected, not listed. List the headers your frontend sends (e.g. allow_headers=['Authorization', "
                "'Content-Type']) so that a script on an allowed origin cannot send method-override or proxy headers "
                "with the user's cookies."
            )
    return problems


def _acao(response: httpx.Response) -> str:
    value = response.headers.get(ACAO)
    return f"Access-Control-Allow-Origin: {value}" if value is not None else "no Access-Control-Allow-Origin"


# --- The test ---------------------------------------------------------------------------------------


def run(ctx: RunContext, case: Case) -> None:
    """Probe the route from every hostile origin, then from the allowed ones."""
    route = case.route
    assert route is not None
    prober = _Prober(ctx, route)
    hostile = derive(ctx.settings.allowed_origins)
    findings = [finding for origin in hostile if (finding := _hostile_finding(prober, origin)) is not None]
    problems = _allowed_problems(prober, ctx.settings.allowed_origins)
    wildcard = next((r for r in prober.responses if wildcard_with_credentials(r.headers)), None)
    if wildcard is not None:
        findings.append(Hole(
            f"Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true, on the "
            f"{'preflight' if wildcard.request.method == 'OPTIONS' and route.method != 'OPTIONS' else 'response'} "
            f"for Origin {wildcard.request.headers.get('origin', '?')}", wildcard))
    if findings:
        _fail(ctx, route, prober, findings, problems, len(hostile))
    if prober.simple_blocked:
        problems.append(f"{route.key}: only preflights were sent (the simple {route.method} goes to a host outside "
                        "launchready_allow_hosts); add the host there to test the actual request too.")
    for problem in problems:
        ctx.warn(problem)


def _fail(ctx: RunContext, route: Route, prober: _Prober, findings: list[Hole], problems: list[str], tried: int) -> None:
    credentialed = any(f.critical for f in findings)
    # Credentials let the browser attach its cookies; a bearer header it never adds on its own.
    cookies = signs_in_with_cookies(_credentials(ctx), ctx.target.cookie_responses)
    critical = credentialed and cookies is not False
    lines = [f"Sent simple requests and preflights to {route.key} (as {prober.path}, anonymous) from {tried} hostile "
             f"origins; the route let {len(findings)} through:"]
    lines += [f"  - {'CRITICAL ' if f.critical and critical else ''}{f.text}" for f in findings[:_LISTED]]
    if len(findings) > _LISTED:
        lines.append(f"  - ... and {len(findings) - _LISTED} more")
    if problems:
        lines += ["Also (warnings):"] + [f"  - {p}" for p in problems]
    why = []
    if critical and cookies:
        why.append("CRITICAL: with Access-Control-Allow-Credentials: true, a page on that origin can call this API with the "
                   "visitor's cookies and read the answers, so any site a logged-in user visits can act as them.")
    elif critical:
        why.append("CRITICAL: with Access-Control-Allow-Credentials: true, a page on that origin can call this API with "
                   "whatever cookies the browser holds for it and read the answers; if the app signs users in with cookies, "
                   "any site a logged-in user visits can act as them (define launchready_login so the check can tell: "
                   "with header credentials only, this is medium).")
    elif credentialed:
        why.append("Access-Control-Allow-Credentials: true is granted to that origin, but this app's credentials are a "
                   "header (launchready_login returned no cookie, and no sign-in set one), which a browser never adds on "
                   "its own: a page there cannot act as a signed-in visitor today, yet it may read what the route answers "
                   "anonymously, and the grant becomes account takeover the day a cookie session is added.")
    if any(not f.critical and "Access-Control-Allow-Origin: *" not in f.text for f in findings):
        why.append("The origin is reflected or matched loosely instead of checked against an exact allowlist: that "
                   "origin may read responses and send non-simple requests, and turning credentials on makes it account "
                   "takeover.")
    if any(f.text.startswith("Access-Control-Allow-Origin: *") for f in findings):
        why.append("'*' with credentials is refused by browsers, so the allowlist is not explicit, and the usual "
                   "'fix' (reflecting the Origin) is the critical hole.")
    evidence = next((f for f in findings if f.critical), findings[0])
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
