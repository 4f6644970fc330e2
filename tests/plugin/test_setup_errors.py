"""A broken login or seed is an ERROR at set-up with one clear message, and the scorecard row reads
``ERROR (set-up)``: never a security FAIL, never a PASS, and an errored route is not counted as tested."""

from __future__ import annotations

import pytest

from support.logins import INVITE_LOGIN
from support.projects import isolation_project

#: Credentials the isolation app never issued: it answers 401 to every private request they make.
REFUSED_LOGIN = '''
import pytest
from pytest_launchready import Credentials

@pytest.fixture(scope="session")
def launchready_login():
    def login(tenant, role):
        return Credentials(headers={"Authorization": f"Bearer made-up-{tenant}-{role}"})
    return login
'''

RAISING_SEED = INVITE_LOGIN + '''

@pytest.fixture(scope="session")
def launchready_seed():
    def seed(tenant):
        raise KeyError("conversation_id")
    return seed
'''

CHECKS = "--launchready-checks=tenant_isolation,roles"


def _row(output: str, check: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(f"{check} "))


def test_credentials_the_app_refuses_are_setup_errors(pytester: pytest.Pytester, run_launchready) -> None:
    isolation_project(pytester, conftest=REFUSED_LOGIN)
    result, outcomes = run_launchready("--launchready", CHECKS)
    assert outcomes.ids("failed") == [] and outcomes.ids("passed") == []
    assert len(outcomes.ids("error")) == 20  # every tenant_isolation and roles case that needs a tenant
    result.stdout.fnmatch_lines(["*set-up error (not a finding): the app refused the credentials "
                                 "launchready_login('lr-*-a', 'owner') returned: all * of seeding's requests answered 401*"])
    assert "made-up-" not in result.stdout.str()  # the refused token is still a secret
    out = result.stdout.str()
    assert _row(out, "tenant_isolation").split()[1:5] == ["ERROR", "(set-up)", "0/16", "routes"]
    assert _row(out, "roles").split()[1:5] == ["ERROR", "(set-up)", "0/4", "routes"]
    assert result.ret == 1


def test_a_raising_seed_is_a_setup_error_not_a_finding(pytester: pytest.Pytester, run_launchready) -> None:
    isolation_project(pytester, conftest=RAISING_SEED)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=tenant_isolation", "-k", "GET and not admin")
    assert outcomes.ids("failed") == [] and outcomes.ids("passed") == []
    assert outcomes.ids("error") == sorted(f"launchready::test_tenant_isolation[GET {path}]" for path in (
        "/conversations", "/conversations/{conversation_id}", "/conversations/{conversation_id}/messages",
        "/conversations/{conversation_id}/messages/{message_id}", "/documents", "/documents/{document_id}", "/me", "/search"))
    result.stdout.fnmatch_lines(["*set-up error (not a finding): launchready_seed('lr-*-a') raised KeyError: 'conversation_id'*"])
    assert _row(result.stdout.str(), "tenant_isolation").split()[1:3] == ["ERROR", "(set-up)"]
