"""The sessions check on tests/apps/invites_fastapi.py: each invite flaw fails its own case, the secure app passes
every case, and without invites (or without launchready_mint_invite) the cases are NOT RUN naming what enables them."""

from __future__ import annotations

from typing import Any

import pytest

from support.logins import INVITE_LOGIN
from support.projects import make_project
from support.runs import short_ids, skip_reasons

MINT = '''

@pytest.fixture(scope="session")
def launchready_mint_invite():
    import myapp
    return lambda tenant, role, expires_at: myapp.mint(tenant.name, role, expires_at)
'''
ALL = ["test_sessions[expired invite]", "test_sessions[invite accepted twice]", "test_sessions[invite into another tenant]"]


def _run(pytester: pytest.Pytester, run_launchready: Any, conftest: str = INVITE_LOGIN + MINT, ini: str = "") -> Any:
    make_project(pytester, "invites_fastapi", ini, conftest)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=sessions", "-rs")
    return result, outcomes


@pytest.mark.parametrize(("flaw", "case"), [
    ("reusable", "test_sessions[invite accepted twice]"),
    ("joins-session", "test_sessions[invite into another tenant]"),
    ("expired-accepted", "test_sessions[expired invite]"),
])
def test_each_invite_flaw_fails_its_own_case(pytester: pytest.Pytester, run_launchready: Any,
                                             monkeypatch: pytest.MonkeyPatch, flaw: str, case: str) -> None:
    monkeypatch.setenv("INVITE_FLAWS", flaw)
    result, outcomes = _run(pytester, run_launchready)
    text = result.stdout.str()
    assert short_ids(outcomes, "failed") == [case], text
    assert short_ids(outcomes, "passed") == sorted(set(ALL) - {case}), text
    assert "[HIGH]" in text, text


def test_the_secure_app_passes_every_case(pytester: pytest.Pytester, run_launchready: Any,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INVITE_FLAWS", raising=False)
    result, outcomes = _run(pytester, run_launchready)
    assert short_ids(outcomes, "passed") == ALL, result.stdout.str()
    result.stdout.fnmatch_lines(["*sessions*PASS*"])


def test_the_reused_invite_message_proves_the_takeover_and_hides_the_token(
        pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INVITE_FLAWS", "reusable")
    result, _ = _run(pytester, run_launchready)
    result.stdout.fnmatch_lines(["*the invitee then logged in with the password this second accept chose*"])
    assert '"invite_token": "[REDACTED]"' in result.stdout.str() or "invite_token" not in result.stdout.str()


def test_without_mint_invite_the_expired_case_is_not_run_naming_it(pytester: pytest.Pytester, run_launchready: Any,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INVITE_FLAWS", "expired-accepted")
    result, outcomes = _run(pytester, run_launchready, conftest=INVITE_LOGIN)
    assert short_ids(outcomes, "failed") == [], result.stdout.str()
    reason = skip_reasons(result, key=lambda nodeid: nodeid.removeprefix("launchready::"))["test_sessions[expired invite]"]
    assert "launchready_mint_invite" in reason, reason


def test_without_invites_every_case_is_not_run_naming_the_fixtures(pytester: pytest.Pytester, run_launchready: Any,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INVITE_FLAWS", "reusable,joins-session,expired-accepted")
    ini = "launchready_exclude_routes =\n    POST /orgs/invites\n    POST /auth/accept-invite\n"
    result, outcomes = _run(pytester, run_launchready, ini=ini)
    reasons = skip_reasons(result, key=lambda nodeid: nodeid.removeprefix("launchready::"))
    assert sorted(reasons) == ALL, result.stdout.str()
    assert all("launchready_invite" in r and "launchready_accept_invite" in r for r in reasons.values()), reasons


def test_invite_fixtures_stand_in_for_the_routes(pytester: pytest.Pytester, run_launchready: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """launchready_invite(tenant: Tenant, role) and launchready_accept_invite(token, credentials=None)."""
    monkeypatch.setenv("INVITE_FLAWS", "joins-session")
    fixtures = MINT + '''

@pytest.fixture(scope="session")
def launchready_invite(launchready_client):
    def invite(tenant, role):
        answer = tenant.client.post("/orgs/invites", json={"email": f"fx-{role}-{id(tenant)}@{tenant.name}.example.com", "role": role})
        answer.raise_for_status()
        return "https://app.example/join?token=" + answer.json()["invite_token"]
    return invite


@pytest.fixture(scope="session")
def launchready_accept_invite(launchready_client):
    def accept(token, credentials=None):
        return launchready_client.post("/auth/accept-invite", json={"invite_token": token, "password": PASSWORD},
                                       **({"auth": credentials} if credentials else {}))
    return accept
'''
    ini = "launchready_exclude_routes =\n    POST /orgs/invites\n    POST /auth/accept-invite\n"
    result, outcomes = _run(pytester, run_launchready, conftest=INVITE_LOGIN + fixtures, ini=ini)
    text = result.stdout.str()
    assert short_ids(outcomes, "failed") == ["test_sessions[invite into another tenant]"], text
    assert "test_sessions[expired invite]" in short_ids(outcomes, "passed"), text
