"""tenant_isolation and roles against a Flask API with the shapes of issue 16 (tests/apps/flask_shapes.py):
``{"data": ...}`` envelopes and ``{"items": [...], "count": n}`` lists, objects addressed by email and
by slug, a body field naming the caller, a collection route with a trailing slash whose create answers
the id only in ``Location``, and a global superuser (``launchready_tenant_role = user``). The secure
twin is all green with its object routes tested; each flaw fails exactly its own tests.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from support.logins import FLASK_SHAPES_LOGIN
from support.projects import make_project
from support.runs import short_ids

CHECKS = "--launchready-checks=tenant_isolation,roles"
#: No launchready_public_routes: the spec marks sign-up, login and itself ``security: []``.
INI = """launchready_openapi = /openapi.json
launchready_roles =
    superuser
    user
launchready_tenant_role = user
launchready_role_routes =
    superuser: GET /api/admin/members
    superuser: GET /api/admin/projects
    superuser: DELETE /api/admin/spaces/{slug}
    superuser: DELETE /api/members/{email}
"""

#: check -> its tests on routes that address an object: by {email}, {slug} or an id in the path, or by
#: a body field naming the caller (PUT /api/preferences {"data": {"username", ...}}).
OBJECT_ROUTE_TESTS = {
    "tenant_isolation": [
        "test_tenant_isolation[GET /api/members/{email}/profile]",
        "test_tenant_isolation[PUT /api/members/{email}/profile]",
        "test_tenant_isolation[GET /api/members/{user_email}/activity]",
        "test_tenant_isolation[PUT /api/preferences]",
        "test_tenant_isolation[GET /api/projects/{project_id}]",
        "test_tenant_isolation[PUT /api/projects/{project_id}]",
        "test_tenant_isolation[DELETE /api/projects/{project_id}]",
        "test_tenant_isolation[GET /api/spaces/{slug}]",
        "test_tenant_isolation[PUT /api/spaces/{slug}]",
        "test_tenant_isolation[DELETE /api/spaces/{slug}]",
        "test_tenant_isolation[GET /api/tasks/{task_id}]",
    ],
    "roles": [
        "test_roles[DELETE /api/admin/spaces/{slug}]",
        "test_roles[DELETE /api/members/{email}]",
    ],
}

#: flaw -> the tests it must fail, and only those.
FLAWS = {
    "project-any": ["test_tenant_isolation[GET /api/projects/{project_id}]"],
    "project-write-any": ["test_tenant_isolation[DELETE /api/projects/{project_id}]",
                          "test_tenant_isolation[PUT /api/projects/{project_id}]"],
    # POST /api/tasks/ answers {"data": {"status": "created"}}: the id is in the absolute Location only.
    "task-any": ["test_tenant_isolation[GET /api/tasks/{task_id}]"],
    "space-any": ["test_tenant_isolation[DELETE /api/spaces/{slug}]", "test_tenant_isolation[GET /api/spaces/{slug}]",
                  "test_tenant_isolation[PUT /api/spaces/{slug}]"],
    "spaces-list-leak": ["test_tenant_isolation[GET /api/spaces]"],
    "profile-any": ["test_tenant_isolation[GET /api/members/{email}/profile]",
                    "test_tenant_isolation[PUT /api/members/{email}/profile]"],
    # {user_email}: the caller's email from GET /api/me, by the name a body field holding it would have.
    "activity-any": ["test_tenant_isolation[GET /api/members/{user_email}/activity]"],
    "preferences-by-body": ["test_tenant_isolation[PUT /api/preferences]"],
    "admin-any": ["test_roles[GET /api/admin/members]", "test_roles[GET /api/admin/projects]"],
    "moderation-any": ["test_roles[DELETE /api/admin/spaces/{slug}]"],
    "member-delete-any": ["test_roles[DELETE /api/members/{email}]"],
}


def flask_project(pytester: pytest.Pytester) -> None:
    make_project(pytester, "flask_shapes", INI, FLASK_SHAPES_LOGIN)



def test_secure_flask_shapes_are_all_green_and_test_their_object_routes(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("FLASK_SHAPES_FLAWS", raising=False)
    flask_project(pytester)
    result, outcomes = run_launchready("--launchready", CHECKS, "--launchready-report=card.json")
    assert short_ids(outcomes, "failed") == [] and short_ids(outcomes, "error") == [], result.stdout.str()
    passed = set(short_ids(outcomes, "passed"))
    card = {row["check"]: row for row in json.loads(pytester.path.joinpath("card.json").read_text())["scorecard"]}
    for check, object_tests in OBJECT_ROUTE_TESTS.items():
        assert len(passed & set(object_tests)) >= 0.8 * len(object_tests), (check, sorted(set(object_tests) - passed))
        row = card[check]
        assert row["verdict"] == "PASS" and row["unit"] == "routes" and row["tested"] >= 0.8 * row["total"] > 0, row
    # Every object route is tested here, none NOT RUN: the shapes are all understood.
    assert set(OBJECT_ROUTE_TESTS["tenant_isolation"] + OBJECT_ROUTE_TESTS["roles"]) <= passed
    result.stdout.fnmatch_lines(["routes: 24 (3 public) from openapi 3.0 from /openapi.json + flask introspection*"])
    assert result.ret == 0


@pytest.mark.parametrize("flaw", sorted(FLAWS))
def test_each_flask_shapes_flaw_fails_exactly_its_own_tests(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch, flaw: str,
) -> None:
    monkeypatch.setenv("FLASK_SHAPES_FLAWS", flaw)
    flask_project(pytester)
    check = FLAWS[flaw][0].split("[")[0].removeprefix("test_")
    result, outcomes = run_launchready("--launchready", f"--launchready-checks={check}")
    assert short_ids(outcomes, "failed") == FLAWS[flaw], result.stdout.str()
    assert short_ids(outcomes, "error") == []


def test_under_xdist_the_same_flask_shapes_tests_fail(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    flaws = ["project-any", "profile-any", "preferences-by-body", "admin-any"]
    monkeypatch.setenv("FLASK_SHAPES_FLAWS", ",".join(flaws))
    flask_project(pytester)
    result = pytester.runpytest_subprocess("--launchready", CHECKS, "-n", "2", "--dist=load", "-p", "no:cacheprovider", "-rf")
    expected = sorted(test_id for flaw in flaws for test_id in FLAWS[flaw])
    failed = sorted(m.group(1) for line in result.stdout.lines
                    if (m := re.match(r"^FAILED launchready::(test_\w+\[.*?\])(?: - |$)", line)))
    assert failed == expected, result.stdout.str()
    assert result.parseoutcomes()["failed"] == len(expected) and "error" not in result.parseoutcomes()


def test_a_body_naming_the_caller_inside_the_envelope_is_told_with_the_field(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """PUT /api/preferences {"data": {"username", "theme"}}: B sends A's username inside the envelope."""
    monkeypatch.setenv("FLASK_SHAPES_FLAWS", "preferences-by-body")
    flask_project(pytester)
    result, _ = run_launchready("--launchready", "--launchready-checks=tenant_isolation", "-k", "preferences")
    result.stdout.fnmatch_lines(["*Sent PUT /api/preferences as tenant B (*), with tenant A's username=* in the body*",
                                 "*re-reading GET /api/preferences as tenant A shows the write: it now holds the attacker's canary*"])


def test_a_user_deleting_members_is_told_as_a_user_and_shown_by_the_superuser(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The victim is addressed by email; the superuser re-reads the member's profile and finds it gone."""
    monkeypatch.setenv("FLASK_SHAPES_FLAWS", "member-delete-any")
    flask_project(pytester)
    result, _ = run_launchready("--launchready", "--launchready-checks=roles", "-k", "members and DELETE")
    result.stdout.fnmatch_lines([
        "*Sent DELETE /api/members/*@*.example.com as a user of the tenant (lr-*); the operation is reserved for "
        "superuser and higher.",
        "*re-reading GET /api/members/*@*.example.com/profile as the superuser shows the effect: it now answers 404*",
    ])


#: FLASK_SHAPES_LOGIN naming each tenant's first user, the one the checks log in as, ``first-<n>@...``.
FIRST_MARKED_LOGIN = (FLASK_SHAPES_LOGIN
                      .replace("SERIAL = itertools.count(1)\n", "SERIAL = itertools.count(1)\nSEEN = set()\n")
                      .replace("        n = next(SERIAL)\n",
                               "        n = next(SERIAL)\n        label = role if tenant in SEEN else 'first'\n"
                               "        SEEN.add(tenant)\n")
                      .replace('f"{role}-{n}@', 'f"{label}-{n}@'))


def test_a_member_addressed_by_email_is_deleted_as_a_victim_of_its_own_never_the_login_in_use(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DELETE /api/members/{email}: roles makes a victim user for a user parameter; an email addresses it
    as well as an id would, so the throwaway tenant's own login is never the one deleted."""
    assert "label = role if tenant in SEEN" in FIRST_MARKED_LOGIN
    monkeypatch.setenv("FLASK_SHAPES_FLAWS", "member-delete-any")
    make_project(pytester, "flask_shapes", INI, FIRST_MARKED_LOGIN)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=roles", "-k", "members and DELETE")
    assert short_ids(outcomes, "failed") == ["test_roles[DELETE /api/members/{email}]"], result.stdout.str()
    result.stdout.fnmatch_lines(["*Sent DELETE /api/members/user-*@*.example.com as a user of the tenant*"])
    assert "Sent DELETE /api/members/first-" not in result.stdout.str()
