"""roles as users meet it: routes restricted by x-launchready-roles or launchready_role_routes, exact
failing ids on vulnerable apps, all green on secure ones, and honest NOT RUN reasons."""

from __future__ import annotations

import re

import pytest

from pytest_launchready.routes import Route
from pytest_launchready.config.settings import Settings
from pytest_launchready.config.values import RoleRoute
from pytest_launchready.checks import Plan
from pytest_launchready.checks.roles import cases, required_role
from support.logins import INVITE_LOGIN, ORG_ROLE_LOGIN
from support.projects import isolation_project
from support.runs import run_cases, skip_reasons

ROLE_ROUTES = ["GET /admin/users", "PATCH /admin/users/{user_id}", "DELETE /admin/users/{user_id}", "POST /orgs/invites"]
ROLE_FLAWS = {
    "member-lists-users": "GET /admin/users",
    "admin-changes-roles": "PATCH /admin/users/{user_id}",
    "member-deletes-users": "DELETE /admin/users/{user_id}",
}


def test_secure_app_passes(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ISOLATION_FLAWS", raising=False)
    isolation_project(pytester, conftest=INVITE_LOGIN)
    result, outcome = run_cases(pytester, "--launchready-checks=roles", "-v")
    result.stdout.fnmatch_lines(["launchready::test_roles[[]DELETE /admin/users/{user_id}[]] PASSED*"])
    assert outcome == {"passed": sorted(ROLE_ROUTES), "failed": [], "skipped": []}  # unrestricted routes: no test
    result.stdout.fnmatch_lines(["roles*PASS*4/4 routes*"])


def test_vulnerable_app_fails_exactly_the_unguarded_operations(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISOLATION_FLAWS", ",".join(ROLE_FLAWS))
    isolation_project(pytester, conftest=INVITE_LOGIN)
    result, outcome = run_cases(pytester, "--launchready-checks=roles")
    assert outcome["failed"] == sorted(ROLE_FLAWS.values())
    assert outcome["passed"] == ["POST /orgs/invites"]
    out = result.stdout.str()
    # The delete: a member of the tenant removed a user made for the test; the owner's re-read shows it.
    assert re.search(r"Sent DELETE /admin/users/u_\w+ as a member of the tenant \(lr-[\w-]+\); the operation is reserved "
                     r"for admin and higher\.", out)
    assert re.search(r"re-reading GET /admin/users as the owner shows the effect: its content changed \(the list had \d "
                     r"items, now \d\)", out)
    # The role change: the admin made the victim an owner.
    assert re.search(r"as an admin of the tenant.*\n(.*\n)*.*its content changed \(\[\d\]\.role: \"member\" -> \"owner\"\)", out)
    # The read: what only admins see reached a member.
    assert re.search(r"the member was allowed and read what only admin and higher may see: the response carries id u_\w+, "
                     r"which the owner's own answer shows", out)
    assert "Fix: Enforce the role on the server" in out and "Docs: docs/checks/roles.md" in out
    assert not re.search(r"Bearer (?!\[REDACTED\])[A-Za-z0-9_-]{8,}", out)


def test_a_write_done_before_the_role_check_fails_although_refused(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISOLATION_FLAWS", "delete-then-forbid")
    isolation_project(pytester, conftest=INVITE_LOGIN)
    result, outcome = run_cases(pytester, "--launchready-checks=roles")
    assert outcome["failed"] == ["DELETE /admin/users/{user_id}"]
    assert re.search(r"the member was refused \(403\), yet re-reading GET /admin/users as the owner shows the effect", result.stdout.str())


def test_role_routes_setting_on_a_flask_app(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """launchready_role_routes declares the restriction; an entry matching no route is NOT RUN, not dropped."""
    monkeypatch.setenv("ISOLATION_FLAWS", "member-deletes-notes")
    isolation_project(pytester, app="isolation_flask", conftest=ORG_ROLE_LOGIN, public="POST /auth/login",
                      extra_ini="launchready_role_routes =\n    admin: DELETE /notes/{note_id}\n    owner: POST /billing")
    result, outcome = run_cases(pytester, "--launchready-checks=roles")
    assert outcome["failed"] == ["DELETE /notes/{note_id}"]
    assert skip_reasons(result)["POST /billing"] == "NOT RUN: no discovered route matches this launchready_role_routes entry"
    assert re.search(r"re-reading GET /notes/\d+ as the owner shows the effect: it now answers 404", result.stdout.str())
    monkeypatch.delenv("ISOLATION_FLAWS")
    _, secure = run_cases(pytester, "--launchready-checks=roles", "-k", "notes")
    assert secure == {"passed": ["DELETE /notes/{note_id}"], "failed": [], "skipped": []}


def test_without_login_is_a_usage_error(pytester: pytest.Pytester) -> None:
    isolation_project(pytester, conftest="")
    result = pytester.runpytest_inprocess("--launchready", "--launchready-checks=roles", "-p", "no:cacheprovider")
    assert result.ret == 4
    result.stderr.fnmatch_lines(["*the checks roles need tenants, and launchready_login is not defined*"])


def test_cases_follow_settings_then_spec() -> None:
    settings = Settings(role_routes=(RoleRoute("owner", "* /billing"),))
    routes = (
        Route("GET", "/billing"),
        Route("DELETE", "/users/{user_id}", roles=("admin", "owner")),  # the lowest listed is the minimum
        Route("POST", "/members", roles=("member",)),  # already the lowest role: nothing below to try
        Route("GET", "/stats", roles=("superuser",)),  # not a role of launchready_roles
        Route("GET", "/me"),
    )
    assert required_role(routes[0], settings) == "owner"
    assert required_role(routes[1], settings) == "admin"
    found = {c.id: c for c in cases(Plan(settings, routes))}
    assert sorted(found) == ["DELETE /users/{user_id}", "GET /billing", "GET /stats", "POST /members"]
    assert found["GET /billing"].get("role") == "owner" and found["GET /billing"].not_run is None
    assert found["POST /members"].not_run == "member is the lowest role in launchready_roles: no lower role to try"
    assert "names no role of launchready_roles" in str(found["GET /stats"].not_run)
