"""monitoring: the health route answers 200 without credentials, fast, and discloses nothing.

The health route is ``launchready_health_route``, else the discovered ``GET /health``, ``/healthz``,
``/ready`` or ``/status`` (also under ``/api``); it is public by design (discovery marks it so, and the
auth check lists it as such). Three tests, each sent anonymously:

- ``health public``: one GET must answer 200 (a 401 means monitors and load balancers cannot call it).
- ``health fast``: after one warm-up GET, up to :data:`SAMPLES` timed GETs (within :data:`BUDGET_S`
  seconds); their p95 (nearest rank) must be at most ``launchready_p95_ms``. The run stops early once
  the p95 cannot come in under the budget any more.
- ``health discloses nothing``: the answer's headers and body name no software version, stack detail,
  connection string, host name or IP address, and no secret
  (:func:`pytest_launchready.checks.monitoring.exposure.health_disclosures`).

Without a health route, each is NOT RUN naming ``launchready_health_route``. See docs/checks/monitoring.md.
"""

from __future__ import annotations

import math
import re
import time
from typing import TYPE_CHECKING, Iterable

import httpx
import pytest

from pytest_launchready.checks import Case, Check, Plan
from pytest_launchready.checks.evidence import fail
from pytest_launchready.checks.finding import HIGH, LOW, MEDIUM
from pytest_launchready.checks.monitoring.exposure import health_disclosures
from pytest_launchready.routes import Route
from pytest_launchready.routes.health_vocabulary import health_route_key

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext

DOCS = "docs/checks/monitoring.md"
PUBLIC, FAST, QUIET = "health public", "health fast", "health discloses nothing"
CASE_IDS = (PUBLIC, FAST, QUIET)
#: Timed requests at most, and the seconds they may take together.
SAMPLES = 20
BUDGET_S = 10.0
ENABLE = ("no health route: set launchready_health_route = GET /your/health/path, or serve GET /health (or /healthz, "
          "/ready, /status, also under /api)")
#: Disclosures that hand an attacker a way in, not only a map.
_GRAVE = ("connection string", "URL with a password", "private key", "password hash", "sensitive field")
_URL_PASSWORD = re.compile(r"://[^\s/:@]+:([^\s/@]+)@")
_DEBUG = ("traceback", "stack", "debug", "SQL", "panic", "error", "file path", "backtrace")


def cases(plan: Plan) -> Iterable[Case]:
    """The three cases on the health route, or three NOT RUN naming ``launchready_health_route``."""
    key = health_route_key(plan.routes, plan.settings.health_route)
    route = next((r for r in plan.routes if r.key == key), None)
    if key is not None and route is None:
        method, _, path = key.partition(" ")
        route = Route(method, path, public=True)
    for case_id in CASE_IDS:
        yield Case(id=case_id, route=route, variant=case_id, counts_as_route=False,
                   not_run=None if route is not None else ENABLE)


def run(ctx: RunContext, case: Case) -> None:
    """Send this case's anonymous requests to the health route and judge them."""
    assert case.route is not None
    {PUBLIC: run_public, FAST: run_fast, QUIET: run_quiet}[case.variant](ctx, case.route)


def _get(ctx: RunContext, route: Route) -> httpx.Response:
    return ctx.client.request(route.method, route.path)


def run_public(ctx: RunContext, route: Route) -> None:
    """One anonymous request must get a 200."""
    response = _get(ctx, route)
    if response.status_code == 200:
        return
    if response.status_code in (401, 403):
        why = ("a health route is called by load balancers, orchestrators and uptime monitors, which hold no user "
               "credentials: behind authentication it reads as down, and instances are taken out of rotation.")
        fix = (f"serve {route.key} without authentication (exempt it from the auth middleware) and keep it to a bare "
               "status; if it must be private, set launchready_health_route to the public one.")
    else:
        why = "a healthy app's health route must answer 200 so that monitors can tell healthy from broken."
        fix = f"make {route.key} answer 200 with a small body (e.g. {{\"status\": \"ok\"}}) while the app can serve requests."
    fail(f"The health route {route.key}, sent without credentials, answered {response.status_code}, not 200.",
         why, fix, response=response, redact=ctx.redact, headers=("content-type", "www-authenticate", "location"),
         docs=DOCS, severity=MEDIUM)


def run_fast(ctx: RunContext, route: Route) -> None:
    """Timed anonymous requests; their p95 must be within ``launchready_p95_ms``."""
    warm = _get(ctx, route)
    if warm.status_code != 200:
        pytest.skip(f"{route.key} answered {warm.status_code}, not 200 (see test_monitoring[{PUBLIC}]): the time of that "
                    "answer says nothing about the health route's")
    budget_ms = ctx.settings.p95_ms
    allowed_over = SAMPLES - math.ceil(0.95 * SAMPLES)  # samples over budget the p95 can absorb
    timings: list[float] = []
    started = time.perf_counter()
    last = warm
    while len(timings) < SAMPLES and time.perf_counter() - started < BUDGET_S:
        sent = time.perf_counter()
        last = _get(ctx, route)
        timings.append((time.perf_counter() - sent) * 1000)
        if sum(t > budget_ms for t in timings) > allowed_over:
            break  # the p95 of the full run can no longer be within budget
    ordered = sorted(timings)
    p95 = ordered[math.ceil(0.95 * len(ordered)) - 1]
    ctx.measured(f"p95 {p95:.0f} ms over {len(timings)} requests (budget {budget_ms:g} ms)")
    if p95 > budget_ms:
        fail(f"The health route {route.key} answered in {p95:.0f} ms at p95 over {len(timings)} anonymous requests "
             f"(median {ordered[len(ordered) // 2]:.0f} ms), over launchready_p95_ms = {budget_ms:g}.",
             "monitors time out on a slow health route and report the app down; a health route that does real work "
             "(queries, calls to other services) on every probe also adds load exactly when the app is struggling.",
             f"answer {route.key} from memory: no database query or outbound call per request (check dependencies in the "
             "background and cache the result, or move deep checks to a separate readiness route with its own budget).",
             response=last, redact=ctx.redact, headers=("content-type",), docs=DOCS, severity=LOW)


def run_quiet(ctx: RunContext, route: Route) -> None:
    """The anonymous answer's headers and body must disclose nothing about the deployment."""
    response = _get(ctx, route)
    found = health_disclosures(response.status_code, response.headers, response.content,
                               response.headers.get("content-type", ""))
    if not found:
        return
    for disclosure in found:
        if any(word in disclosure.kind for word in _GRAVE):
            # The whole match and, for a URL, its password alone: the body excerpt may split or re-quote it.
            ctx.redact.add(disclosure.evidence, *_URL_PASSWORD.findall(disclosure.evidence))
    listed = "; ".join(f"{d.describe()} ({ctx.redact(d.evidence)!r})" for d in found[:6])
    severity = (HIGH if any(any(w in d.kind for w in _GRAVE) for d in found)
                else MEDIUM if any(any(w in d.kind for w in _DEBUG) for d in found) else LOW)
    fail(f"The health route {route.key}, sent without credentials, disclosed: {listed}.",
         "anyone can call a health route: versions tell an attacker which known vulnerabilities to try, host names and "
         "addresses map the internal network, and connection strings or secrets open it.",
         f"answer {route.key} with a bare status ({{\"status\": \"ok\"}}); drop version, build and host fields, remove "
         "the Server version and X-Powered-By headers (uvicorn --no-server-header, Express app.disable('x-powered-by')), "
         "and keep dependency details for an authenticated admin route.",
         response=response, redact=ctx.redact, headers=("content-type", "server", "x-powered-by"), docs=DOCS,
         severity=severity)


CHECK = Check(
    name="monitoring",
    title="The health route answers 200 without credentials, fast, and discloses nothing.",
    cases=cases,
    run=run,
    enable_hint="set launchready_health_route (or serve GET /health)",
)
