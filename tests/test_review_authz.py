"""Review of the authorization checks against an app unlike the others: cookie sessions, integer ids
from one shared sequence, PUT next to PATCH, soft deletes, three-level nesting, an empty-list filter
and a CSV export (tests/apps/review_authz_cookie.py). The secure app must be all green; each defect
must fail exactly its own test."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

APPS = Path(__file__).parent / "apps"
CHECKS = "--launchready-checks=auth,tokens,tenant_isolation,roles"

COOKIE_LOGIN = '''
import itertools
import pytest
from pytest_launchready import Credentials

PASSWORD = "pw-long-enough-1"


@pytest.fixture(scope="session")
def _owners():
    return {}


@pytest.fixture(scope="session")
def launchready_login(launchready_client, _owners):
    serial = itertools.count(1)

    def session(email):
        response = launchready_client.post("/auth/login", json={"email": email, "password": PASSWORD})
        response.raise_for_status()
        return Credentials(cookies={"sid": response.cookies["sid"]})

    def login(tenant, role):
        if tenant not in _owners:
            email = f"owner-{next(serial)}@{tenant}.example.com"
            launchready_client.post("/auth/signup", json={"email": email, "password": PASSWORD, "org_name": tenant}).raise_for_status()
            _owners[tenant] = session(email)
            if role == "owner":
                return session(email)
        email = f"{role}-{next(serial)}@{tenant}.example.com"
        invite = launchready_client.post("/orgs/invites", json={"email": email, "role": role}, auth=_owners[tenant])
        invite.raise_for_status()
        accept = {"invite_token": invite.json()["invite_token"], "password": PASSWORD}
        launchready_client.post("/auth/accept-invite", json=accept).raise_for_status()
        return session(email)

    return login


@pytest.fixture(scope="session")
def launchready_set_role(launchready_client, _owners):
    def set_role(tenant, credentials, role):
        me = launchready_client.get("/me", auth=credentials).json()
        launchready_client.patch(f"/admin/members/{me['id']}", json={"role": role}, auth=_owners[tenant]).raise_for_status()
    return set_role
'''

INI = """[pytest]
launchready_app = myapp:app
launchready_public_routes =
    GET /health
    POST /auth/signup
    POST /auth/login
    POST /auth/accept-invite
launchready_logout_route = POST /auth/logout
launchready_role_routes =
    admin: POST /integrations
    admin: DELETE /integrations/{integration_id}
    admin: GET /admin/members
    owner: PATCH /admin/members/{member_id}
    admin: POST /orgs/invites
"""

#: defect -> the one test id it must fail.
FLAWS = {
    "put-foreign": "test_tenant_isolation[PUT /projects/{project_id}]",
    "soft-delete-foreign": "test_tenant_isolation[DELETE /projects/{project_id}]",
    "intent-parent-unchecked": "test_tenant_isolation[GET /projects/{project_id}/bots/{bot_id}/intents/{intent_id}]",
    "export-leak": "test_tenant_isolation[GET /export]",
    "logout-keeps-session": "test_tokens[revoked after logout]",
    "member-deletes-integrations": "test_roles[DELETE /integrations/{integration_id}]",
    "role-cached-in-session": "test_tokens[role change]",
    "patch-then-404": "test_tenant_isolation[PATCH /projects/{project_id}]",
    "anonymous-delete": "test_auth[DELETE /projects/{project_id}]",
}


def make_project(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(myapp=(APPS / "review_authz_cookie.py").read_text())
    pytester.makeini(INI)
    pytester.makeconftest(COOKIE_LOGIN)


def ids(outcomes: Any, outcome: str) -> list[str]:
    return [nodeid.removeprefix("launchready::") for nodeid in outcomes.ids(outcome)]


def skip_reasons(result: pytest.RunResult) -> dict[str, str]:
    reasons = {}
    for report in result.reprec.getreports("pytest_runtest_logreport"):  # type: ignore[attr-defined]
        if report.skipped:
            reasons[report.nodeid.removeprefix("launchready::")] = str(report.longrepr[2]).removeprefix("Skipped: ")
    return reasons


def test_secure_cookie_app_is_all_green(pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REVIEW_FLAWS", raising=False)
    make_project(pytester)
    result, outcomes = run_launchready("--launchready", CHECKS, "-rs")
    assert ids(outcomes, "failed") == [] and ids(outcomes, "error") == [], result.stdout.str()
    passed = ids(outcomes, "passed")
    for test_id in FLAWS.values():
        assert test_id in passed
    reasons = skip_reasons(result)
    # The JWT forgeries cannot apply to an opaque session cookie: NOT RUN, and saying why.
    for case in ("expired", "alg none", "signature stripped", "signature altered", "payload changed", "key confusion",
                 "weak secret"):
        assert f"test_tokens[{case}]" in reasons, case
    assert result.ret == 0
    assert "sid=" not in result.stdout.str().replace("sid=[REDACTED]", "")


@pytest.mark.parametrize("flaw", sorted(FLAWS))
def test_each_defect_fails_exactly_its_own_test(pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch,
                                                flaw: str) -> None:
    monkeypatch.setenv("REVIEW_FLAWS", flaw)
    make_project(pytester)
    check = FLAWS[flaw].split("[")[0].removeprefix("test_")
    result, outcomes = run_launchready("--launchready", f"--launchready-checks={check}")
    assert ids(outcomes, "failed") == [FLAWS[flaw]], result.stdout.str()
    assert ids(outcomes, "error") == []
    out = result.stdout.str()
    assert not re.search(r"sid=(?!\[REDACTED\])[A-Za-z0-9_-]{8,}", out), "a raw session cookie reached the output"


def test_a_write_behind_a_404_is_found_on_the_request_that_made_it(pytester: pytest.Pytester, run_launchready: Any,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """UPDATE by id, then an org-scoped read for the answer: B gets 404 but A's project holds B's canary.
    The evidence must name that exact request, not a later variant that happened to answer 422 or 307."""
    monkeypatch.setenv("REVIEW_FLAWS", "patch-then-404")
    make_project(pytester)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=tenant_isolation", "-k", "PATCH")
    assert ids(outcomes, "failed") == [FLAWS["patch-then-404"]]
    out = result.stdout.str()
    assert re.search(r"Sent PATCH /projects/\d+ as tenant B \([\w-]+\), with tenant A's project_id=\d+ \(tenants", out), out
    assert re.search(r"PATCH http://testserver/projects/\d+ -> 404", out)
    assert re.search(r"the request was denied \(404\), yet re-reading GET /projects/\d+ as tenant A shows the write: it now "
                     r"holds the attacker's canary lrcanary", out)


def test_clients_keep_no_cookies() -> None:
    """A cookie-session login through launchready_client must leave it anonymous (DESIGN: it keeps no cookies)."""
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from pytest_launchready.target import Target

    def login(request: Any) -> JSONResponse:
        response = JSONResponse({"ok": True})
        response.set_cookie("sid", "s3cr3t-session")
        return response

    app = Starlette(routes=[Route("/login", login, methods=["POST"])])
    target = Target.for_app(app, timeout=5.0)
    try:
        client = target.client()
        assert client.post("/login").cookies["sid"]
        assert not client.cookies, "the anonymous client now sends the session cookie"
    finally:
        target.close()


JWT_LOGIN = '''
import pytest
from pytest_launchready import Credentials


@pytest.fixture(scope="session")
def launchready_login(launchready_client):
    def login(tenant, role):
        token = launchready_client.post("/auth/login", json={"org": tenant, "role": role}).json()["access_token"]
        return Credentials(headers={"Authorization": f"Bearer {token}"})
    return login
'''


def test_a_route_open_to_anyone_is_no_baseline_for_forged_tokens(pytester: pytest.Pytester, run_launchready: Any) -> None:
    """GET /announcements forgot its authentication: auth fails it once; the tokens check must not take a
    route that answers without any token as proof that forged tokens are accepted."""
    pytester.makepyfile(myapp=(APPS / "review_authz_jwt.py").read_text())
    pytester.makeini("[pytest]\nlaunchready_app = myapp:app\nlaunchready_public_routes =\n    POST /auth/login\n")
    pytester.makeconftest(JWT_LOGIN)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=auth,tokens")
    assert ids(outcomes, "failed") == ["test_auth[GET /announcements]"], result.stdout.str()
    assert "test_tokens[alg none]" in ids(outcomes, "passed")


def test_an_unauthenticated_write_does_not_touch_tenant_a(pytester: pytest.Pytester, run_launchready: Any,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """auth's DELETE without credentials succeeds; it must hit a stand-in tenant's project, not tenant A's,
    or the isolation read tests on A's project would be NOT RUN and the intent leak hidden behind it."""
    monkeypatch.setenv("REVIEW_FLAWS", "anonymous-delete,intent-parent-unchecked")
    make_project(pytester)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=auth,tenant_isolation")
    assert ids(outcomes, "failed") == [FLAWS["anonymous-delete"], FLAWS["intent-parent-unchecked"]], result.stdout.str()
