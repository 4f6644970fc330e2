"""How the cors check asks one route, and what it makes of the answers: each way a hostile origin gets
in is a :class:`Fault`, told with the route's method for its own test and without it for the
app-wide one (two routes behind one setting show the same faults whatever their methods)."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from pytest_launchready.checks.context import RunContext
from pytest_launchready.checks.cors.origins import HostileOrigin, derive, sample_allowed
from pytest_launchready.routes import Route
from pytest_launchready.target import UnsafeRequestError
from pytest_launchready.tenants.bodies import dummy_path_values

ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"
ACAM = "access-control-allow-methods"
ACAH = "access-control-allow-headers"
PROBE_COOKIE = "launchready_probe=1"
#: A request header no API needs: a preflight that allows it reflects whatever is asked.
PROBE_HEADER = "x-launchready-arbitrary"
#: The page ``CHECK.docs`` names (this module cannot import ``check``: a cycle).
DOCS = "docs/checks/cors.md"
#: Methods a browser sends cross-origin without Access-Control-Allow-Methods listing them.
_SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})


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


# --- What a route lets in -------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """One way a route lets a hostile origin in.

    ``origin`` is the hostile origin's label ("" for ``*`` with credentials), ``shown`` names the
    route's method, ``generic`` does not: :attr:`signature` is what two routes must share exactly.
    """

    origin: str
    generic: str
    shown: str
    response: httpx.Response
    critical: bool = False

    @property
    def signature(self) -> str:
        """``https://evil.test (an unrelated origin): the preflight granted it (200, with credentials)``."""
        return f"{self.origin}: {self.generic}" if self.origin else self.generic


@dataclass
class RouteResult:
    """Everything one route showed: its faults, its warnings, or the error that stopped its probes."""

    route: Route
    path: str
    tried: int
    faults: list[Fault] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    simple_blocked: bool = False
    error: BaseException | None = None

    @property
    def signature(self) -> tuple[str, ...]:
        """The route's faults, in probe order, as words that name no route and no method."""
        return tuple(f.signature for f in self.faults)


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
            return self._send(self.route.method, headers)
        except UnsafeRequestError:
            # A live host outside launchready_allow_hosts: only the preflights (OPTIONS) are sent.
            self.simple_blocked = True
            return None

    def preflight(self, origin: str, request_headers: str | None = None) -> httpx.Response:
        """``OPTIONS`` asking whether ``origin`` may send the route's method (and ``request_headers``)."""
        headers = {"Origin": origin, "Access-Control-Request-Method": self.route.method}
        if request_headers:
            headers["Access-Control-Request-Headers"] = request_headers
        return self._send("OPTIONS", headers)

    def _send(self, method: str, headers: dict[str, str]) -> httpx.Response:
        # No answer is nothing to judge: the httpx error goes up, and the runner tells it as one line (an error,
        # never a finding), naming the request.
        response = self.ctx.client.request(method, self.path, headers=headers)
        self.responses.append(response)
        return response


def _hostile_faults(prober: _Prober, hostile: HostileOrigin) -> list[Fault]:
    """What the route grants ``hostile``: one fault per probe that let it through."""
    method = prober.route.method
    origin = hostile.origin
    faults: list[Fault] = []
    response = prober.simple(origin)
    if response is not None and echoes(response.headers, origin):
        if allows_credentials(response.headers):
            faults.append(Fault(hostile.label, "the simple request echoed it with Access-Control-Allow-Credentials: true",
                                f"the simple {method} echoed it with Access-Control-Allow-Credentials: true", response, True))
        else:
            # Starlette's allow_origins=["*"] echoes the origin whenever a cookie is sent, without
            # credentials; the browser refuses that read, and without the cookie the answer is "*".
            bare = prober.simple(origin, cookie=False)
            if bare is not None and echoes(bare.headers, origin):
                faults.append(Fault(hostile.label, "the simple request echoed it in Access-Control-Allow-Origin",
                                    f"the simple {method} echoed it in Access-Control-Allow-Origin", bare))
    preflight = prober.preflight(origin)
    if 200 <= preflight.status_code < 300 and echoes(preflight.headers, origin):
        credentials = allows_credentials(preflight.headers)
        granted = f"granted it ({preflight.status_code}{', with credentials' if credentials else ''})"
        faults.append(Fault(hostile.label, f"the preflight {granted}", f"the preflight for {method} {granted}", preflight,
                            credentials))
    return faults


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


def probe_route(ctx: RunContext, route: Route) -> RouteResult:
    """Probe ``route`` from every hostile origin, then from the allowed ones.

    A route that does not answer, or that the safety guard refuses, keeps its error: its own test
    raises it, and the app-wide test leaves the route out.
    """
    prober = _Prober(ctx, route)
    hostile = derive(ctx.settings.allowed_origins)
    result = RouteResult(route, prober.path, len(hostile))
    try:
        for origin in hostile:
            result.faults += _hostile_faults(prober, origin)
        result.problems = _allowed_problems(prober, ctx.settings.allowed_origins)
    except (AssertionError, httpx.TransportError) as exc:  # UnsafeRequestError included: its own test raises it
        result.error = exc
        return result
    wildcard = next((r for r in prober.responses if wildcard_with_credentials(r.headers)), None)
    if wildcard is not None:
        where = "preflight" if wildcard.request.method == "OPTIONS" and route.method != "OPTIONS" else "response"
        text = (f"Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true, on the {where} for Origin "
                f"{wildcard.request.headers.get('origin', '?')}")
        result.faults.insert(0, Fault("", text, text, wildcard))  # first: the per-origin lines may be cut short
    result.simple_blocked = prober.simple_blocked
    if prober.simple_blocked:
        result.problems.append(f"{route.key}: only preflights were sent (the simple {route.method} goes to a host outside "
                               "launchready_allow_hosts); add the host there to test the actual request too.")
    return result
