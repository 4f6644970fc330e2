"""Collection as users meet it: nothing without --launchready (or the ini switch), ids sorted and pinned by
--collect-only, markers that select checks, --lf rerunning one route, the spec read from the in-process app,
and an import that costs nothing."""

from __future__ import annotations

import subprocess
import sys

import pytest

from support.projects import frame_project

AUTH_ONLY = "--launchready-checks=auth"

# Sorted by path, then method: the order every run and every xdist worker collects.
FASTAPI_IDS = [
    "launchready::test_auth[POST /auth/login]",
    "launchready::test_auth[GET /crash]",
    "launchready::test_auth[GET /docs]",
    "launchready::test_auth[GET /docs/oauth2-redirect]",
    "launchready::test_auth[GET /health]",
    "launchready::test_auth[GET /items]",
    "launchready::test_auth[GET /items/{item_id}]",
    "launchready::test_auth[GET /openapi.json]",
    "launchready::test_auth[GET /redoc]",
]


def test_not_enabled_generates_nothing(pytester: pytest.Pytester) -> None:
    frame_project(pytester)
    pytester.makepyfile(test_user="def test_mine():\n    pass\n")
    result = pytester.runpytest_inprocess("--collect-only", "-q", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["test_user.py::test_mine", "1 test collected*"])
    assert "launchready::" not in result.stdout.str()


def test_importing_the_plugin_is_cheap() -> None:
    code = (
        "import sys, pytest_launchready, pytest_launchready.plugin\n"
        "heavy = [m for m in ('httpx', 'hypothesis', 'locust', 'dns', 'jwt', 'fastapi', 'anyio') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_collect_only_pins_sorted_ids(pytester: pytest.Pytester) -> None:
    frame_project(pytester)
    result = pytester.runpytest_inprocess("--launchready", AUTH_ONLY, "--collect-only", "-q", "-p", "no:cacheprovider")
    collected = [line for line in result.stdout.lines if line.startswith("launchready::")]
    assert collected == FASTAPI_IDS
    assert result.ret == 0


def test_ini_switch_enables_too(pytester: pytest.Pytester) -> None:
    frame_project(pytester, extra_ini="launchready = true")
    result = pytester.runpytest_inprocess(AUTH_ONLY, "--collect-only", "-q", "-p", "no:cacheprovider")
    assert sum(line.startswith("launchready::test_auth[") for line in result.stdout.lines) == len(FASTAPI_IDS)


def test_markers_select_checks(pytester: pytest.Pytester) -> None:
    frame_project(pytester)
    result = pytester.runpytest_inprocess("--launchready", "-m", "launchready_auth and not launchready_mail", "--collect-only", "-q")
    assert sum(line.startswith("launchready::") for line in result.stdout.lines) == len(FASTAPI_IDS)


def test_spec_url_path_is_read_from_the_in_process_app(pytester: pytest.Pytester, run_launchready) -> None:
    frame_project(pytester, extra_ini="launchready_openapi = /openapi.json")
    result, outcomes = run_launchready("--launchready", AUTH_ONLY)
    assert len(outcomes.ids("passed")) == 3
    result.stdout.fnmatch_lines(["routes: 9 (6 public) from *"])


def test_last_failed_reruns_only_the_failed_route(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAME_FLAWS", "open-items")
    frame_project(pytester)
    first = pytester.runpytest_inprocess("--launchready", AUTH_ONLY)
    first.assert_outcomes(failed=1, passed=2, skipped=6)
    again = pytester.runpytest_inprocess("--launchready", AUTH_ONLY, "--lf", "-v")
    again.assert_outcomes(failed=1)
    again.stdout.fnmatch_lines(["*test_auth?GET /items? FAILED*"])
