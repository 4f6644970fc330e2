"""The JSON report (``--launchready-report``) tells the whole run in the shape of docs/report.schema.json:
verdict, target, versions, start time, scorecard rows and every test with its finding; fingerprints
that do not move between runs or under xdist; WARN outcomes that JUnit XML shows as properties."""

from __future__ import annotations

import datetime as dt
import json
import platform
import re
import xml.etree.ElementTree as ET
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

from support.projects import frame_project, isolation_project, make_project

SCHEMA = Path(__file__).parents[2] / "docs" / "report.schema.json"


def validate(report: dict[str, Any]) -> None:
    """Fail with jsonschema's message when ``report`` does not match docs/report.schema.json."""
    import jsonschema

    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(report)


def read_report(pytester: pytest.Pytester, name: str = "launchready.json") -> dict[str, Any]:
    report = json.loads((pytester.path / name).read_text())
    validate(report)
    return report


def by_id(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {test["id"]: test for test in report["tests"]}


def junit_properties(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Testcase name -> its <property> (name, value) pairs."""
    tree = ET.parse(path)
    return {case.get("name", ""): [(p.get("name", ""), p.get("value", "")) for p in case.iter("property")]
            for case in tree.iter("testcase")}


def test_the_report_tells_the_whole_run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAME_FLAWS", "open-items")
    frame_project(pytester)
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    result = pytester.runpytest_inprocess("--launchready", "--launchready-checks=auth", "-p", "no:cacheprovider",
                                          "--launchready-report=launchready.json", "--junitxml=junit.xml")
    assert result.ret == 1
    report = read_report(pytester)
    assert report["verdict"] == "not_ready" and report["exit_status"] == 1
    assert report["target"] == {"kind": "in-process", "name": "in-process app myapp:app", "reached_by": "ini launchready_app"}
    assert report["versions"] == {"plugin": version("pytest-launchready"), "python": platform.python_version(),
                                  "pytest": pytest.__version__}
    started = dt.datetime.fromisoformat(report["started_at"].replace("Z", "+00:00"))
    assert before <= started <= dt.datetime.now(dt.timezone.utc)
    assert [row["check"] for row in report["checks"]][:2] == ["auth", "tokens"] and report["checks"] == report["scorecard"]
    tests = by_id(report)
    failed = tests["test_auth[GET /items]"]
    assert (failed["check"], failed["route"], failed["outcome"], failed["severity"]) == ("auth", "GET /items", "failed", "critical")
    assert failed["title"] == "Sent GET /items with no credentials: the route answered it successfully."
    assert failed["evidence"].splitlines()[0] == "GET http://testserver/items -> 200 OK"
    assert failed["docs"] == "docs/checks/auth.md" and failed["fix"] and re.fullmatch(r"[0-9a-f]{16}", failed["fingerprint"])
    assert tests["test_auth[GET /items/{item_id}]"]["outcome"] == "passed"
    assert tests["test_auth[GET /health]"]["outcome"] == "by_design" and "public" in tests["test_auth[GET /health]"]["reason"]
    assert report["counts"]["failed"] == 1 and report["counts"]["passed"] == 2
    assert ("launchready_severity", "critical") in junit_properties(pytester.path / "junit.xml")["test_auth[GET /items]"]


def test_fingerprints_and_outcomes_are_the_same_in_another_run_and_under_xdist(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ISOLATION_FLAWS", "read-any-conversation")
    isolation_project(pytester)
    args = ("--launchready", "--launchready-checks=tenant_isolation", "-p", "no:cacheprovider", "-k", "conversation_id")
    pytester.runpytest_inprocess(*args, "--launchready-report=one.json")
    pytester.runpytest_subprocess(*args, "--launchready-report=two.json", "-n", "2", "--dist=load")
    one, two = read_report(pytester, "one.json"), read_report(pytester, "two.json")

    def facts(report: dict[str, Any]) -> list[tuple[Any, ...]]:
        return [(t["id"], t["outcome"], t.get("severity"), t.get("fingerprint")) for t in report["tests"]]

    assert facts(one) == facts(two)
    leak = "test_tenant_isolation[GET /conversations/{conversation_id}]"
    assert [t["id"] for t in one["tests"] if t["outcome"] == "failed"] == [leak]
    # The titles name each run's own tenants and ids; the fingerprint does not.
    assert by_id(one)[leak]["title"] != by_id(two)[leak]["title"]
    assert (one["checks"], one["counts"]) == (two["checks"], two["counts"])


def test_warnings_are_warned_entries_and_junit_properties(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_FLAW", "refuses-allowed")
    make_project(pytester, "cors_fastapi", "launchready_public_routes =\n    GET /health\n"
                 "launchready_allowed_origins =\n    https://app.example.com\n")
    result = pytester.runpytest_inprocess("--launchready", "--launchready-checks=cors", "-p", "no:cacheprovider",
                                          "--launchready-report=launchready.json", "--junitxml=junit.xml")
    assert result.ret == 0
    report = read_report(pytester)
    assert report["verdict"] == "no_blocking_finding"
    warned = by_id(report)["test_cors[GET /items]"]
    assert (warned["outcome"], warned["severity"], warned["route"]) == ("warned", "low", "GET /items")
    assert len(warned["warnings"]) == 1 and "the allowed origin https://app.example.com is refused" in warned["warnings"][0]
    assert warned["title"].startswith("GET /items: the allowed origin") and warned["docs"] == "docs/checks/cors.md"
    properties = junit_properties(pytester.path / "junit.xml")["test_cors[GET /items]"]
    assert ("launchready_outcome", "warned") in properties
    assert [value for name, value in properties if name == "launchready_warn"] == warned["warnings"]


BROKEN_LOGIN = '''
import pytest

@pytest.fixture(scope="session")
def launchready_login(launchready_client):
    def login(tenant, role):
        raise RuntimeError("the identity provider is down")
    return login
'''


def test_strict_failures_of_warnings_and_set_up_errors_have_entries_too(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CORS_FLAW", "refuses-allowed")
    make_project(pytester, "cors_fastapi", "launchready_public_routes =\n    GET /health\n"
                 "launchready_allowed_origins =\n    https://app.example.com\n", BROKEN_LOGIN)
    pytester.runpytest_inprocess("--launchready", "--launchready-checks=cors,tokens", "-p", "no:cacheprovider",
                                 "--launchready-strict", "--launchready-report=launchready.json")
    report = read_report(pytester)
    assert report["verdict"] == "not_ready"
    tests = by_id(report)
    strict = tests["test_cors[GET /items]"]
    assert (strict["outcome"], strict["severity"]) == ("failed", "low") and strict["title"].startswith("GET /items: the allowed")
    broken = tests["test_tokens[expired]"]
    assert broken["outcome"] == "error" and "the identity provider is down" in broken["message"]
    assert "severity" not in broken  # no finding was proven


def test_routes_an_app_wide_finding_covers_are_covered_not_untested(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One CORS setting on every route: the app-wide test fails once, and each route's entry says it
    was tested and showed that fault (``covered``), never that it could not be tested (``not_run``)."""
    from support.projects import make_project

    monkeypatch.setenv("CORS_FLAW", "reflect-all")
    make_project(pytester, "cors_fastapi", "launchready_public_routes =\n    GET /health\n")
    pytester.runpytest_inprocess("--launchready", "--launchready-checks=cors", "-p", "no:cacheprovider",
                                 "--launchready-report=launchready.json")
    report = read_report(pytester)
    outcomes = {test["id"]: test["outcome"] for test in report["tests"] if test["check"] == "cors"}
    assert outcomes.pop("test_cors[app-wide]") == "failed"
    assert outcomes.pop("test_cors[look-alike origins]") == "not_run"  # no launchready_allowed_origins to derive them from
    assert set(outcomes.values()) == {"covered"}, outcomes
    assert report["counts"]["failed"] == 1 and report["counts"]["covered"] == len(outcomes)


def test_two_faults_under_one_generic_first_line_get_two_fingerprints() -> None:
    """A CORS or headers finding lists its faults under a first line that is the same for all of them:
    a credentialed echo and a preflight grant on one route are two findings, two fingerprints; the same
    fault in another run (other counts, canaries, tenant names) is one."""
    from pytest_launchready.report.fingerprint import fingerprint

    head = "Sent simple requests and preflights to GET /items (as /items, anonymous) from 11 hostile origins; the route let 1 through:"
    echo = head + "\n  - https://evil.test (an unrelated origin): the simple request echoed it with credentials"
    grant = head + "\n  - https://evil.test (an unrelated origin): the preflight granted it (204)"
    assert fingerprint("cors", "GET /items", echo) != fingerprint("cors", "GET /items", grant)
    again = echo.replace("11 hostile", "12 hostile")
    assert fingerprint("cors", "GET /items", echo) == fingerprint("cors", "GET /items", again)
