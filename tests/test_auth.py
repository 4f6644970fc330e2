"""auth on a cookie-session app: forged session cookies, and login redirects as denials."""

from __future__ import annotations

from pathlib import Path

import pytest

APPS = Path(__file__).parent / "apps"
RUN = ("--launchready", "--launchready-checks=auth")

COOKIE_CONFTEST = '''
import pytest
from pytest_launchready import Credentials

@pytest.fixture(scope="session")
def launchready_login(launchready_client):
    def login(tenant, role):
        response = launchready_client.post("/auth/login", json={"org": tenant, "role": role})
        return Credentials(cookies={"sid": response.cookies["sid"]})
    return login
'''


def make_project(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(myapp=(APPS / "auth_cookie.py").read_text())
    pytester.makeini("[pytest]\nlaunchready_app = myapp:app\nlaunchready_exclude_routes =\n    * /docs*\n    * /openapi.json\n    * /redoc\n")
    pytester.makeconftest(COOKIE_CONFTEST)


def test_cookie_app_is_green(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, run_launchready) -> None:
    monkeypatch.delenv("AUTH_FLAWS", raising=False)
    make_project(pytester)
    result, outcomes = run_launchready(*RUN, "--launchready-strict")
    assert outcomes.ids("passed") == ["launchready::test_auth[GET /notes]"]
    assert outcomes.ids("failed") == []


def test_a_forged_session_cookie_that_is_accepted_fails(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, run_launchready) -> None:
    monkeypatch.setenv("AUTH_FLAWS", "any-cookie")
    make_project(pytester)
    result, outcomes = run_launchready(*RUN)
    assert outcomes.ids("failed") == ["launchready::test_auth[GET /notes]"]
    result.stdout.fnmatch_lines(["*Sent GET /notes with a forged 'sid' cookie: the route answered it successfully*"])


def test_a_redirect_to_the_login_page_is_a_denial(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, run_launchready) -> None:
    monkeypatch.setenv("AUTH_FLAWS", "redirect-login")
    make_project(pytester)
    result, outcomes = run_launchready(*RUN, "--launchready-strict")
    assert outcomes.ids("passed") == ["launchready::test_auth[GET /notes]"]


def test_the_session_cookie_of_a_successful_login_is_judged(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, run_launchready) -> None:
    # The minimal login the headers check sends itself fails and sets no cookie; only the user's
    # launchready_login (through launchready_client) gets the session cookie.
    monkeypatch.setenv("AUTH_FLAWS", "script-readable-session")
    make_project(pytester)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=headers", "-k", "cookies")
    assert outcomes.ids("failed") == ["launchready::test_headers[cookies]"]
    result.stdout.fnmatch_lines(["*POST /auth/login: session cookie sid*lacks HttpOnly*"])
    monkeypatch.delenv("AUTH_FLAWS")
    result, outcomes = run_launchready("--launchready", "--launchready-checks=headers", "-k", "cookies")
    assert outcomes.ids("passed") == ["launchready::test_headers[cookies]"]
