"""Per-request cost of the tenant_isolation tests against an in-process app, versus raw httpx.

One process, interleaved rounds (this machine is noisy, so both sides see the same noise):

1. run ``pytest --launchready --launchready-checks=tenant_isolation`` on the multi-tenant FastAPI test
   app (``tests/apps/isolation_fastapi.py``) with ``pytest.main``, recording every request the run
   sends (the user's logins included) at the transport, and timing the test loop (seeding, swaps,
   re-reads, pytest's own per-test work: everything but start-up and collection);
2. replay exactly those requests with a plain ``httpx.Client`` (``client.request(method, url,
   headers=..., content=...)``, the call a hand-written test makes) over the same kind of in-process
   transport, against the same app object, and time that loop.

Prints both per-request costs and their ratio (median over rounds). Goal: <= 1.2x.

    python benchmarks/request_overhead.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO = Path(__file__).resolve().parent.parent
APP = REPO / "tests" / "apps" / "isolation_fastapi.py"

INI = """[pytest]
launchready_app = benchapp:app
launchready_public_routes =
    GET /health
    POST /auth/signup
    POST /auth/login
    POST /auth/accept-invite
"""

CONFTEST = '''
import itertools
import pytest
from pytest_launchready import Credentials

PASSWORD = "pw-long-enough-1"


@pytest.fixture(scope="session")
def launchready_login(launchready_client):
    owners = {}
    serial = itertools.count(1)

    def token(email):
        return launchready_client.post("/auth/login", json={"email": email, "password": PASSWORD}).json()["access_token"]

    def login(tenant, role):
        if tenant not in owners:
            email = f"owner-{next(serial)}@{tenant}.example.com"
            launchready_client.post("/auth/signup", json={"email": email, "password": PASSWORD, "org_name": tenant})
            owners[tenant] = token(email)
            if role == "owner":
                return Credentials(headers={"Authorization": f"Bearer {token(email)}"})
        email = f"{role}-{next(serial)}@{tenant}.example.com"
        invite = launchready_client.post("/orgs/invites", json={"email": email, "role": role},
                                         headers={"Authorization": f"Bearer {owners[tenant]}"}).json()
        launchready_client.post("/auth/accept-invite", json={"invite_token": invite["invite_token"], "password": PASSWORD})
        return Credentials(headers={"Authorization": f"Bearer {token(email)}"})

    return login
'''


class Recorder:
    """A pytest plugin that times the test loop; the transport patch below records the requests."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, list[tuple[str, str]], bytes]] = []
        self.loop_seconds = 0.0
        self.loop_cpu = 0.0
        self.in_checks = 0.0
        self.outcomes: dict[str, int] = {}

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Any:
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return (yield)
        finally:
            self.loop_seconds = time.perf_counter() - start
            self.loop_cpu = time.process_time() - cpu

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" or report.skipped:
            self.outcomes[report.outcome] = self.outcomes.get(report.outcome, 0) + 1


def run_check(project: Path) -> Recorder:
    """One pytest run of the check, requests recorded at the guarded transport."""
    from pytest_launchready import target
    from pytest_launchready.plugin import runner

    recorder = Recorder()
    original = target.GuardedTransport.handle_request

    def recording(self: Any, request: httpx.Request) -> httpx.Response:
        recorder.requests.append((request.method, str(request.url), list(request.headers.multi_items()), request.read()))
        return original(self, request)

    target.GuardedTransport.handle_request = recording  # type: ignore[method-assign]
    original_run = runner.run_case

    def timed_run(*args: Any, **kwargs: Any) -> None:
        start = time.perf_counter()
        try:
            original_run(*args, **kwargs)
        finally:
            recorder.in_checks += time.perf_counter() - start

    runner.run_case = timed_run  # type: ignore[assignment]
    cwd = os.getcwd()
    try:
        os.chdir(project)
        with contextlib.redirect_stdout(io.StringIO()):
            pytest.main(["--launchready", "--launchready-checks=tenant_isolation", "-q", "-p", "no:cacheprovider",
                         "-W", "ignore::DeprecationWarning"], plugins=[recorder])
    finally:
        os.chdir(cwd)
        target.GuardedTransport.handle_request = original  # type: ignore[method-assign]
        runner.run_case = original_run  # type: ignore[assignment]
    return recorder


def replay(requests: list[tuple[str, str, list[tuple[str, str]], bytes]]) -> tuple[float, float]:
    """Wall and CPU seconds a plain httpx client takes to send ``requests`` over the same in-process transport."""
    from pytest_launchready.target import Target

    app = sys.modules["benchapp"].app
    bench_target = Target.for_app(app, timeout=10.0)
    client = bench_target.client()
    try:
        start, cpu = time.perf_counter(), time.process_time()
        for method, url, headers, content in requests:
            client.request(method, url, headers=headers, content=content)
        return time.perf_counter() - start, time.process_time() - cpu
    finally:
        bench_target.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    checked: list[float] = []
    raw: list[float] = []
    checked_cpu: list[float] = []
    raw_cpu: list[float] = []
    pytest_own: list[float] = []
    counts: list[int] = []
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        (project / "benchapp.py").write_text(APP.read_text())
        (project / "pytest.ini").write_text(INI)
        (project / "conftest.py").write_text(CONFTEST)
        sys.path.insert(0, str(project))
        run_check(project)  # warm-up: imports, bytecode, the app's first requests
        for _ in range(args.rounds):
            recorder = run_check(project)
            count = len(recorder.requests)
            counts.append(count)
            checked.append(recorder.loop_seconds / count)
            checked_cpu.append(recorder.loop_cpu / count)
            pytest_own.append((recorder.loop_seconds - recorder.in_checks) / count)
            wall, cpu = replay(recorder.requests)
            raw.append(wall / count)
            raw_cpu.append(cpu / count)
    print(f"tenant_isolation on tests/apps/isolation_fastapi.py (in-process ASGI), median of {args.rounds} rounds")
    print(f"  tests: {recorder.outcomes}; requests per run: {statistics.median(counts):.0f}")
    for label, check_side, raw_side in (("wall", checked, raw), ("CPU (all threads)", checked_cpu, raw_cpu)):
        per_check, per_raw = statistics.median(check_side), statistics.median(raw_side)
        print(f"  {label} per request: pytest check {per_check * 1000:.3f} ms, raw httpx {per_raw * 1000:.3f} ms, "
              f"ratio {per_check / per_raw:.2f}x (goal <= 1.2x)")
    own = statistics.median(pytest_own)
    print(f"  of the wall time per request, pytest's own per-test work (outside the check functions): {own * 1000:.3f} ms")


if __name__ == "__main__":
    main()
