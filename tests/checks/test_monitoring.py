"""The monitoring check on tests/apps/health_fastapi.py: each health flaw fails its own case naming it, the
secure app passes all three, the health route is public by design (auth lists it, never probes it),
and without a health route every case is NOT RUN naming launchready_health_route."""

from __future__ import annotations

from typing import Any

import pytest

from support.projects import make_project
from support.runs import short_ids, skip_reasons

PUBLIC, FAST, QUIET = "test_monitoring[health public]", "test_monitoring[health fast]", "test_monitoring[health discloses nothing]"
ALL = sorted([PUBLIC, FAST, QUIET])


def _run(pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch, flaws: str = "",
         ini: str = "", checks: str = "monitoring", path: str = "/health") -> Any:
    monkeypatch.setenv("HEALTH_FLAWS", flaws)
    monkeypatch.setenv("HEALTH_PATH", path)
    make_project(pytester, "health_fastapi", "launchready_exclude_routes =\n    * /docs*\n    * /openapi.json\n    * /redoc\n" + ini)
    return run_launchready("--launchready", f"--launchready-checks={checks}", "-rs")


@pytest.mark.parametrize(("flaws", "case", "named"), [
    ("private", PUBLIC, "answered 401, not 200"),
    ("down", PUBLIC, "answered 503, not 200"),
    ("slow", FAST, "over launchready_p95_ms = 30"),
    ("version", QUIET, "version field 'version' in $.version"),
    ("powered-by", QUIET, "software header in header x-powered-by"),
    ("db-url", QUIET, "connection string in body"),
    ("host", QUIET, "host field 'hostname' in $.checks.instance.hostname"),
    ("traceback", QUIET, "Python traceback in body"),
])
def test_each_health_flaw_fails_its_own_case(pytester: pytest.Pytester, run_launchready: Any,
                                             monkeypatch: pytest.MonkeyPatch, flaws: str, case: str, named: str) -> None:
    result, outcomes = _run(pytester, run_launchready, monkeypatch, flaws, ini="launchready_p95_ms = 30\n")
    text = result.stdout.str()
    failed = short_ids(outcomes, "failed")
    assert failed == [case], text
    if case == PUBLIC:  # the other two skip: a 401 or 503 is no health answer to time or to read
        assert short_ids(outcomes, "skipped") == [FAST] and short_ids(outcomes, "passed") == [QUIET], text
    else:
        assert short_ids(outcomes, "passed") == sorted(set(ALL) - {case}), text
    assert named in text, text


def test_the_secure_health_route_passes_every_case_and_auth_lists_it_as_public(
        pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    result, outcomes = _run(pytester, run_launchready, monkeypatch, checks="monitoring,auth")
    text = result.stdout.str()
    assert short_ids(outcomes, "passed") == sorted([*ALL, "test_auth[GET /items]"]), text
    reasons = skip_reasons(result)
    assert reasons["GET /health"].startswith("BY DESIGN: public route"), reasons
    result.stdout.fnmatch_lines(["*monitoring*PASS*"])
    assert "p95" in text


def test_a_leaked_database_password_never_prints(pytester: pytest.Pytester, run_launchready: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    result, _ = _run(pytester, run_launchready, monkeypatch, "db-url")
    assert "pw-db-7f3k9q2m" not in result.stdout.str()
    assert "[HIGH]" in result.stdout.str()


def test_a_health_route_under_api_is_discovered(pytester: pytest.Pytester, run_launchready: Any,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    result, outcomes = _run(pytester, run_launchready, monkeypatch, "version", path="/api/v1/healthz")
    assert short_ids(outcomes, "failed") == [QUIET], result.stdout.str()
    assert "The health route GET /api/v1/healthz" in result.stdout.str()


def test_the_configured_health_route_wins(pytester: pytest.Pytester, run_launchready: Any,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A health route with a name discovery does not know, served and named in launchready_health_route."""
    result, outcomes = _run(pytester, run_launchready, monkeypatch, "version", path="/ops/alive",
                            ini="launchready_health_route = GET /ops/alive\n", checks="monitoring,auth")
    assert short_ids(outcomes, "failed") == [QUIET], result.stdout.str()
    assert skip_reasons(result)["GET /ops/alive"].startswith("BY DESIGN: public route")


def test_without_a_health_route_every_case_is_not_run_naming_the_setting(
        pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    result, outcomes = _run(pytester, run_launchready, monkeypatch, path="none", checks="monitoring,auth")
    reasons = skip_reasons(result, key=lambda nodeid: nodeid.removeprefix("launchready::"))
    assert sorted(r for r in reasons if r.startswith("test_monitoring")) == ALL, result.stdout.str()
    assert all("launchready_health_route" in reasons[r] for r in ALL), reasons
    result.stdout.fnmatch_lines(["*monitoring*NOT RUN*"])
