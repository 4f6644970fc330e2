"""The load check, run as users meet it: opt-in, one locust run per session, a verdict per core route.

A fast app passes; one slow route (an N+1 list) fails that route and no other; 5% errors on one route fail
it on the error rate; the server sees one distinct signed-in user per locust user; two locust workers give
the same verdicts. Runs are short (a few users for a few seconds): the figures are judged, not the speed.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from support.loadproject import LOAD_INI
from support.logins import ORG_ROLE_LOGIN
from support.projects import make_project
from support.runs import short_ids

ROUTES = ["GET /notes", "GET /notes/{note_id}", "POST /notes"]


def load_run(pytester: pytest.Pytester, run_launchready: Any, *args: str) -> tuple[Any, Any, dict[str, Any]]:
    make_project(pytester, "load_fastapi", LOAD_INI, ORG_ROLE_LOGIN)
    report = pytester.path / "report.json"
    result, outcomes = run_launchready("--launchready", "--launchready-checks=load", f"--launchready-report={report}", *args)
    return result, outcomes, json.loads(report.read_text())


def test_without_the_opt_in_it_is_one_not_run_row_naming_it(pytester: pytest.Pytester, run_launchready: Any) -> None:
    make_project(pytester, "load_fastapi", LOAD_INI.replace("launchready_load = true\n", ""), ORG_ROLE_LOGIN)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=load,auth", "-rs")
    assert "test_load[overall]" in short_ids(outcomes, "skipped"), result.stdout.str()
    assert not [i for i in short_ids(outcomes, "passed") + short_ids(outcomes, "failed") if i.startswith("test_load")]
    result.stdout.fnmatch_lines(["load * NOT RUN * opt-in: pass --launchready-load or set launchready_load = true*"])


def test_a_fast_app_passes_every_core_route_with_its_figures(pytester: pytest.Pytester, run_launchready: Any,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    seen = pytester.path / "seen.txt"
    monkeypatch.setenv("LOAD_FLAWS", "")
    monkeypatch.setenv("LOAD_SEEN", str(seen))
    result, outcomes, report = load_run(pytester, run_launchready)
    text = result.stdout.str()
    assert short_ids(outcomes, "passed") == sorted([f"test_load[{r}]" for r in ROUTES] + ["test_load[overall]"]), text
    figures = {t["id"]: t.get("figures", "") for t in report["tests"]}
    assert all(" requests, " in line and "p95 " in line for line in figures.values()), figures
    assert "4 users on 4 signed-in sessions" in figures["test_load[overall]"]
    assert len(seen.read_text().splitlines()) == 4  # four distinct users, each logged in once, on their own seeded notes
    assert "overall: " in text and "locust.html" in text


def test_one_slow_route_fails_that_route_only_saying_by_how_much(pytester: pytest.Pytester, run_launchready: Any,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOAD_FLAWS", "slow-list")
    result, outcomes, _ = load_run(pytester, run_launchready)
    text = result.stdout.str()
    assert "test_load[GET /notes]" in short_ids(outcomes, "failed"), text
    assert not {"test_load[GET /notes/{note_id}]", "test_load[POST /notes]"} & set(short_ids(outcomes, "failed")), text
    result.stdout.fnmatch_lines(["*GET /notes: p95 * ms is over launchready_p95_ms (500 ms) by * ms*"])


def test_five_percent_errors_fail_the_route_on_its_error_rate(pytester: pytest.Pytester, run_launchready: Any,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOAD_FLAWS", "flaky")
    result, outcomes, _ = load_run(pytester, run_launchready, "-o", "launchready_load_duration=4")
    text = result.stdout.str()
    assert "test_load[GET /notes/{note_id}]" in short_ids(outcomes, "failed"), text
    assert "test_load[GET /notes]" in short_ids(outcomes, "passed"), text
    result.stdout.fnmatch_lines(["*GET /notes/{note_id}: the error rate *% (* of *) is over launchready_max_error_rate (1.0%)*"])


def test_two_locust_workers_connect_and_give_the_same_verdicts(pytester: pytest.Pytester, run_launchready: Any,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOAD_FLAWS", "slow-list")
    # Longer than the others: workers report their stats every 3 s, and two extra processes start slowly on a busy box.
    result, outcomes, report = load_run(pytester, run_launchready, "--launchready-load-workers=2",
                                        "-o", "launchready_load_duration=6")
    text = result.stdout.str()
    failed = short_ids(outcomes, "failed")
    assert "test_load[GET /notes]" in failed, text
    # The read route has the most samples (a third of POST's weight would give ~10 on this short run, where one
    # stall of a busy 2-core box at the start of three extra processes moves its p95): it must pass, as in one process.
    assert "test_load[GET /notes/{note_id}]" in short_ids(outcomes, "passed"), text
    overall = next(t for t in report["tests"] if t["id"] == "test_load[overall]")
    assert "2 locust workers" in overall["figures"], overall


def test_a_load_route_the_app_lacks_is_a_usage_error(pytester: pytest.Pytester) -> None:
    make_project(pytester, "load_fastapi", LOAD_INI + "launchready_load_routes =\n    3: GET /nope\n", ORG_ROLE_LOGIN)
    result = pytester.runpytest_inprocess("--launchready", "--launchready-checks=load", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "launchready_load_routes names GET /nope" in result.stdout.str() + result.stderr.str()


def test_under_xdist_one_locust_run_serves_the_load_tests_of_every_worker(pytester: pytest.Pytester, run_launchready: Any,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The load tests spread over two pytest workers: the first one runs locust, the other reads its result
    (each worker serves its own copy of the app, so a second run would show four more users)."""
    seen = pytester.path / "seen.txt"
    monkeypatch.setenv("LOAD_FLAWS", "slow-list")
    monkeypatch.setenv("LOAD_SEEN", str(seen))
    result, outcomes, _ = load_run(pytester, run_launchready, "-n", "2", "--dist=load")
    assert "test_load[GET /notes]" in short_ids(outcomes, "failed"), result.stdout.str()
    assert "test_load[POST /notes]" in short_ids(outcomes, "passed"), result.stdout.str()
    assert len(seen.read_text().splitlines()) == 4


def test_against_a_live_server_on_loopback_the_slow_route_fails_too(pytester: pytest.Pytester, run_launchready: Any,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """launchready_base_url at a real uvicorn on 127.0.0.1: locust sends there (at the address the guard resolved)."""
    from support.paths import load_app
    from support.servers import serve_on_loopback

    monkeypatch.setenv("LOAD_FLAWS", "slow-list")
    app = load_app("load_fastapi").app
    with serve_on_loopback(app) as port:
        make_project(pytester, "load_fastapi", LOAD_INI, ORG_ROLE_LOGIN, target=f"launchready_base_url = http://localhost:{port}")
        result, outcomes = run_launchready("--launchready", "--launchready-checks=load")
    assert short_ids(outcomes, "failed")[:1] == ["test_load[GET /notes]"], result.stdout.str()
    assert "test_load[GET /notes/{note_id}]" in short_ids(outcomes, "passed"), result.stdout.str()

