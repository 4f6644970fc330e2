"""Sessions that outlive identity changes (tokens check): after a rename and a newcomer's sign-up with the
freed name, a password change, or a deletion, the old token must not keep working
(tests/apps/identity_fastapi.py), through the discovered routes or the user's fixtures."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from pytest_launchready.routes import Route
from pytest_launchready.routes import vocabulary
from support.logins import REALWORLD_LOGIN
from support.projects import make_project
from support.runs import skip_reasons

IDENTITY_CASES = ("after rename", "after password change", "after user deletion")

LOGIN = '''
import itertools
import pytest
from pytest_launchready import Credentials

SERIAL = itertools.count(1)
PASSWORD = "pw-long-enough-1"

def _remember(token):
    with open("issued_tokens.txt", "a") as handle:
        handle.write(token + "\\n")

@pytest.fixture(scope="session")
def launchready_login(launchready_client):
    def login(tenant, role):
        username = f"{tenant}-{next(SERIAL)}"
        body = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
        launchready_client.post("/auth/signup", json=body).raise_for_status()
        answer = launchready_client.post("/auth/login", json={"username": username, "password": PASSWORD})
        answer.raise_for_status()
        _remember(answer.json()["access_token"])
        return Credentials(headers={"Authorization": f"Bearer {answer.json()['access_token']}"})
    return login
'''

#: The same changes made by the user's own fixtures, for an app whose routes the plugin cannot see.
FIXTURES = '''
NEW_PASSWORDS = []

@pytest.fixture(scope="session")
def launchready_change_password(launchready_client):
    def change(credentials):
        NEW_PASSWORDS.append("fixture-new-password-9f2c")
        answer = launchready_client.post("/me/password", json={"new_password": NEW_PASSWORDS[-1]}, auth=credentials)
        answer.raise_for_status()
        _remember(answer.json()["access_token"])
        return Credentials(headers={"Authorization": f"Bearer {answer.json()['access_token']}"})
    return change

@pytest.fixture(scope="session")
def launchready_delete_user(launchready_client):
    return lambda credentials: launchready_client.delete("/me", auth=credentials).raise_for_status()
'''

PUBLIC = """launchready_public_routes =
    GET /health
    POST /auth/signup
    POST /auth/login
"""

#: flaw -> the one identity case it must fail.
FLAWS = {
    "name-token": "after rename",
    "password-keeps-sessions": "after password change",
    "deleted-keeps-sessions": "after user deletion",
}


#: The FastAPI app (opaque tokens; PATCH /me, POST /me/password, DELETE /me) and its Flask twin (JWTs, described
#: by a spec; PUT /users/me renames and re-passwords, DELETE /users/{user_id} with the caller's own id).
APPS = ("identity_fastapi", "identity_flask")


def identity_project(pytester: pytest.Pytester, exclude: tuple[str, ...] = (), conftest: str = LOGIN,
                     app: str = "identity_fastapi") -> None:
    docs = ("* /docs", "* /docs/oauth2-redirect", "* /redoc", "* /openapi.json") if app == "identity_fastapi" else ()
    excluded = "".join(f"\n    {route}" for route in (*docs, *exclude))
    ini = f"{PUBLIC}launchready_exclude_routes ={excluded}\n" if excluded else PUBLIC
    make_project(pytester, app, ini, conftest, spec=app == "identity_flask")


def run_identity(pytester: pytest.Pytester, run_launchready: Any) -> tuple[pytest.RunResult, dict[str, str]]:
    """Run the tokens check; each identity case's outcome, after checking no token or password was printed."""
    result, outcomes = run_launchready("--launchready", "--launchready-checks=tokens", "-rfs")
    output = result.stdout.str() + result.stderr.str()
    issued = (pytester.path / "issued_tokens.txt").read_text().split()
    assert issued and not [t for t in issued if t in output], "a raw token appeared in the output"
    assert "pw-long-enough-1" not in output and "fixture-new-password-9f2c" not in output
    return result, {case: outcomes.by_id[f"launchready::test_tokens[{case}]"] for case in IDENTITY_CASES}


def test_collect_only_adds_the_three_identity_cases(pytester: pytest.Pytester) -> None:
    identity_project(pytester)
    result = pytester.runpytest_inprocess("--launchready", "--launchready-checks=tokens", "--collect-only", "-q", "-p", "no:cacheprovider")
    collected = [line for line in result.stdout.lines if line.startswith("launchready::")]
    assert collected[-3:] == [f"launchready::test_tokens[{case}]" for case in IDENTITY_CASES]


@pytest.mark.parametrize("app", APPS)
def test_secure_app_passes_every_identity_case(pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch,
                                               app: str) -> None:
    monkeypatch.delenv("IDENTITY_FLAWS", raising=False)
    identity_project(pytester, app=app)
    result, outcomes = run_identity(pytester, run_launchready)
    assert outcomes == dict.fromkeys(IDENTITY_CASES, "passed"), result.stdout.str()
    assert result.ret == 0


@pytest.mark.parametrize("app", APPS)
@pytest.mark.parametrize("flaw", sorted(FLAWS))
def test_each_flaw_fails_exactly_its_own_case(pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch,
                                              flaw: str, app: str) -> None:
    monkeypatch.setenv("IDENTITY_FLAWS", flaw)
    identity_project(pytester, app=app)
    result, outcomes = run_identity(pytester, run_launchready)
    assert outcomes == {case: "failed" if case == FLAWS[flaw] else "passed" for case in IDENTITY_CASES}, result.stdout.str()
    result.stdout.fnmatch_lines([f"tokens*FAIL*1 failed: test_tokens[[]{FLAWS[flaw]}[]]*"])  # and no other tokens case
    if flaw == "name-token":
        # The newcomer is named like the run's tenants, so it can be found and removed with them.
        result.stdout.fnmatch_lines(["*[[]CRITICAL[]] Account takeover: *the newcomer's email 'lr-*-newcomer-*@example.com'*",
                                     "*immutable user id*"])


def test_a_refused_old_token_after_rename_proves_nothing_wrong_even_with_a_newcomer(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The password and deletion flaws together leave the rename case green: only a takeover fails it."""
    monkeypatch.setenv("IDENTITY_FLAWS", "password-keeps-sessions,deleted-keeps-sessions")
    identity_project(pytester)
    _, outcomes = run_identity(pytester, run_launchready)
    assert outcomes == {"after rename": "passed", "after password change": "failed", "after user deletion": "failed"}


def test_an_app_that_reserves_old_names_passes_the_rename_case(pytester: pytest.Pytester, run_launchready: Any,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The newcomer is refused the old username, while a control newcomer with a fresh one signs up: no one can take
    the name, so even a token that names its user by username cannot be followed to someone else."""
    monkeypatch.setenv("IDENTITY_FLAWS", "name-token")
    monkeypatch.setenv("IDENTITY_RESERVE", "1")
    identity_project(pytester)
    result, outcomes = run_identity(pytester, run_launchready)
    assert outcomes["after rename"] == "passed", result.stdout.str()


def run_rename(pytester: pytest.Pytester, run_launchready: Any) -> tuple[pytest.RunResult, str]:
    """Run only the rename case: the result and its outcome."""
    result, outcomes = run_launchready("--launchready", "--launchready-checks=tokens", "-rfs", "-k", "after and rename")
    return result, outcomes.by_id["launchready::test_tokens[after rename]"]


@pytest.mark.parametrize(("flaws", "expected"), [("", "passed"), ("name-token", "failed")])
def test_a_who_am_i_showing_only_the_old_username_proves_the_takeover(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch, flaws: str, expected: str,
) -> None:
    """GET /me shows only {username} and the sign-up takes only {username, password}: no id and no second field
    tell the users apart, but the old token showing the old username, which only the newcomer holds once the first
    user is renamed, is the proof."""
    monkeypatch.setenv("IDENTITY_FLAWS", flaws)
    monkeypatch.setenv("IDENTITY_BARE", "1")
    identity_project(pytester)
    result, outcome = run_rename(pytester, run_launchready)
    assert outcome == expected, result.stdout.str()
    if expected == "failed":
        result.stdout.fnmatch_lines(["*[[]CRITICAL[]] Account takeover: *the answer shows the old username 'lr-*', which only "
                                     "the newcomer holds now*"])


@pytest.mark.parametrize("flaws", ["", "name-token"])
def test_a_rename_that_does_not_take_effect_is_not_run(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch, flaws: str,
) -> None:
    """PATCH /me answers 204 and renames nothing (a rename pending an e-mail confirmation): the newcomer is then refused
    the name the user still holds, which proves nothing about reserved names."""
    monkeypatch.setenv("IDENTITY_FLAWS", flaws)
    monkeypatch.setenv("IDENTITY_RENAME", "pending")
    identity_project(pytester)
    result, outcome = run_rename(pytester, run_launchready)
    assert outcome == "skipped", result.stdout.str()
    result.stdout.fnmatch_lines(["SKIPPED*the rename did not take effect: PATCH /me answered 204, yet GET /me still shows "
                                 "the username 'lr-*'*"])


@pytest.mark.parametrize(("flaws", "expected"), [("", "passed"), ("password-keeps-sessions,deleted-keeps-sessions", "failed")])
def test_the_user_fixtures_change_the_password_and_delete_the_user(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch, flaws: str, expected: str,
) -> None:
    """With the routes hidden from discovery, launchready_change_password and launchready_delete_user do it."""
    monkeypatch.setenv("IDENTITY_FLAWS", flaws)
    identity_project(pytester, exclude=("POST /me/password", "DELETE /me"), conftest=LOGIN + FIXTURES)
    result, outcomes = run_identity(pytester, run_launchready)
    assert outcomes["after password change"] == outcomes["after user deletion"] == expected, result.stdout.str()
    if expected == "failed":
        result.stdout.fnmatch_lines(["*changed its password through launchready_change_password(credentials)*"])


def test_without_routes_or_fixtures_each_case_is_not_run_naming_what_to_write(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("IDENTITY_FLAWS", ",".join(FLAWS))
    identity_project(pytester, exclude=("PATCH /me", "POST /me/password", "DELETE /me"))
    result, outcomes = run_identity(pytester, run_launchready)
    assert outcomes == dict.fromkeys(IDENTITY_CASES, "skipped")
    reasons = {case.removeprefix("launchready::test_tokens[").removesuffix("]"): reason
               for case, reason in skip_reasons(result, key=str).items()}
    assert "no PUT/PATCH of GET /me's resource" in reasons["after rename"]
    assert "define launchready_change_password(credentials) -> Credentials | None" in reasons["after password change"]
    assert "define launchready_delete_user(credentials)" in reasons["after user deletion"]


def test_without_a_public_sign_up_the_rename_case_names_the_setting(pytester: pytest.Pytester) -> None:
    identity_project(pytester, exclude=("POST /auth/signup",))
    result = pytester.runpytest_inprocess("--launchready", "--launchready-checks=tokens", "-p", "no:cacheprovider", "-rs",
                                          "-k", "after and rename")
    result.stdout.fnmatch_lines(["SKIPPED*no public sign-up route*list it in launchready_public_routes*"])


ORG_LOGIN = '''
import itertools
import pytest
from pytest_launchready import Credentials

SERIAL = itertools.count(1)

@pytest.fixture(scope="session")
def launchready_login(launchready_client):
    def login(tenant, role):
        username = f"{tenant}-{next(SERIAL)}"
        body = {"username": username, "password": "pw-long-enough-1", "org": tenant}
        launchready_client.post("/auth/signup", json=body).raise_for_status()
        answer = launchready_client.post("/auth/login", json={"username": username, "password": body["password"]})
        return Credentials(headers={"Authorization": f"Bearer {answer.raise_for_status().json()['access_token']}"})
    return login
'''


def test_an_id_that_who_am_i_gives_for_the_company_never_addresses_a_user(
    pytester: pytest.Pytester, run_launchready: Any,
) -> None:
    """GET /account answers with the caller's org, whose id is another user's: DELETE /users/{user_id} and
    PUT /users/{user_id}/password filled with it would delete or re-password someone else. GET /users/{id} does not
    show the caller's own name, so both cases are NOT RUN naming the fixture, and nothing is changed."""
    make_project(pytester, "org_account", "launchready_public_routes =\n    GET /health\n    POST /auth/signup\n"
                 "    POST /auth/login\nlaunchready_exclude_routes =\n    * /docs\n    * /docs/oauth2-redirect\n"
                 "    * /redoc\n    * /openapi.json\n", ORG_LOGIN)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=tokens", "-rs", "-k", "password or deletion")
    log = pytester.path / "changed_users.txt"
    assert not log.exists(), f"the plugin changed users: {log.read_text()}"
    reasons = {case.removeprefix("launchready::test_tokens[").removesuffix("]"): reason
               for case, reason in skip_reasons(result, key=str).items()}
    assert set(reasons) == {"after password change", "after user deletion"}, result.stdout.str()
    assert re.search(r"\{user_id\} = '\d' taken from GET /account's answer", reasons["after user deletion"])
    assert reasons["after user deletion"].endswith("define launchready_delete_user(credentials)")
    assert "define launchready_change_password(credentials)" in reasons["after password change"]


REALWORLD_INI = """launchready_roles = user
launchready_public_routes =
    POST /api/users
    POST /api/users/login
launchready_exclude_routes =
    * /docs
    * /docs/oauth2-redirect
    * /redoc
    * /openapi.json
"""


@pytest.mark.parametrize(("flaw", "failed"), [("", None), ("tokens-follow-names", "after rename"),
                                              ("password-keeps-sessions", "after password change")])
def test_realworld_renames_and_passwords_go_through_put_api_user(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch, flaw: str, failed: str | None,
) -> None:
    """RealWorld's PUT /api/user takes {"user": {...}} for both a rename and a new password; it has no delete."""
    monkeypatch.setenv("RW_ACCOUNT", "1")
    monkeypatch.setenv("RW_FLAWS", flaw)
    make_project(pytester, "realworld_shapes", REALWORLD_INI, REALWORLD_LOGIN)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=tokens", "-rfs")
    seen = {case: outcomes.by_id[f"launchready::test_tokens[{case}]"] for case in IDENTITY_CASES}
    expected = {"after rename": "passed", "after password change": "passed", "after user deletion": "skipped"}
    if failed:
        expected[failed] = "failed"
    assert seen == expected, result.stdout.str()
    assert "pw-123456" not in result.stdout.str()
    result.stdout.fnmatch_lines(["SKIPPED*no way to delete a user: define launchready_delete_user(credentials)*"])


# --- The vocabulary the cases ask --------------------------------------------------------------------

USER = {"type": "object", "properties": {"username": {"type": "string"}, "email": {"type": "string"},
                                         "password": {"type": "string"}}}
WRAPPED = {"type": "object", "properties": {"user": USER}}


def test_realworld_shapes_are_recognised() -> None:
    """RealWorld: POST /api/users signs up, PUT /api/user renames and re-passwords, both wrapped in {"user": ...}."""
    routes = (
        Route("POST", "/api/users", body_schema_json=json.dumps(WRAPPED), public=True),
        Route("POST", "/api/users/login", body_schema_json=json.dumps(WRAPPED), public=True),
        Route("GET", "/api/user"),
        Route("PUT", "/api/user", body_schema_json=json.dumps(WRAPPED)),
        Route("DELETE", "/api/users/{username}"),
    )
    assert vocabulary.sign_up_route(routes) == routes[0]
    assert vocabulary.rename_route(routes) == routes[3]
    assert vocabulary.password_change_route(routes) == routes[3]
    assert vocabulary.self_delete_route(routes) == routes[4]
    assert vocabulary.own_value("username", {"username": "alice", "id": 7}) == "alice"
    assert vocabulary.own_value("user_id", {"username": "alice", "id": 7}) == "7"


def test_password_resets_and_private_creates_are_not_mistaken() -> None:
    reset = {"type": "object", "properties": {"email": {"type": "string"}, "new_password": {"type": "string"}}}
    change = {"type": "object", "properties": {"old_password": {"type": "string"}, "new_password": {"type": "string"}}}
    invite = {"type": "object", "properties": {"invite_token": {"type": "string"}, "password": {"type": "string"}}}
    routes = (
        Route("POST", "/auth/reset-password", body_schema_json=json.dumps(reset)),
        Route("POST", "/users", body_schema_json=json.dumps(USER)),  # private: an admin creating users, not a sign-up
        Route("POST", "/auth/accept-invite", body_schema_json=json.dumps(invite), public=True),
        Route("POST", "/account/change-password", body_schema_json=json.dumps(change)),
        Route("DELETE", "/orgs/{org_id}"),
    )
    assert vocabulary.sign_up_route(routes) is None
    assert vocabulary.password_change_route(routes) == routes[3]
    assert vocabulary.new_password_fields(change) == (["new_password"], ["old_password"])
    assert vocabulary.self_delete_route(routes) is None


def test_routes_addressing_the_caller_by_a_path_parameter_are_found() -> None:
    """VAmPI's shape: the user is addressed by username under a versioned users path."""
    password = {"type": "object", "properties": {"password": {"type": "string"}}}
    routes = (
        Route("GET", "/me"),
        Route("PUT", "/users/v1/{username}/password", body_schema_json=json.dumps(password)),
        Route("DELETE", "/users/v1/{username}"),
        Route("PUT", "/books/v1/{book_title}/password", body_schema_json=json.dumps(password)),  # not a user
        Route("DELETE", "/orgs/{org_id}/users/{user_id}"),  # two ids: not the caller alone
    )
    assert vocabulary.password_change_route(routes) == routes[1]
    assert vocabulary.self_delete_route(routes) == routes[2]
    assert vocabulary.password_change_route(routes[3:]) is None
    assert vocabulary.self_delete_route(routes[3:]) is None


def test_the_read_that_confirms_a_user_path_is_the_closest_get_of_that_user() -> None:
    routes = (
        Route("GET", "/users/v1/{username}"),
        Route("PUT", "/users/v1/{username}/password"),
        Route("GET", "/users/{user_id}"),
        Route("DELETE", "/users/{user_id}"),
        Route("DELETE", "/accounts/{account_id}"),
    )
    assert vocabulary.user_read_route(routes[1], routes) == routes[0]
    assert vocabulary.user_read_route(routes[3], routes) == routes[2]
    assert vocabulary.user_read_route(routes[4], routes) is None


def test_company_and_membership_ids_never_take_the_who_am_i_id() -> None:
    """GET /account often answers with the org: its id is no user's, account's or membership's of the caller."""
    org = {"id": 12, "name": "acme"}
    assert vocabulary.own_value("user_id", org) == "12"  # a guess, confirmed before any write
    assert [vocabulary.own_value(p, org) for p in ("account_id", "member_id", "org_id")] == [None, None, None]
