"""The built-in login (``launchready_signup_route`` + ``launchready_login_route``, no conftest): on each
kind of app it gives the verdicts the hand-written login conftest gives; a sign-up it cannot make
work is a set-up error per test, never a FAIL; an explicit ``launchready_login`` still wins."""

from __future__ import annotations

from typing import Any

import pytest

from support.logins import COOKIE_INVITE_LOGIN, REALWORLD_LOGIN, SIGNUP_LOGIN
from support.projects import make_project
from support.runs import short_ids, skip_reasons

EXCLUDE_DOCS = """launchready_exclude_routes =
    * /docs
    * /docs/oauth2-redirect
    * /redoc
    * /openapi.json
"""

#: A hand-written login for tests/apps/oauth2_form.py: register into the org ns-<tenant>, log in by form.
OAUTH_LOGIN = '''
import itertools
import pytest
from pytest_launchready import Credentials

SERIAL = itertools.count(1)

@pytest.fixture(scope="session")
def launchready_login(launchready_client):
    def login(tenant, role):
        email = f"{tenant}-{next(SERIAL)}@example.com"
        body = {"email": email, "password": "pw-long-enough", "namespace": f"ns-{tenant}"}
        launchready_client.post("/auth/register", json=body).raise_for_status()
        answer = launchready_client.post("/auth/token", data={"username": email, "password": "pw-long-enough"})
        answer.raise_for_status()
        return Credentials(headers={"Authorization": f"Bearer {answer.json()['access_token']}"})
    return login
'''

#: app -> (module, its ini without a login (ending in its public routes), the built-in login's routes,
#: more ini for the built-in login, the hand-written conftest, its flaws' variable, the flaws).
APPS = {
    "realworld_shapes: wrapped, Token, sign-up answers the token": (
        "realworld_shapes", "launchready_roles = user\n" + EXCLUDE_DOCS + "launchready_public_routes =\n    GET /api/notes/{note_id}\n",
        ("POST /api/users", "POST /api/users/login"), "", REALWORLD_LOGIN, "RW_FLAWS", "read-any,settings-any,books-any"),
    "validation_fastapi: flat JSON, Bearer": (
        "validation_fastapi", EXCLUDE_DOCS + "launchready_public_routes =\n    GET /health\n",
        ("POST /auth/signup", "POST /auth/login"), "", SIGNUP_LOGIN, "VALIDATION_FLAWS", ""),
    "review_authz_cookie: cookie session, org_name": (
        "review_authz_cookie", EXCLUDE_DOCS + "launchready_public_routes =\n    GET /health\n    POST /auth/accept-invite\n",
        ("POST /auth/signup", "POST /auth/login"), "", COOKIE_INVITE_LOGIN, "REVIEW_FLAWS", "put-foreign,export-leak"),
    "oauth2_form: form login, launchready_login_fields": (
        "oauth2_form", "launchready_roles = user\n" + EXCLUDE_DOCS + "launchready_public_routes =\n",
        ("POST /auth/register", "POST /auth/token"), "launchready_login_fields =\n    namespace: ns-$tenant\n",
        OAUTH_LOGIN, "OAUTH_FLAWS", "read-any"),
}


def builtin_ini(app: str) -> str:
    """The app's ini with the built-in login: its two routes (public by design through them) and the extra lines."""
    _, ini, (signup, login), extra, *_ = APPS[app]
    return f"{ini}launchready_signup_route = {signup}\nlaunchready_login_route = {login}\n{extra}"


#: The reason a test that needs a user in another role of the tenant is NOT RUN with the built-in login.
OTHER_ROLE = "the built-in login signs up users in launchready_tenant_role"


def verdicts(run_launchready: Any, *checks: str) -> tuple[dict[str, str], str]:
    """Short test id -> passed, failed, error, or ``skipped: <reason>``; and the run's output."""
    result, outcomes = run_launchready("--launchready", f"--launchready-checks={','.join(checks)}", "-rs")
    reasons = skip_reasons(result, key=lambda nodeid: nodeid.removeprefix("launchready::"))
    found = {test_id: kind for kind in ("passed", "failed", "error") for test_id in short_ids(outcomes, kind)}
    found.update({test_id: f"skipped: {reason}" for test_id, reason in reasons.items()})
    return found, result.stdout.str()


@pytest.mark.parametrize("app", sorted(APPS))
@pytest.mark.parametrize("flawed", [False, True], ids=["secure", "flawed"])
def test_the_built_in_login_gives_the_verdicts_of_the_hand_written_one(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch, app: str, flawed: bool,
) -> None:
    module, ini, routes, _, conftest, env, flaws = APPS[app]
    monkeypatch.setenv(env, flaws if flawed else "")
    make_project(pytester, module, ini + "".join(f"    {route}\n" for route in routes), conftest)
    by_hand, text = verdicts(run_launchready, "tenant_isolation")
    assert "passed" in by_hand.values(), text
    assert ("failed" in by_hand.values()) is (flawed and bool(flaws)), text
    pytester.path.joinpath("conftest.py").unlink()
    make_project(pytester, module, builtin_ini(app))
    built_in, text = verdicts(run_launchready, "tenant_isolation")
    # A case that needs a second role of one tenant (an invited member) is the one difference: NOT RUN.
    other_role = {test_id for test_id, verdict in built_in.items() if OTHER_ROLE in verdict}
    assert other_role == set(), text  # the cookie app's other roles are invited
    assert {k: v for k, v in built_in.items() if k not in other_role} == {k: v for k, v in by_hand.items() if k not in other_role}, text
    assert all(by_hand[test_id] == "passed" for test_id in other_role)


COOKIE_ROLES = """launchready_roles = owner admin member
launchready_role_routes =
    admin: GET /admin/members
    admin: DELETE /integrations/{integration_id}
"""


@pytest.mark.parametrize("flawed", [False, True], ids=["secure", "member-deletes-integrations"])
def test_other_roles_of_an_org_are_invited_by_its_owner_and_give_the_roles_verdicts(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch, flawed: bool,
) -> None:
    """The cookie app's sign-up makes an org and its owner; an admin and a member come through its invite and
    accept routes, so the roles check runs with no conftest, and fails exactly where the app lets a member in."""
    monkeypatch.setenv("REVIEW_FLAWS", "member-deletes-integrations" if flawed else "")
    ini = builtin_ini("review_authz_cookie: cookie session, org_name")
    make_project(pytester, "review_authz_cookie", ini + COOKIE_ROLES)
    found, text = verdicts(run_launchready, "roles")
    assert found == {
        "test_roles[GET /admin/members]": "passed",
        "test_roles[DELETE /integrations/{integration_id}]": "failed" if flawed else "passed",
    }, text


def test_without_invite_routes_a_second_role_is_not_run_naming_the_invite_fixtures(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same app with its invite route excluded: the member cannot be made, so the roles tests are NOT RUN."""
    monkeypatch.delenv("REVIEW_FLAWS", raising=False)
    ini = builtin_ini("review_authz_cookie: cookie session, org_name").replace(
        "launchready_exclude_routes =\n", "launchready_exclude_routes =\n    POST /orgs/invites\n")
    make_project(pytester, "review_authz_cookie", ini + COOKIE_ROLES)
    found, text = verdicts(run_launchready, "roles")
    assert set(found) == {"test_roles[GET /admin/members]", "test_roles[DELETE /integrations/{integration_id}]"}, text
    for verdict in found.values():
        assert verdict.startswith("skipped:") and "needs an invite" in verdict and "no invite routes" in verdict, verdict
        assert "launchready_invite" in verdict, verdict


def test_a_sign_up_it_cannot_fill_is_one_set_up_error_per_test_never_a_fail(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """oauth2_form's namespace must match ^ns-...: without launchready_login_fields the sign-up gets 422."""
    monkeypatch.setenv("OAUTH_FLAWS", "read-any")
    make_project(pytester, "oauth2_form", "launchready_roles = user\n" + EXCLUDE_DOCS
                 + "launchready_signup_route = POST /auth/register\nlaunchready_login_route = POST /auth/token\n")
    result, outcomes = run_launchready("--launchready", "--launchready-checks=tenant_isolation,tokens")
    text = result.stdout.str()
    assert short_ids(outcomes, "failed") == [], text
    assert "test_tenant_isolation[GET /notes/{note_id}]" in short_ids(outcomes, "error"), text
    result.stdout.fnmatch_lines([
        "*the built-in login's sign-up failed: POST /auth/register answered 422.",
        '  sent: {"email": "lr-*-1@example.com", "namespace": "*", "password": "?REDACTED?"}',
        "  answer: 422 *string_pattern_mismatch*namespace*",
        "*set launchready_login_fields*or define a launchready_login fixture*",
        "tenant_isolation*ERROR (set-up)*",
    ])
    assert "Lr-" not in text  # the generated password is never printed


def test_an_explicit_launchready_login_fixture_wins(pytester: pytest.Pytester, run_launchready: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """One project whose built-in sign-up fails (set-up errors); with a hand-written login added, that one is used."""
    monkeypatch.setenv("OAUTH_FLAWS", "read-any")
    make_project(pytester, "oauth2_form", "launchready_roles = user\n" + EXCLUDE_DOCS
                 + "launchready_signup_route = POST /auth/register\nlaunchready_login_route = POST /auth/token\n")
    result, outcomes = run_launchready("--launchready", "--launchready-checks=tenant_isolation")
    assert "test_tenant_isolation[GET /notes/{note_id}]" in short_ids(outcomes, "error"), result.stdout.str()
    pytester.makeconftest(OAUTH_LOGIN)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=tenant_isolation")
    assert short_ids(outcomes, "error") == [], result.stdout.str()
    assert short_ids(outcomes, "failed") == ["test_tenant_isolation[GET /notes/{note_id}]"], result.stdout.str()


def test_the_built_in_login_counts_as_defined_on_the_xdist_controller(pytester: pytest.Pytester) -> None:
    """The controller's start-up check (is launchready_login defined?) gives the workers' answer."""
    make_project(pytester, "realworld_shapes", builtin_ini("realworld_shapes: wrapped, Token, sign-up answers the token"))
    result = pytester.runpytest_subprocess("--launchready", "--launchready-checks=tenant_isolation", "-n", "2", "--dist=load",
                                           "-p", "no:cacheprovider")
    assert result.ret == 0, result.stdout.str()
    result.stdout.fnmatch_lines(["tenant_isolation*PASS*11/11 routes*"])


@pytest.mark.parametrize(("line", "message"), [
    ("launchready_signup_route = POST /auth/signup", "launchready_signup_route = 'POST /auth/signup' is not a route of myapp:app*"
                                                     "POST /auth/register*"),
    ("launchready_login_fields =\n    namespace: $org", "launchready_login_fields = 'namespace: $org' is not valid*$tenant*"),
    ("launchready_login_fields =\n    namespace", "launchready_login_fields = 'namespace' is not valid*"),
])
def test_a_bad_built_in_login_setting_is_a_usage_error_naming_it(pytester: pytest.Pytester, line: str, message: str) -> None:
    routes = {"signup": "launchready_signup_route = POST /auth/register", "login": "launchready_login_route = POST /auth/token"}
    if line.startswith("launchready_signup_route"):
        routes["signup"] = line
    else:
        routes["fields"] = line
    make_project(pytester, "oauth2_form", "launchready_roles = user\n" + EXCLUDE_DOCS + "\n".join(routes.values()) + "\n")
    result = pytester.runpytest_inprocess("--launchready", "--launchready-checks=tenant_isolation", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*{message}"])


@pytest.mark.parametrize("flaws", ["", "tokens-follow-names,password-keeps-sessions"], ids=["secure", "flawed"])
def test_the_built_in_login_gives_the_tokens_verdicts_of_the_hand_written_one(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch, flaws: str,
) -> None:
    """RealWorld's account changes (rename, new password): the identity the built-in login fills in serves them too."""
    monkeypatch.setenv("RW_ACCOUNT", "1")
    monkeypatch.setenv("RW_FLAWS", flaws)
    app = "realworld_shapes: wrapped, Token, sign-up answers the token"
    module, ini, routes, _, conftest, *_ = APPS[app]
    make_project(pytester, module, ini + "".join(f"    {route}\n" for route in routes), conftest)
    by_hand, _ = verdicts(run_launchready, "tokens")
    assert ("failed" in by_hand.values()) is bool(flaws), by_hand
    pytester.path.joinpath("conftest.py").unlink()
    make_project(pytester, module, builtin_ini(app))
    built_in, text = verdicts(run_launchready, "tokens")
    assert built_in == by_hand, text


def _login_for(signup_schema: dict[str, Any], fields: tuple[tuple[str, str], ...] = ()) -> Any:
    import json

    from pytest_launchready.config.settings import Settings
    from pytest_launchready.redact import Redactor
    from pytest_launchready.routes import Route
    from pytest_launchready.tenants.builtin_login import BuiltinLogin

    login_schema = {"type": "object", "properties": {"email": {"type": "string"}, "password": {"type": "string"}}}
    routes = (Route("POST", "/signup", body_schema_json=json.dumps(signup_schema), public=True),
              Route("POST", "/login", body_schema_json=json.dumps(login_schema), public=True))
    settings = Settings(roles=("staff", "owner", "member"), tenant_role="owner", signup_route="POST /signup",
                        login_route="POST /login", login_fields=fields)
    return BuiltinLogin(settings, routes, client=None, redactor=Redactor())  # type: ignore[arg-type]


@pytest.mark.parametrize(("role", "then"), [("staff", "define a launchready_login fixture that makes one"),
                                            ("member", "a member needs an invite, and the app has no invite routes")])
def test_a_role_other_than_the_tenant_role_is_not_run_naming_launchready_login(role: str, then: str) -> None:
    login = _login_for({"type": "object", "properties": {"email": {"type": "string"}, "password": {"type": "string"}}})
    with pytest.raises(pytest.skip.Exception, match=f"launchready_tenant_role .owner. only, not a {role}: {then}"):
        login("lr-1-main-a", role)


def test_the_sign_up_body_is_filled_wrapped_and_mapped() -> None:
    """Unique account values, the tenant in the org-name field, privileged fields left out, the mapping typed and last."""
    inner = {"type": "object", "properties": {
        "email": {"type": "string"}, "username": {"type": "string"}, "password": {"type": "string"},
        "password_confirmation": {"type": "string"}, "company_name": {"type": "string"}, "role": {"type": "string"},
        "accept_terms": {"type": "boolean"}, "seats": {"type": "integer"}}}
    login = _login_for({"type": "object", "properties": {"user": inner}}, (("accept_terms", "true"), ("seats", "3")))
    values = login._values("lr-1-main-a", "owner")
    body = login._body(login.signup, values, creating=True)
    assert body == {"user": {"email": "lr-1-main-a-1@example.com", "username": "lr-1-main-a-1", "password": values["password"],
                             "password_confirmation": values["password"], "company_name": "lr-1-main-a",
                             "accept_terms": True, "seats": 3}}
    assert login.redact(values["password"]) == "[REDACTED]"
    assert login._body(login.login, values, creating=False) == {"email": values["email"], "password": values["password"]}


def test_optional_sign_up_fields_for_a_handed_out_token_are_left_out() -> None:
    """Mealie's sign-up takes a group name or a ``groupToken`` (to join an existing group): a made-up token is
    refused, so an optional token, invite or referral code is not sent; a required one is, and a mapping wins.
    Its ``private`` flag chooses whether strangers may explore the new group."""
    schema = {"type": "object", "required": ["email", "password", "accessCode"], "properties": {
        "email": {"type": "string"}, "password": {"type": "string"}, "group": {"type": "string"},
        "groupToken": {"type": "string"}, "inviteId": {"type": "string"}, "referralCode": {"type": "string"},
        "accessCode": {"type": "string"}, "private": {"type": "boolean"}, "isPublic": {"type": "boolean"}}}
    login = _login_for(schema)
    body = login._body(login.signup, login._values("lr-1-main-a", "owner"), creating=True)
    assert sorted(body) == ["accessCode", "email", "group", "isPublic", "password", "private"]
    # The org is the tenant, and the most private choice: what strangers then read is the app's doing.
    assert body["group"] == "lr-1-main-a" and body["private"] is True and body["isPublic"] is False
    mapped = _login_for(schema, (("groupToken", "join-me"),))
    assert mapped._body(mapped.signup, mapped._values("lr-1-main-a", "owner"), creating=True)["groupToken"] == "join-me"


def test_a_token_the_who_am_i_route_refuses_is_a_set_up_error_showing_what_was_tried() -> None:
    import re

    import httpx

    from pytest_launchready.errors import SetupError
    from pytest_launchready.routes import Route

    def app(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/signup":
            return httpx.Response(201, json={})
        if request.url.path == "/login":
            return httpx.Response(200, json={"data": {"session": {"jwt": "opaque-token-1234"}}})
        return httpx.Response(401, json={"detail": "not signed in"})

    login = _login_for({"type": "object", "properties": {"email": {"type": "string"}, "password": {"type": "string"}}})
    login.client = httpx.Client(transport=httpx.MockTransport(app), base_url="http://testserver")
    login._probe = Route("GET", "/me")
    with pytest.raises(SetupError) as caught:
        login("lr-1-main-a", "owner")
    message = str(caught.value)
    assert "GET /me refused every way of sending what the login answered (Bearer: 401, Token: 401)" in message
    assert "opaque-token-1234" not in message and '"password": "[REDACTED]"' in message
    assert re.search(r"Lr-[\w-]{10,}", message) is None  # the generated password, redacted by value too


@pytest.mark.parametrize("flawed", [False, True], ids=["secure", "role-cached-in-session"])
def test_the_owner_changes_roles_through_the_apps_role_route_for_the_role_change_test(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch, flawed: bool,
) -> None:
    """With no conftest, launchready_set_role is the org owner's PATCH /admin/members/{member_id} {role}, the member
    found in GET /admin/members by its email: a session that keeps its old role after a demotion fails."""
    monkeypatch.setenv("REVIEW_FLAWS", "role-cached-in-session" if flawed else "")
    ini = builtin_ini("review_authz_cookie: cookie session, org_name")
    make_project(pytester, "review_authz_cookie", ini + COOKIE_ROLES + "launchready_logout_route = POST /auth/logout\n")
    found, text = verdicts(run_launchready, "tokens")
    assert found["test_tokens[role change]"] == ("failed" if flawed else "passed"), text
    assert "demoted it to 'member'" in text or not flawed, text
