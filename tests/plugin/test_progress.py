"""Checks that take seconds say how far they got, and the run header says how many tests each check
generated: a long burst or key guess never looks like a hung run. Nothing extra with -q."""

from __future__ import annotations

import pytest

from support.projects import demo_project

#: The two bursts and the weak-key guess of the demo: the checks that take seconds.
ARGS = ("--launchready", "--launchready-checks=tokens,rate_limits", "-k", "rate_limits or weak", "-p", "no:cacheprovider")


def test_bursts_and_the_key_guess_show_progress_and_the_header_counts_tests(pytester: pytest.Pytester) -> None:
    demo_project(pytester)
    result = pytester.runpytest_inprocess(*ARGS)
    assert result.ret == 1  # the demo's login is not throttled
    result.stdout.fnmatch_lines([
        "collected 14 items / 11 deselected / 3 selected",
        "launchready: 14 generated tests: tokens 12, rate_limits 2",
    ])
    result.stdout.fnmatch_lines([
        "  test_tokens[[]weak secret[]]: 0/*candidate keys, * s",
        "  test_tokens[[]weak secret[]]: 1??,???/1??,??? candidate keys in * s, none signs the token",
    ])
    result.stdout.fnmatch_lines([
        "  test_rate_limits[[]POST /auth/login[]]: 0/50 requests, 0.0 s",
        "  test_rate_limits[[]POST /auth/login[]]: 50/50 requests in * s, no 429",
    ])
    result.stdout.fnmatch_lines(["  test_rate_limits[[]POST /chat[]]: */50 requests in * s, answered 429"])


def test_quiet_runs_show_neither(pytester: pytest.Pytester) -> None:
    demo_project(pytester)
    result = pytester.runpytest_inprocess(*ARGS, "-q")
    assert result.ret == 1
    output = result.stdout.str()
    assert "requests in" not in output and "candidate keys" not in output and "generated tests" not in output


def test_under_xdist_the_header_itself_counts_the_tests(pytester: pytest.Pytester) -> None:
    """The xdist controller plans before its workers start (to fail closed once), so the header has the counts."""
    demo_project(pytester)
    result = pytester.runpytest_subprocess("--launchready", "--launchready-checks=tokens,rate_limits", "-n", "2",
                                           "-p", "no:cacheprovider", "-k", "alg")
    result.stdout.fnmatch_lines([
        "launchready: target demoapp:app (in-process, from ini launchready_app); checks tokens, rate_limits (--launchready-checks)",
        "launchready: 14 generated tests: tokens 12, rate_limits 2",
        "created: 2/2 workers",
    ])
    assert result.stdout.str().count("generated tests") == 1


def test_the_load_run_shows_its_users_and_figures_so_far(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    from support.logins import ORG_ROLE_LOGIN
    from support.projects import make_project

    monkeypatch.setenv("LOAD_FLAWS", "")
    make_project(pytester, "load_fastapi", "launchready_public_routes =\n    POST /auth/login\n"
                 "launchready_load = true\nlaunchready_load_users = 3\nlaunchready_load_duration = 2\n", ORG_ROLE_LOGIN)
    result = pytester.runpytest_inprocess("--launchready", "--launchready-checks=load", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["load: 3 users, * req/s, p95 * ms so far"])
