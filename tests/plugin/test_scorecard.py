"""The scorecard and the verdicts it sums up: exact failing ids, public routes counted as by design, strict
failing what could not run, waived failures shown rather than hidden, and the same card whatever order the
reports come in (xdist)."""

from __future__ import annotations

import json

import pytest

from support.projects import frame_project

AUTH_ONLY = "--launchready-checks=auth"


def test_secure_app_passes_with_scorecard(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FRAME_FLAWS", raising=False)
    frame_project(pytester)
    result = pytester.runpytest_inprocess("--launchready", AUTH_ONLY, "-v", "-p", "no:cacheprovider", "--launchready-report=card.json")
    result.stdout.fnmatch_lines(
        [
            "*test_auth?GET /health? SKIPPED*",
            "*test_auth?GET /items? PASSED*",
            "*test_auth?GET /items/{item_id}? PASSED*",
            "*launch scorecard*",
            "auth*PASS*3/3 routes*6 by design*",
            "mail*NOT RUN*not selected*",
        ]
    )
    assert result.ret == 0
    card = json.loads((pytester.path / "card.json").read_text())["scorecard"]
    auth = next(row for row in card if row["check"] == "auth")
    assert (auth["verdict"], auth["tested"], auth["total"]) == ("PASS", 3, 3)


def test_vulnerable_route_fails_by_name(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, run_launchready) -> None:
    monkeypatch.setenv("FRAME_FLAWS", "open-items")
    frame_project(pytester)
    result, outcomes = run_launchready("--launchready", AUTH_ONLY, "-rf")
    result.stdout.fnmatch_lines(["FAILED launchready::test_auth[[]GET /items[]]*", "*launch scorecard*", "auth*FAIL*1 failed: test_auth[[]GET /items[]]*"])
    assert outcomes.ids("failed") == ["launchready::test_auth[GET /items]"]
    assert outcomes.ids("passed") == ["launchready::test_auth[GET /crash]", "launchready::test_auth[GET /items/{item_id}]"]
    assert result.ret == 1


def test_xdist_gives_same_ids_and_scorecard(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAME_FLAWS", "open-items")
    frame_project(pytester)
    result = pytester.runpytest_subprocess("--launchready", AUTH_ONLY, "-n", "2", "--dist=load", "-p", "no:cacheprovider", "-rf")
    result.stdout.fnmatch_lines(["FAILED launchready::test_auth[[]GET /items[]]*", "*launch scorecard*", "auth*FAIL*"])
    result.assert_outcomes(passed=2, failed=1, skipped=6)


def test_public_routes_are_not_gaps_even_when_strict(pytester: pytest.Pytester, run_launchready) -> None:
    frame_project(pytester)
    result, outcomes = run_launchready("--launchready", AUTH_ONLY, "--launchready-strict")
    assert outcomes.ids("failed") == []
    assert len(outcomes.ids("passed")) == 3
    result.stdout.fnmatch_lines(["auth*PASS*3/3 routes*6 by design: public route*"])
    assert result.ret == 0


def test_strict_fails_a_check_that_could_not_run(pytester: pytest.Pytester, run_launchready) -> None:
    frame_project(pytester)  # auth runs; mail has no domain (its one case is NOT RUN, skipped at setup)
    result, _ = run_launchready("--launchready", "--launchready-checks=auth,mail", "--launchready-strict")
    result.stdout.fnmatch_lines([
        "*NOT RUN: set launchready_mail_domains (failing because of --launchready-strict)*",
        "mail *FAIL *0/1 tests *",
    ])
    assert result.ret == 1


def test_waiver_reports_failure_as_waived_not_hidden(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, run_launchready) -> None:
    monkeypatch.setenv("FRAME_FLAWS", "open-items")
    # Brackets are literal in a waiver, as in the test id; only * and ? are wildcards.
    frame_project(pytester, extra_ini="launchready_waivers = test_auth[GET /items]: internal catalogue, public on purpose")
    result, outcomes = run_launchready("--launchready", AUTH_ONLY, "-rx")
    assert outcomes.ids("xfailed") == ["launchready::test_auth[GET /items]"]
    result.stdout.fnmatch_lines(["auth*WAIVED*1 waived: test_auth[[]GET /items[]]*"])
    assert result.ret == 0


def test_scorecard_does_not_depend_on_report_order() -> None:
    from pytest_launchready.report.scorecard import Scorecard

    def report(route: str) -> pytest.TestReport:
        nodeid = f"launchready::test_auth[{route}]"
        props = [("launchready_check", "auth"), ("launchready_route", route), ("launchready_routes_total", "3")]
        return pytest.TestReport(nodeid, ("launchready", None, ""), {}, "failed", "boom", "call", user_properties=props)

    routes = ["GET /a", "GET /b", "GET /c"]
    rows = []
    for order in (routes, routes[::-1]):  # as two xdist workers may deliver them
        card = Scorecard()
        for route in order:
            card.record("auth", report(route))
        rows.append(card.rows(["auth"])[0])
    assert rows[0] == rows[1]
    assert rows[0].failed == ["test_auth[GET /a]", "test_auth[GET /b]", "test_auth[GET /c]"]


def test_an_app_wide_finding_counts_one_finding_and_its_routes() -> None:
    from pytest_launchready.report.scorecard import Scorecard

    def report(case: str, outcome: str, longrepr: object, route: str) -> pytest.TestReport:
        props = [("launchready_check", "cors"), ("launchready_route", route), ("launchready_routes_total", "4")]
        return pytest.TestReport(f"launchready::test_cors[{case}]", ("launchready", None, ""), {}, outcome, longrepr,
                                 "call", user_properties=props)

    covered = ("x.py", 1, "Skipped: COVERED: covered by test_cors[app-wide]: the same fault on 3 routes")
    card = Scorecard()
    card.record("cors", report("app-wide", "failed", "boom", ""))
    for route in ("GET /a", "GET /b", "GET /c"):
        card.record("cors", report(route, "skipped", covered, route))
    card.record("cors", report("GET /d", "passed", None, "GET /d"))
    [row] = [r for r in card.rows(["cors"]) if r.check == "cors"]
    assert (row.verdict, row.tested, row.total, row.unit) == ("FAIL", 4, 4, "routes")  # covered routes were tested
    assert row.notes == "1 finding (app-wide, 3 routes): test_cors[app-wide]"
    assert row.failed == ["test_cors[app-wide]"]
    card.record("cors", report("GET /d", "failed", "boom", "GET /d"))
    assert [r.notes for r in card.rows(["cors"]) if r.check == "cors"] == [
        "2 findings (1 app-wide on 3 routes, 1 per route): test_cors[app-wide], test_cors[GET /d]"]


def test_by_design_tests_are_counted_per_reason(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """Public routes and routes that take no object id are by design for different reasons: each reason
    gets its own count, never one count under the first reason."""
    from support.logins import REALWORLD_LOGIN
    from support.projects import make_project

    monkeypatch.delenv("RW_FLAWS", raising=False)
    make_project(pytester, "realworld_shapes", """launchready_roles = user
launchready_public_routes =
    POST /api/users
    POST /api/users/login
    GET /api/notes/{note_id}
launchready_exclude_routes =
    * /docs
    * /docs/oauth2-redirect
    * /redoc
    * /openapi.json
""", REALWORLD_LOGIN)
    result = pytester.runpytest_inprocess("--launchready", "--launchready-checks=tenant_isolation", "-p", "no:cacheprovider",
                                          "--launchready-report=card.json")
    notes = next(row for row in json.loads((pytester.path / "card.json").read_text())["checks"]
                 if row["check"] == "tenant_isolation")["note_parts"]
    designed = [note for note in notes if " by design: " in note]
    assert len(designed) == 2, notes
    assert any("public" in note for note in designed) and any("takes no object id" in note for note in designed), notes
    counts = [int(note.split(" ", 1)[0]) for note in designed]
    assert sum(counts) == sum(t["outcome"] == "by_design" for t in json.loads((pytester.path / "card.json").read_text())["tests"])
    assert result.ret == 0
