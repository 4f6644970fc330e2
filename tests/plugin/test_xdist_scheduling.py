"""Under ``-n 2`` each check's generated tests run on one worker (its per-process set-up happens once)."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from pytest_launchready.plugin.scheduling import check_scope
from support.projects import make_project

INI = "launchready_public_routes =\n    GET /health\nlaunchready_allowed_origins =\n    https://app.example.com\n"


def workers_by_check(stdout: str) -> dict[str, set[str]]:
    """check -> the xdist workers that ran its tests, from ``-v`` lines such as ``[gw1] PASSED launchready::test_cors[...]``."""
    seen: dict[str, set[str]] = defaultdict(set)
    for worker, check in re.findall(r"^\[(gw\d+)\].*launchready::test_([a-z_]+)\[", stdout, re.MULTILINE):
        seen[check].add(worker)
    return dict(seen)


def test_generated_tests_are_grouped_by_check_and_user_tests_stay_alone() -> None:
    assert check_scope("launchready::test_cors[GET /items]") == "launchready:cors"
    assert check_scope("launchready::test_tenant_isolation[GET /a/{id}]") == "launchready:tenant_isolation"
    assert check_scope("tests/test_mine.py::test_cors[GET /items]") == "tests/test_mine.py::test_cors[GET /items]"


def test_each_checks_tests_run_on_one_worker_and_the_checks_spread(pytester: pytest.Pytester,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_FLAW", "")
    make_project(pytester, "cors_fastapi", INI)
    result = pytester.runpytest_subprocess("--launchready", "--launchready-checks=cors,headers", "-n", "2", "-v",
                                           "-p", "no:cacheprovider")
    text = result.stdout.str()
    seen = workers_by_check(text)
    assert set(seen) == {"cors", "headers"}, text
    assert all(len(workers) == 1 for workers in seen.values()), seen
    assert seen["cors"] != seen["headers"], seen  # two checks, two workers: they still run side by side


@pytest.mark.parametrize("dist", [["--dist", "each"], ["--dist=load"]], ids=["each", "load written"])
def test_a_dist_mode_the_user_wrote_wins(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, dist: list[str]) -> None:
    monkeypatch.setenv("CORS_FLAW", "")
    make_project(pytester, "cors_fastapi", INI)
    result = pytester.runpytest_subprocess("--launchready", "--launchready-checks=cors", "-n", "2", *dist,
                                           "-v", "-p", "no:cacheprovider")
    # each: every worker runs every test; load written: xdist's own spread, test by test
    assert workers_by_check(result.stdout.str())["cors"] == {"gw0", "gw1"}, result.stdout.str()


def test_checks_are_dealt_longest_first_with_secrets_and_rate_limits_last() -> None:
    from pytest_launchready.plugin.scheduling import deal_order

    scopes = {"launchready:auth": 26, "launchready:secrets": 5, "launchready:validation": 22,
              "launchready:rate_limits": 2, "launchready:headers": 16, "tests/test_mine.py::test_x": 1}
    typical = deal_order(scopes, {})
    assert typical[:2] == ["launchready:validation", "launchready:auth"]
    assert typical[-2:] == ["launchready:secrets", "launchready:rate_limits"]
    measured = deal_order(scopes, {"launchready:headers": 9.0, "launchready:secrets": 99.0})
    assert measured[0] == "launchready:headers" and measured[-2:] == typical[-2:]
