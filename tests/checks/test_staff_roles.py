"""Roles global to the app (``launchready_tenant_role``): a restaurant whose chefs and employees serve
every household (tests/apps/restaurant_staff.py). Tenants log in as customers, staff come from
``login("<run>-staff", role)``; the secure twin is all green with its object routes tested, and each
planted defect fails exactly its own test."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_launchready.config.settings import Settings
from pytest_launchready.routes import Route
from pytest_launchready.errors import SetupError
from pytest_launchready.redact import Redactor
from pytest_launchready.tenants import Credentials
from pytest_launchready.tenants.factory import TenantFactory
from support.logins import STAFF_LOGIN
from support.projects import make_project
from support.runs import short_ids

CHECKS = "--launchready-checks=roles,tenant_isolation"
ROLES = "launchready_roles =\n    chef\n    employee\n    customer\n"
INI = ROLES + """launchready_tenant_role = customer
launchready_public_routes =
    GET /health
    POST /auth/login
launchready_shared_routes =
    GET /menu
    GET /menu/{item_id}
launchready_role_routes =
    employee: GET /kitchen/orders
    employee: PUT /kitchen/orders/{order_id}/status
    chef: POST /menu
    chef: PATCH /menu/{item_id}
    chef: DELETE /menu/{item_id}
launchready_exclude_routes =
    * /docs
    * /docs/oauth2-redirect
    * /redoc
    * /openapi.json
"""

#: The routes that take an object id, each with the test that must have tested it.
OBJECT_ROUTE_TESTS = [
    "test_roles[PUT /kitchen/orders/{order_id}/status]",
    "test_roles[PATCH /menu/{item_id}]",
    "test_roles[DELETE /menu/{item_id}]",
    "test_tenant_isolation[GET /orders/{order_id}]",
    "test_tenant_isolation[PATCH /orders/{order_id}]",
    "test_tenant_isolation[DELETE /orders/{order_id}]",
]

#: What a QA test sees of the fixtures: A and B are customers, staff are global users.
QA_TEST = '''
import pytest


def test_tenants_are_customers_and_staff_is_global(tenant_a, tenant_b, tenant_role):
    assert (tenant_a.role, tenant_b.role) == ("customer", "customer")
    with pytest.raises(pytest.UsageError, match="chef is above launchready_tenant_role [(]customer[)]"):
        tenant_role("chef", tenant_a)  # a global role belongs to no tenant
    chef, employee = tenant_role("chef"), tenant_role("employee")
    assert chef.name == employee.name and chef.name.endswith("-staff") and chef.name not in (tenant_a.name, tenant_b.name)
    assert (chef.role, employee.role) == ("chef", "employee") and chef.credentials != employee.credentials
    member = tenant_role("customer", tenant_a)
    assert member.name == tenant_a.name and member.canary == tenant_a.canary
'''


def restaurant_project(pytester: pytest.Pytester, ini: str = INI) -> None:
    make_project(pytester, "restaurant_staff", ini, STAFF_LOGIN)



def test_secure_restaurant_is_all_green_and_tests_its_object_routes(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("RESTAURANT_FLAWS", raising=False)
    restaurant_project(pytester)
    result, outcomes = run_launchready("--launchready", CHECKS, "--launchready-report=card.json")
    assert short_ids(outcomes, "failed") == [] and short_ids(outcomes, "error") == [], result.stdout.str()
    assert set(OBJECT_ROUTE_TESTS) <= set(short_ids(outcomes, "passed"))
    assert {"test_roles[GET /kitchen/orders]", "test_roles[POST /menu]"} <= set(short_ids(outcomes, "passed"))
    card = {row["check"]: row for row in json.loads(pytester.path.joinpath("card.json").read_text())["scorecard"]}
    for check in ("roles", "tenant_isolation"):
        row = card[check]
        assert row["verdict"] == "PASS" and row["unit"] == "routes" and row["tested"] >= 0.8 * row["total"] > 0, row
    # Staff see every household by design: isolation leaves their routes to roles, and says so.
    result.stdout.fnmatch_lines(["tenant_isolation*PASS*by design: reserved for *, a role global to the app: roles tests it*"])
    assert result.ret == 0


#: defect -> the one test it must fail.
FLAWS = {
    "customer-sets-status": "test_roles[PUT /kitchen/orders/{order_id}/status]",
    "employee-deletes-menu": "test_roles[DELETE /menu/{item_id}]",
    "order-any": "test_tenant_isolation[GET /orders/{order_id}]",
}


@pytest.mark.parametrize("flaw", sorted(FLAWS))
def test_each_restaurant_defect_fails_exactly_its_own_test(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch, flaw: str,
) -> None:
    monkeypatch.setenv("RESTAURANT_FLAWS", flaw)
    restaurant_project(pytester)
    result, outcomes = run_launchready("--launchready", CHECKS)
    assert short_ids(outcomes, "failed") == [FLAWS[flaw]], result.stdout.str()
    assert short_ids(outcomes, "error") == []
    # A customer doing the kitchen's work reaches every household's orders; an employee doing a chef's, no tenant.
    severity = {"customer-sets-status": "CRITICAL", "employee-deletes-menu": "HIGH", "order-any": "CRITICAL"}[flaw]
    result.stdout.fnmatch_lines([f"E   AssertionError: [[]{severity}[]] Sent *"])


def test_under_xdist_each_worker_has_its_own_staff_and_the_same_tests_fail(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RESTAURANT_FLAWS", ",".join(FLAWS))
    restaurant_project(pytester)
    result = pytester.runpytest_subprocess("--launchready", CHECKS, "-n", "2", "--dist=load", "-p", "no:cacheprovider", "-rf")
    result.stdout.fnmatch_lines_random([f"FAILED launchready::{test_id.replace('[', '?').replace(']', '?')}*"
                                        for test_id in FLAWS.values()])
    assert result.parseoutcomes()["failed"] == len(FLAWS) and "error" not in result.parseoutcomes()
    assert "gw0-staff" in result.stdout.str() or "gw1-staff" in result.stdout.str()


def test_a_customer_moving_orders_is_told_as_a_customer_and_shown_by_the_chef(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RESTAURANT_FLAWS", "customer-sets-status,employee-deletes-menu")
    restaurant_project(pytester)
    result, _ = run_launchready("--launchready", "--launchready-checks=roles")
    result.stdout.fnmatch_lines([
        "*Sent PUT /kitchen/orders/o_* as a customer of the tenant (lr-*); the operation is reserved for employee and higher.",
        "*the customer was not refused (200) and re-reading GET /kitchen/orders as the chef shows the effect: its content "
        "changed (*status: \"new\" -> *",
    ])
    result.stdout.fnmatch_lines([
        "*Sent DELETE /menu/m_* as an employee of the staff (lr-*-staff); the operation is reserved for chef and higher.",
        "*re-reading GET /menu/m_* as the chef shows the effect: it now answers 404*",
    ])


#: Runs the roles tests first, so that the menu the staff seeded is there when isolation reads.
ROLES_FIRST = """
def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: "test_roles[" not in item.nodeid)
"""


def test_what_staff_wrote_for_everyone_is_no_tenant_s_leak(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The chef's menu items (seeded with the staff canary) are on every customer's GET /me: staff data is
    no other tenant's, so tenant B seeing it is no leak."""
    monkeypatch.delenv("RESTAURANT_FLAWS", raising=False)
    restaurant_project(pytester)
    pytester.path.joinpath("conftest.py").write_text(STAFF_LOGIN + ROLES_FIRST)
    result, outcomes = run_launchready("--launchready", CHECKS, "-k", "menu or me")
    assert "test_roles[POST /menu]" in short_ids(outcomes, "passed")
    assert short_ids(outcomes, "failed") == [] and "test_tenant_isolation[GET /me]" in short_ids(outcomes, "passed"), result.stdout.str()


def test_qa_fixtures_give_customers_as_tenants_and_staff_apart(pytester: pytest.Pytester, run_launchready: Any) -> None:
    restaurant_project(pytester)
    pytester.makepyfile(test_qa=QA_TEST)
    result, outcomes = run_launchready("test_qa.py")
    assert outcomes.ids("passed") == ["test_qa.py::test_tenants_are_customers_and_staff_is_global"], result.stdout.str()


def test_without_a_tenant_role_tenants_log_in_as_the_first_role_and_the_error_says_which_setting(
    pytester: pytest.Pytester, run_launchready: Any,
) -> None:
    """A and B as chefs: the login refuses a chef of a household, and the set-up error names the fix."""
    restaurant_project(pytester, INI.replace("launchready_tenant_role = customer\n", ""))
    result, outcomes = run_launchready("--launchready", "--launchready-checks=roles", "-k", "status")
    assert short_ids(outcomes, "error") == ["test_roles[PUT /kitchen/orders/{order_id}/status]"], result.stdout.str()
    result.stdout.fnmatch_lines([
        "*launchready_login('lr-*', 'chef') raised ValueError: chef is not a role of a household*Tenants log in as "
        "launchready_tenant_role, by default the first of launchready_roles (chef): if chef is a role global to the app*"
        "set launchready_tenant_role to the role a tenant's users have (one of employee, customer)",
    ])


def test_an_unknown_tenant_role_is_a_usage_error_listing_the_roles(pytester: pytest.Pytester) -> None:
    restaurant_project(pytester, INI.replace("launchready_tenant_role = customer", "launchready_tenant_role = waiter"))
    result = pytester.runpytest_inprocess("--launchready", CHECKS, "-p", "no:cacheprovider")
    assert result.ret == 4
    result.stderr.fnmatch_lines(["*launchready_tenant_role = 'waiter' is not valid: expected one of launchready_roles "
                                 "(chef, employee, customer)*"])


def test_the_tenant_role_defaults_to_the_first_and_splits_the_roles() -> None:
    assert Settings(roles=("superuser", "user")).tenant_role == "superuser"
    settings = Settings(roles=("chef", "employee", "customer", "guest"), tenant_role="customer")
    assert settings.global_roles == ("chef", "employee")
    assert settings.is_global("employee") and not settings.is_global("customer") and not settings.is_global("guest")


class _Target:
    def client(self, auth: Credentials) -> object:
        return object()


def _factory(login: Any) -> TenantFactory:
    settings = Settings(roles=("superuser", "user"), tenant_role="user")
    return TenantFactory(settings, Redactor(), "run1", "gw0", login, _Target())  # type: ignore[arg-type]


def test_staff_come_from_the_staff_name_and_never_stand_for_a_tenant() -> None:
    calls: list[tuple[str, str]] = []

    def login(tenant: str, role: str) -> Credentials:
        calls.append((tenant, role))
        return Credentials(headers={"Authorization": f"Bearer {tenant}-{role}-{len(calls)}"})

    factory = _factory(login)
    a = factory.seeded("a", None, ())
    superuser = factory("superuser")
    factory("user", a)
    assert calls == [("lr-run1-gw0-a", "user"), ("lr-run1-gw0-staff", "superuser"), ("lr-run1-gw0-a", "user")]
    assert superuser.name == factory.staff_name != a.name
    assert factory("superuser", superuser).name == factory.staff_name  # the staff's own pseudo-tenant is no tenant


def test_a_global_role_asked_for_in_a_tenant_is_a_usage_error_naming_the_setting() -> None:
    factory = _factory(lambda tenant, role: Credentials(headers={"Authorization": f"Bearer {tenant}-{role}"}))
    a = factory.seeded("a", None, ())
    with pytest.raises(pytest.UsageError, match=r"tenant_role\('superuser', <tenant lr-run1-gw0-a>\): superuser is above "
                       r"launchready_tenant_role \(user\), a role global to the app.*tenant_role\('superuser'\) without a tenant"):
        factory("superuser", a)
    assert [t.name for t in factory.created] == ["lr-run1-gw0-a"]  # nobody was logged in for it


def test_a_staff_login_equal_to_a_tenant_login_is_refused() -> None:
    factory = _factory(lambda tenant, role: Credentials(headers={"Authorization": "Bearer one-identity"}))
    factory("user")
    with pytest.raises(SetupError, match=r"same credentials for 'lr-run1-gw0-t1' \(user\) and 'lr-run1-gw0-staff' \(superuser\)"):
        factory("superuser")


def test_cleanup_gets_every_tenant_once_and_never_the_staff() -> None:
    factory = _factory(lambda tenant, role: Credentials(headers={"Authorization": f"Bearer {tenant}-{role}-{id(object())}"}))
    a = factory.seeded("a", None, ())
    factory("user", a)
    factory("superuser")
    fresh = factory("user")
    removed: list[str] = []
    factory.cleanup(lambda tenant: removed.append(tenant.name))
    assert removed == [a.name, fresh.name]


#: A demotion the in-process app takes at once, recorded as "<tenant> <role>" so a test sees who was made what.
STAFF_SET_ROLE = '''

@pytest.fixture(scope="session")
def launchready_set_role():
    import myapp

    def set_role(tenant, credentials, role):
        token = credentials.headers["Authorization"].split()[1]
        myapp.USERS[myapp.TOKENS[token]]["role"] = role
        with open("roles_set.txt", "a") as handle:
            handle.write(f"{tenant} {role}\\n")
    return set_role
'''


@pytest.mark.parametrize(("flaw", "expected"), [("", "passed"), ("token-keeps-role", "failed")])
def test_a_staff_route_is_proven_by_demoting_staff_to_the_next_staff_role_never_to_a_tenant_s(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch, flaw: str, expected: str,
) -> None:
    """Every privileged route of the restaurant is staff-only. An employee's would need the employee made a customer,
    which no household holds: left out. A chef's is proven by the chef demoted to employee."""
    monkeypatch.setenv("RESTAURANT_FLAWS", flaw)
    make_project(pytester, "restaurant_staff", INI, STAFF_LOGIN + STAFF_SET_ROLE)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=tokens", "-k", "role", "-rf")
    assert outcomes.by_id["launchready::test_tokens[role change]"] == expected, result.stdout.str()
    roles_set = pytester.path.joinpath("roles_set.txt").read_text().splitlines()
    assert [line.split()[1] for line in roles_set if line] == ["employee"]
    assert roles_set[0].endswith("-staff employee")
    if expected == "failed":
        result.stdout.fnmatch_lines(["*A staff user (lr-*-staff) in role 'chef', a role global to the app, called POST /menu "
                                     "successfully; launchready_set_role then demoted it to 'employee', the next lower role*"])


def test_demotions_prefer_tenant_routes_and_never_turn_staff_into_a_tenant_role() -> None:
    from pytest_launchready.checks.tokens.revocation import demotions

    settings = Settings(roles=("chef", "employee", "manager", "customer"), tenant_role="manager")
    staff, kitchen, tills = Route("POST", "/menu"), Route("GET", "/kitchen"), Route("GET", "/tills")
    plans, refused = demotions(settings, [(staff, "chef"), (kitchen, "employee"), (tills, "manager")])
    assert [(r.key, role, lower) for r, role, lower in plans] == [("GET /tills", "manager", "customer"),
                                                                   ("POST /menu", "chef", "employee")]
    assert refused == ["GET /kitchen needs employee, a role global to the app, and the next lower role manager is "
                       "launchready_tenant_role's level (a staff user has no tenant to hold it)"]
