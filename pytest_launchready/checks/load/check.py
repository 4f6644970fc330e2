"""load: p95 latency and error rate per core route, at ``launchready_load_users`` signed-in users.

Opt-in (``--launchready-load`` or ``launchready_load = true``): it takes ``launchready_load_duration``
seconds at full load, after a ramp and the sign-ups. The first load test to run, on whichever process
(xdist worker) gets one, makes one seeded tenant per user through ``launchready_login`` (up to
:data:`MAX_SESSIONS`, then shared round-robin), serves an in-process app on 127.0.0.1 (a live target
must pass the safety guard), and runs locust once (:mod:`.engine`); the other load tests, in any
process, read that one result from the session's shared temp folder.

- ``test_load[<route>]`` fails when the route's p95 is over ``launchready_p95_ms`` or its error rate
  (4xx/5xx/no answer; a 429 is counted apart, as throttling) is over ``launchready_max_error_rate``.
- ``test_load[overall]`` judges all requests together the same way.

See docs/checks/load.md.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_launchready.checks import Case, Check, Plan
from pytest_launchready.checks.evidence import fail
from pytest_launchready.checks.finding import HIGH, MEDIUM
from pytest_launchready.checks.load.engine import Figures, LoadResult, run_locust
from pytest_launchready.checks.load.flows import Flow, flows, request_for
from pytest_launchready.checks.progress import terminal_line

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext

DOCS = "docs/checks/load.md"
OVERALL = "overall"
ENABLE = "opt-in: pass --launchready-load or set launchready_load = true (it runs for launchready_load_duration seconds)"
#: Distinct signed-in users made for the run; more locust users share them round-robin.
MAX_SESSIONS = 200
#: Think time between one user's requests, in seconds (a closed loop with no pause measures a stampede).
WAIT = (0.05, 0.25)
#: Seconds a process waits for another's load run, on top of its own planned duration.
WAIT_FOR_OTHER = 600.0
FIX = ("Profile the slow route under the same load (an N+1 query in a list, a missing index, a synchronous call in an "
       "async handler, a connection pool smaller than the concurrency), and fix errors under load first: they are "
       "often pool exhaustion or timeouts that a single request never shows.")


def cases(plan: Plan) -> Iterable[Case]:
    """A test per route under load and one overall; one NOT RUN row when the check is not switched on."""
    settings = plan.settings
    if not settings.load:
        yield Case(id=OVERALL, variant=OVERALL, not_run=ENABLE, counts_as_route=False)
        return
    chosen, unknown = flows(settings, plan.routes)
    if unknown:
        raise pytest.UsageError(f"launchready_load_routes names {', '.join(unknown)}, which the app does not have "
                                "(routes are 'METHOD /path' as the scorecard lists them)")
    if not chosen:
        yield Case(id=OVERALL, variant=OVERALL, counts_as_route=False,
                   not_run="no core flow found (a private list, read or create of a collection, or the chat route): "
                           "list the routes in launchready_load_routes ('WEIGHT: METHOD /path')")
        return
    for flow in chosen:
        yield Case(id=flow.route.key, route=flow.route, variant="route", data=(("weight", str(flow.weight)),))
    yield Case(id=OVERALL, variant=OVERALL, counts_as_route=False)


def run(ctx: RunContext, case: Case) -> None:
    """Judge one route (or all) from the session's one load run."""
    if not ctx.login_defined:
        pytest.skip("the load check's users are signed in through launchready_login: define it (or set "
                    "launchready_signup_route and launchready_login_route)")
    result = ctx.shared("result", lambda: _result_once(ctx))
    if result.error:
        pytest.fail(f"the load run measured nothing: {result.error}", pytrace=False)
    figures = result.overall if case.variant == OVERALL else result.routes.get(case.id)
    if figures is None or not figures.requests:
        pytest.skip(f"no request to {case.id} completed during the run: no signed-in user owns an id for its path "
                    "parameters, or the run was too short (raise launchready_load_duration)")
    line = figures.line() + (f"; {_who(result)}" if case.variant == OVERALL else "")
    ctx.measured(line)
    _judge(ctx, case, figures, result)


def _who(result: LoadResult) -> str:
    workers = f", {result.workers_connected} locust workers" if result.workers else ""
    return f"{result.users} users on {result.sessions} signed-in sessions{workers}; locust report {result.html}"


def _judge(ctx: RunContext, case: Case, figures: Figures, result: LoadResult) -> None:
    settings = ctx.settings
    what = "all requests together" if case.variant == OVERALL else case.id
    missed = []
    if figures.p95 > settings.p95_ms:
        missed.append(f"p95 {figures.p95:.0f} ms is over launchready_p95_ms ({settings.p95_ms:g} ms) by "
                      f"{figures.p95 - settings.p95_ms:.0f} ms")
    if figures.error_rate > settings.max_error_rate:
        missed.append(f"the error rate {figures.error_rate:.1%} ({figures.errors} of {figures.requests}) is over "
                      f"launchready_max_error_rate ({settings.max_error_rate:.1%})")
    if not missed:
        return
    fail(
        f"Under load ({result.users} signed-in users for {settings.load_duration} s at full load), {what}: "
        f"{'; '.join(missed)}. Measured: {figures.line()}. Locust's reports: {result.csv_prefix}_stats.csv, {result.html}.",
        "a route that is slow or failing at launch concurrency is an outage for every tenant at once: users wait, "
        "retry, and the retries make it worse.",
        FIX, docs=DOCS, severity=MEDIUM if figures.error_rate <= settings.max_error_rate else HIGH,
    )


# --- the one run per session ----------------------------------------------------------------------


def _result_once(ctx: RunContext) -> LoadResult:
    """The session's load result: run here when this process is first, else wait for the one that is."""
    folder = _shared_folder(ctx)
    result_file, lock = folder / "result.json", folder / "running.lock"
    try:
        os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return _wait_for(result_file, ctx.settings.load_duration + WAIT_FOR_OTHER)
    try:
        result = _run(ctx, folder)
    except pytest.skip.Exception:
        raise
    except Exception as exc:  # noqa: BLE001 - told to every process's tests, redacted
        result = LoadResult(error=ctx.redact(f"{type(exc).__name__}: {exc}"))
    temporary = result_file.with_suffix(".tmp")
    temporary.write_text(result.to_json())
    temporary.replace(result_file)
    return result


def _shared_folder(ctx: RunContext) -> Path:
    base = Path(ctx.request.getfixturevalue("tmp_path_factory").getbasetemp())
    # Under xdist each worker's basetemp (popen-gw0) sits in the session's one folder: share that.
    folder = (base.parent if ctx.worker != "main" else base) / "launchready-load"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _wait_for(result_file: Path, budget: float) -> LoadResult:
    deadline = time.monotonic() + budget
    while not result_file.exists():
        if time.monotonic() > deadline:
            return LoadResult(error=f"another process's load run wrote no result within {budget:.0f} s")
        time.sleep(0.5)
    return LoadResult.from_json(result_file.read_text())


def _run(ctx: RunContext, folder: Path) -> LoadResult:
    # Never import locust here: importing it gevent-patches the whole pytest process (threads included).
    if importlib.util.find_spec("locust") is None:
        pytest.skip("locust is not installed: pip install 'pytest-launchready[load]'")
    chosen, _ = flows(ctx.settings, ctx.routes)
    sessions = _sessions(ctx, chosen)
    plan = {"sessions": sessions, "order": [f.route.key for f in chosen],
            "weights": {f.route.key: f.weight for f in chosen}, "wait_min": WAIT[0], "wait_max": WAIT[1]}
    with _base_url(ctx) as (base_url, host_header):
        if host_header:
            for session in sessions:
                session["headers"]["Host"] = host_header
        return run_locust(base_url, plan, users=ctx.settings.load_users, duration=ctx.settings.load_duration,
                          workers=ctx.settings.load_workers, out_dir=folder, progress=terminal_line(ctx.config))


def _sessions(ctx: RunContext, chosen: list[Flow]) -> list[dict[str, Any]]:
    """One seeded tenant per user (up to MAX_SESSIONS): its credentials and its own request per route."""
    factory = ctx.request.getfixturevalue("tenant_role")
    seed = ctx.fixture("launchready_seed")
    sessions = []
    for index in range(min(ctx.settings.load_users, MAX_SESSIONS)):
        tenant = factory.seeded(f"load{index}", seed, ctx.routes)
        requests = {flow.route.key: sent for flow in chosen if (sent := request_for(flow, tenant)) is not None}
        cookie = "; ".join(f"{name}={value}" for name, value in tenant.credentials.cookies.items())
        sessions.append({"headers": dict(tenant.credentials.headers), "cookie": cookie, "requests": requests})
    return sessions


@contextlib.contextmanager
def _base_url(ctx: RunContext) -> Iterator[tuple[str, str]]:
    """Where locust sends, and the Host header to add: an in-process app served on 127.0.0.1 for the run, or
    the live target at the address the safety guard resolved (so a name cannot point elsewhere later)."""
    target = ctx.target
    if target.in_process:
        from pytest_launchready.checks.load.serve import serving

        if importlib.util.find_spec("uvicorn") is None:
            pytest.skip("uvicorn is not installed: pip install 'pytest-launchready[load]'")
        with serving(target.app) as url:
            yield url, ""
        return
    import httpx

    refusal = target.refusal(f"a load test ({ctx.settings.load_users} users for {ctx.settings.load_duration} s)")
    if refusal:
        pytest.skip(refusal)
    url = httpx.URL(target.base_url)
    addresses = target.guard.resolution(url.host).addresses
    if url.scheme == "https" or not addresses:
        yield str(url).rstrip("/"), ""  # TLS needs the name (SNI); allowed hosts are the user's to vouch for
        return
    address = addresses[0]
    shown = f"[{address}]" if ":" in address else address
    yield str(url.copy_with(host=shown)).rstrip("/"), url.netloc.decode()


CHECK = Check(
    name="load",
    title="p95 latency and error rate of the core routes at launch concurrency",
    cases=cases,
    run=run,
    enable_hint=ENABLE,
)
