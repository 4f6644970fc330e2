"""auth on a cookie-session app: forged session cookies, and login redirects as denials."""

from __future__ import annotations

import pytest

from support.logins import COOKIE_ORG_ROLE_LOGIN
from support.projects import make_project

RUN = ("--launchready", "--launchready-checks=auth")


def make_cookie_project(pytester: pytest.Pytester) -> None:
    make_project(pytester, "auth_cookie", "launchready_exclude_routes =\n    * /docs*\n    * /openapi.json\n    * /redoc\n",
                 COOKIE_ORG_ROLE_LOGIN)


def test_cookie_app_is_green(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, run_launchready) -> None:
    monkeypatch.delenv("AUTH_FLAWS", raising=False)
    make_cookie_project(pytester)
    result, outcomes = run_launchready(*RUN, "--launchready-strict")
    assert outcomes.ids("passed") == ["launchready::test_auth[GET /notes]"]
    assert outcomes.ids("failed") == []


def test_a_forged_session_cookie_that_is_accepted_fails(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, run_launchready) -> None:
    monkeypatch.setenv("AUTH_FLAWS", "any-cookie")
    make_cookie_project(pytester)
    result, outcomes = run_launchready(*RUN)
    assert outcomes.ids("failed") == ["launchready::test_auth[GET /notes]"]
    result.stdout.fnmatch_lines(["*Sent GET /notes with a forged 'sid' cookie: the route answered it successfully*"])


def test_a_redirect_to_the_login_page_is_a_denial(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, run_launchready) -> None:
    monkeypatch.setenv("AUTH_FLAWS", "redirect-login")
    make_cookie_project(pytester)
    result, outcomes = run_launchready(*RUN, "--launchready-strict")
    assert outcomes.ids("passed") == ["launchready::test_auth[GET /notes]"]


def test_the_session_cookie_of_a_successful_login_is_judged(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, run_launchready) -> None:
    # The minimal login the headers check sends itself fails and sets no cookie; only the user's
    # launchready_login (through launchready_client) gets the session cookie.
    monkeypatch.setenv("AUTH_FLAWS", "script-readable-session")
    make_cookie_project(pytester)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=headers", "-k", "cookies")
    assert outcomes.ids("failed") == ["launchready::test_headers[cookies]"]
    result.stdout.fnmatch_lines(["*POST /auth/login: session cookie sid*lacks HttpOnly*"])
    monkeypatch.delenv("AUTH_FLAWS")
    result, outcomes = run_launchready("--launchready", "--launchready-checks=headers", "-k", "cookies")
    assert outcomes.ids("passed") == ["launchready::test_headers[cookies]"]
