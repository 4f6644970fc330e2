"""The audit check on tests/apps/audit_fastapi.py: each unlogged action fails its own case, an entry without a
client IP fails naming the field, renamed fields pass once launchready_audit_fields maps them, the secure app
passes every case, and without the fixtures the cases are NOT RUN naming them."""

from __future__ import annotations

from typing import Any

import pytest

from support.logins import INVITE_LOGIN
from support.projects import make_project
from support.runs import short_ids, skip_reasons

FIXTURES = '''

@pytest.fixture(scope="session")
def launchready_audit_log():
    return lambda tenant: tenant.client.get("/audit").json()


@pytest.fixture(scope="session")
def launchready_set_role(launchready_client, launchready_login):
    def set_role(tenant, credentials, role):
        me = launchready_client.get("/me", auth=credentials).json()
        owner = launchready_login(tenant, "owner")  # a new owner of that tenant, as the app's own owner would do it
        launchready_client.patch(f"/members/{me['id']}", json={"role": role}, auth=owner).raise_for_status()
    return set_role
'''
ALL = ["test_audit[denied cross-tenant]", "test_audit[login]", "test_audit[role change]", "test_audit[write]"]


def _run(pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch, flaws: str = "",
         conftest: str = INVITE_LOGIN + FIXTURES, ini: str = "") -> Any:
    monkeypatch.setenv("AUDIT_FLAWS", flaws)
    make_project(pytester, "audit_fastapi", "launchready_exclude_routes =\n    * /docs*\n    * /openapi.json\n    * /redoc\n"
                 + ini, conftest)
    return run_launchready("--launchready", "--launchready-checks=audit", "-rs")


@pytest.mark.parametrize(("flaw", "case"), [
    ("no-login-entry", "test_audit[login]"),
    ("no-write-entry", "test_audit[write]"),
    ("no-role-entry", "test_audit[role change]"),
    ("no-denied-entry", "test_audit[denied cross-tenant]"),
])
def test_each_unlogged_action_fails_its_own_case(pytester: pytest.Pytester, run_launchready: Any,
                                                 monkeypatch: pytest.MonkeyPatch, flaw: str, case: str) -> None:
    result, outcomes = _run(pytester, run_launchready, monkeypatch, flaw)
    text = result.stdout.str()
    assert short_ids(outcomes, "failed") == [case], text
    assert short_ids(outcomes, "passed") == sorted(set(ALL) - {case}), text
    assert "held no entry about it" in text, text


def test_entries_without_a_client_ip_fail_every_case_naming_the_field(
        pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    result, outcomes = _run(pytester, run_launchready, monkeypatch, "no-ip")
    assert short_ids(outcomes, "failed") == ALL, result.stdout.str()
    result.stdout.fnmatch_lines(["*the audit entry for it lacks ip*Missing: ip (looked for ip, clientip, remoteaddr*"])


def test_the_secure_app_passes_every_case(pytester: pytest.Pytester, run_launchready: Any,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    result, outcomes = _run(pytester, run_launchready, monkeypatch)
    assert short_ids(outcomes, "passed") == ALL, result.stdout.str()
    result.stdout.fnmatch_lines(["*audit*PASS*"])


def test_renamed_fields_fail_until_audit_fields_maps_them(pytester: pytest.Pytester, run_launchready: Any,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    result, outcomes = _run(pytester, run_launchready, monkeypatch, "renamed")
    assert short_ids(outcomes, "failed") == ALL, result.stdout.str()
    assert "launchready_audit_fields" in result.stdout.str()
    mapping = "launchready_audit_fields =\n    user: who\n    org: tenant_ref\n    time: logged\n    ip: peer\n    action: what\n"
    result, outcomes = _run(pytester, run_launchready, monkeypatch, "renamed", ini=mapping)
    assert short_ids(outcomes, "passed") == ALL, result.stdout.str()


def test_a_bad_audit_fields_line_is_a_usage_error(pytester: pytest.Pytester, run_launchready: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    result, _ = _run(pytester, run_launchready, monkeypatch, ini="launchready_audit_fields =\n    actor: who\n")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*launchready_audit_fields*actor: who*field one of user, org, time, ip, action*"])


def test_without_set_role_the_role_case_is_not_run_naming_it(pytester: pytest.Pytester, run_launchready: Any,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    conftest = INVITE_LOGIN + FIXTURES.split("@pytest.fixture(scope=\"session\")\ndef launchready_set_role")[0]
    result, outcomes = _run(pytester, run_launchready, monkeypatch, conftest=conftest)
    assert short_ids(outcomes, "passed") == sorted(set(ALL) - {"test_audit[role change]"}), result.stdout.str()
    assert "launchready_set_role" in skip_reasons(result)["role change"]


def test_without_the_audit_log_fixture_every_case_is_not_run_naming_it(
        pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    result, outcomes = _run(pytester, run_launchready, monkeypatch, "no-login-entry", conftest=INVITE_LOGIN)
    reasons = skip_reasons(result, key=lambda nodeid: nodeid.removeprefix("launchready::"))
    assert sorted(reasons) == ALL and short_ids(outcomes, "failed") == [], result.stdout.str()
    assert all("launchready_audit_log" in r for r in reasons.values()), reasons
    result.stdout.fnmatch_lines(["*audit*NOT RUN*"])
