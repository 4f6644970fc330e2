"""tenant_isolation on account writes addressed by username (tests/apps/user_accounts.py, the shape of
deliberately vulnerable training APIs), signed in by the built-in login:

- a password change on another user answers 204 and changes nothing any GET shows: only logging in
  as the victim with the password the attacker chose proves it;
- an email change that only ever changes the caller's own account, read back through a list of every
  user: the attacker's own row now holding the victim's email is not the victim's object changed.
"""

from __future__ import annotations

from typing import Any

import pytest

from support.logins import USER_ACCOUNTS_LOGIN
from support.projects import make_project
from support.runs import short_ids

INI = """launchready_roles = user
launchready_public_routes =
    POST /users/register
    POST /users/login
launchready_signup_route = POST /users/register
launchready_login_route = POST /users/login
launchready_exclude_routes =
    * /docs
    * /docs/oauth2-redirect
    * /redoc
    * /openapi.json
"""
PASSWORD, EMAIL = "test_tenant_isolation[PUT /users/{username}/password]", "test_tenant_isolation[PUT /users/{username}/email]"


@pytest.mark.parametrize(("flaws", "failed"), [
    ("", []),
    ("password-any", [PASSWORD]),
    ("email-any", [EMAIL]),  # read back through the list of every user, where the attacker's own row is too
], ids=["secure", "password-any", "email-any"])
def test_a_password_set_on_another_user_is_proven_by_logging_in(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch, flaws: str, failed: list[str],
) -> None:
    monkeypatch.setenv("UA_FLAWS", flaws)
    make_project(pytester, "user_accounts", INI)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=tenant_isolation", "-k", "PUT", "-rA")
    assert short_ids(outcomes, "failed") == failed, result.stdout.str()
    assert sorted(short_ids(outcomes, "passed") + failed) == sorted([EMAIL, PASSWORD]), result.stdout.str()
    if flaws == "password-any":
        result.stdout.fnmatch_lines([
            "*Sent PUT /users/*-a-*/password as tenant B*",
            "*succeeded (204) and tenant A's user (username=*-a-*) then logged in with the password it set: tenant B "
            "changed tenant A's password*",
            "*Fix: Change a password only for the signed-in user*",
        ])
    assert "was not verified" not in result.stdout.str()


def test_a_password_write_that_cannot_be_tried_says_so(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The login route is excluded, so the user's own launchready_login signs in: nothing can try the
    password tenant B set, and a GET shows no change. The test passes (nothing was proven) and says so."""
    monkeypatch.setenv("UA_FLAWS", "password-any")
    ini = (INI.replace("launchready_signup_route = POST /users/register\nlaunchready_login_route = POST /users/login\n", "")
           + "    POST /users/login\n")
    make_project(pytester, "user_accounts", ini, USER_ACCOUNTS_LOGIN)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=tenant_isolation", "-k", "password", "-rA")
    assert short_ids(outcomes, "passed") == [PASSWORD], result.stdout.str()
    result.stdout.fnmatch_lines(["*PUT /users/{username}/password: tenant B's request set a password on tenant A's user and "
                                 "answered 2xx, but no login route could tell*not verified*"])


def test_a_login_that_takes_any_password_proves_no_takeover(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The login signs an existing user in whatever the password: logging in as tenant A with the
    password B set proves nothing (a wrong one works too), so the write is a warning, not a takeover."""
    monkeypatch.setenv("UA_FLAWS", "any-password")
    make_project(pytester, "user_accounts", INI)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=tenant_isolation", "-k", "password", "-rA")
    assert short_ids(outcomes, "passed") == [PASSWORD], result.stdout.str()
    result.stdout.fnmatch_lines(["*it also signed in with a wrong password: whether B can take over*not verified*"])
