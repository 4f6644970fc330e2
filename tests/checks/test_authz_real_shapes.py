"""The authorization checks (auth, tokens, tenant_isolation, roles) against an app unlike the others:
cookie sessions, integer ids from one shared sequence, PUT next to PATCH, soft deletes, three-level
nesting, an empty-list filter and a CSV export (tests/apps/review_authz_cookie.py). The secure app
must be all green; each defect must fail exactly its own test."""

from __future__ import annotations

import re
from typing import Any

import pytest

from support.logins import COOKIE_INVITE_LOGIN, ORG_ROLE_LOGIN, REALWORLD_IDENTITY_LOGIN, REALWORLD_LOGIN
from support.projects import make_project
from support.runs import short_id, short_ids, skip_reasons

CHECKS = "--launchready-checks=auth,tokens,tenant_isolation,roles"

INI = """launchready_public_routes =
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


def cookie_project(pytester: pytest.Pytester) -> None:
    make_project(pytester, "review_authz_cookie", INI, COOKIE_INVITE_LOGIN)



def test_secure_cookie_app_is_all_green(pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REVIEW_FLAWS", raising=False)
    cookie_project(pytester)
    result, outcomes = run_launchready("--launchready", CHECKS, "-rs")
    assert short_ids(outcomes, "failed") == [] and short_ids(outcomes, "error") == [], result.stdout.str()
    passed = short_ids(outcomes, "passed")
    for test_id in FLAWS.values():
        assert test_id in passed
    reasons = skip_reasons(result, key=short_id)
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
    cookie_project(pytester)
    check = FLAWS[flaw].split("[")[0].removeprefix("test_")
    result, outcomes = run_launchready("--launchready", f"--launchready-checks={check}")
    assert short_ids(outcomes, "failed") == [FLAWS[flaw]], result.stdout.str()
    assert short_ids(outcomes, "error") == []
    out = result.stdout.str()
    assert not re.search(r"sid=(?!\[REDACTED\])[A-Za-z0-9_-]{8,}", out), "a raw session cookie reached the output"


def test_a_write_behind_a_404_is_found_on_the_request_that_made_it(pytester: pytest.Pytester, run_launchready: Any,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """UPDATE by id, then an org-scoped read for the answer: B gets 404 but A's project holds B's canary.
    The evidence must name that exact request, not a later variant that happened to answer 422 or 307."""
    monkeypatch.setenv("REVIEW_FLAWS", "patch-then-404")
    cookie_project(pytester)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=tenant_isolation", "-k", "PATCH")
    assert short_ids(outcomes, "failed") == [FLAWS["patch-then-404"]]
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


def test_a_route_open_to_anyone_is_no_baseline_for_forged_tokens(pytester: pytest.Pytester, run_launchready: Any) -> None:
    """GET /announcements forgot its authentication: auth fails it once; the tokens check must not take a
    route that answers without any token as proof that forged tokens are accepted."""
    make_project(pytester, "review_authz_jwt", "launchready_public_routes =\n    POST /auth/login\n", ORG_ROLE_LOGIN)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=auth,tokens")
    assert short_ids(outcomes, "failed") == ["test_auth[GET /announcements]"], result.stdout.str()
    assert "test_tokens[alg none]" in short_ids(outcomes, "passed")


def test_an_unauthenticated_write_does_not_touch_tenant_a(pytester: pytest.Pytester, run_launchready: Any,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """auth's DELETE without credentials succeeds; it must hit a stand-in tenant's project, not tenant A's,
    or the isolation read tests on A's project would be NOT RUN and the intent leak hidden behind it."""
    monkeypatch.setenv("REVIEW_FLAWS", "anonymous-delete,intent-parent-unchecked")
    cookie_project(pytester)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=auth,tenant_isolation")
    assert short_ids(outcomes, "failed") == [FLAWS["anonymous-delete"], FLAWS["intent-parent-unchecked"]], result.stdout.str()


# --- A RealWorld-shaped API: envelopes, slugs and usernames, trailing slashes (tests/apps/realworld_shapes.py)

REALWORLD_INI = """launchready_roles = user
launchready_public_routes =
    POST /api/users
    POST /api/users/login
    GET /api/notes/{note_id}
launchready_exclude_routes =
    * /docs
    * /docs/oauth2-redirect
    * /redoc
    * /openapi.json
"""
REALWORLD_OBJECT_ROUTES = [
    "test_tenant_isolation[PATCH /api/notes/{note_id}]",
    "test_tenant_isolation[PUT /api/users/{username}/email]",
    "test_tenant_isolation[GET /api/books/{book_title}]",
    "test_tenant_isolation[PUT /api/articles/{slug}/topic]",
    "test_tenant_isolation[DELETE /api/articles/{slug}]",
    "test_tenant_isolation[GET /api/articles/{slug}]",
    "test_tenant_isolation[PUT /api/articles/{slug}]",
    "test_tenant_isolation[GET /api/users/{username}/settings]",
    "test_tenant_isolation[PUT /api/users/{username}/settings]",
]


def test_secure_realworld_shapes_test_every_object_route_and_pass(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Wrapped answers, ids named slug and username, POST /api/articles/ with a trailing slash: seeding
    finds every object, so each object route is tested (none NOT RUN) and passes."""
    monkeypatch.delenv("RW_FLAWS", raising=False)
    make_project(pytester, "realworld_shapes", REALWORLD_INI, REALWORLD_LOGIN)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=tenant_isolation", "-rs")
    assert short_ids(outcomes, "failed") == [] and short_ids(outcomes, "error") == [], result.stdout.str()
    assert set(REALWORLD_OBJECT_ROUTES) <= set(short_ids(outcomes, "passed"))
    assert not [r for r in skip_reasons(result).values() if "has no id" in r]
    result.stdout.fnmatch_lines(["tenant_isolation*PASS*11/11 routes*"])


@pytest.mark.parametrize(("flaws", "expected"), [
    ("read-any", ["test_tenant_isolation[GET /api/articles/{slug}]"]),
    ("write-any", ["test_tenant_isolation[DELETE /api/articles/{slug}]", "test_tenant_isolation[PUT /api/articles/{slug}]"]),
    ("settings-any", ["test_tenant_isolation[GET /api/users/{username}/settings]",
                      "test_tenant_isolation[PUT /api/users/{username}/settings]"]),
    ("books-any", ["test_tenant_isolation[GET /api/books/{book_title}]"]),
    # One enum, no free text, 204 without a body: only a value the object does not have yet shows the write.
    ("topic-any", ["test_tenant_isolation[PUT /api/articles/{slug}/topic]"]),
    # The spec marks the field optional; the app refuses {} with 400: only a complete body is a real attempt.
    ("email-any", ["test_tenant_isolation[PUT /api/users/{username}/email]"]),
    # A crash on one's own article too is not about whose id it is: never blamed on tenant A's id.
    ("update-crash", []),
    # Anyone reads a note, only its author edits it: the public GET is where the swapped write shows.
    ("notes-any", ["test_tenant_isolation[PATCH /api/notes/{note_id}]"]),
])
def test_each_realworld_defect_fails_exactly_its_routes(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch, flaws: str, expected: list[str],
) -> None:
    monkeypatch.setenv("RW_FLAWS", flaws)
    make_project(pytester, "realworld_shapes", REALWORLD_INI, REALWORLD_LOGIN)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=tenant_isolation")
    assert short_ids(outcomes, "failed") == expected, result.stdout.str()



@pytest.mark.parametrize(("login", "tested"), [(REALWORLD_LOGIN, False), (REALWORLD_IDENTITY_LOGIN, True)],
                         ids=["no identity: NOT RUN", "Credentials(identity=...)"])
def test_the_login_can_say_who_the_user_is_when_no_route_does(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch, login: str, tested: bool,
) -> None:
    """With GET /api/user excluded, only the login knows the username that /api/users/{username}/settings takes."""
    monkeypatch.setenv("RW_FLAWS", "settings-any")
    make_project(pytester, "realworld_shapes", REALWORLD_INI + "    * /api/user\n", login)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=tenant_isolation")
    settings = ["test_tenant_isolation[GET /api/users/{username}/settings]",
                "test_tenant_isolation[PUT /api/users/{username}/settings]"]
    assert short_ids(outcomes, "failed") == (settings if tested else []), result.stdout.str()
    assert (set(settings) <= set(short_ids(outcomes, "skipped"))) is not tested



@pytest.mark.parametrize(("flaws", "outcome"), [("", "passed"), ("no-throttle", "failed")])
def test_a_login_burst_sends_the_wrapped_body_the_login_reads(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch, flaws: str, outcome: str,
) -> None:
    """POST /api/users/login wants {"user": {"email", "password"}}: wrong passwords, not 50 malformed bodies (422)."""
    monkeypatch.setenv("RW_FLAWS", flaws)
    make_project(pytester, "realworld_shapes", REALWORLD_INI, REALWORLD_LOGIN)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=rate_limits")
    assert outcomes.by_id["launchready::test_rate_limits[POST /api/users/login]"] == outcome, result.stdout.str()
    if outcome == "failed":
        result.stdout.fnmatch_lines(["*Sent 50 wrong-password attempts to POST /api/users/login*none was answered 429 (50x 401)*"])


MALFORMED_LOGIN_APP = """
from fastapi import FastAPI, HTTPException, Request
from pydantic import BaseModel

app = FastAPI()

class Login(BaseModel):
    email: str = ""
    password: str = ""

@app.post("/auth/login")
async def login(payload: Login, request: Request):
    raw = await request.json()
    if "creds" not in raw:  # the spec does not say so: what the app really wants is {"creds": {...}}
        raise HTTPException(422, f"expected creds, got {raw}")
    raise HTTPException(401, "wrong email or password")
"""


def test_a_login_that_refuses_the_burst_as_malformed_is_not_run(pytester: pytest.Pytester, run_launchready: Any) -> None:
    """The spec describes the body wrongly, so the burst cannot send one the login reads: 50 x 422 proves
    nothing. The answer echoes the wrong password the burst made up: the reason never prints it."""
    pytester.makepyfile(myapp=MALFORMED_LOGIN_APP)
    pytester.makeini("[pytest]\nlaunchready_app = myapp:app\nlaunchready_public_routes =\n    POST /auth/login\n")
    result, outcomes = run_launchready("--launchready", "--launchready-checks=rate_limits", "-rs")
    assert outcomes.by_id["launchready::test_rate_limits[POST /auth/login]"] == "skipped", result.stdout.str()
    result.stdout.fnmatch_lines(["*POST /auth/login answered 422 to the burst's first body*would not reach the credential check*"])
    assert "expected creds, got" in result.stdout.str() and "lr-wrong-" not in result.stdout.str()



@pytest.mark.parametrize(("flaws", "outcome"), [("", "passed"), ("settings-mass", "failed")])
def test_privileged_fields_are_sent_inside_the_envelope_the_app_reads(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch, flaws: str, outcome: str,
) -> None:
    """PUT /api/users/{username}/settings takes {"user": {...}}: is_admin at the top level proves nothing."""
    monkeypatch.setenv("RW_FLAWS", flaws)
    make_project(pytester, "realworld_shapes", REALWORLD_INI, REALWORLD_LOGIN)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=validation",
                                       "-k", "settings and PUT")
    assert outcomes.by_id["launchready::test_validation[PUT /api/users/{username}/settings]"] == outcome, result.stdout.str()
    if outcome == "failed":
        result.stdout.fnmatch_lines(["*privileged field(s)*is_admin=True*"])



def test_a_write_that_answers_with_what_anyone_may_read_is_not_a_leak(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Liking a public note answers with the note: its text is tenant A's, but a public GET shows it to anyone."""
    monkeypatch.setenv("RW_LIKES", "1")
    monkeypatch.delenv("RW_FLAWS", raising=False)
    make_project(pytester, "realworld_shapes", REALWORLD_INI, REALWORLD_LOGIN)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=tenant_isolation", "-k", "like")
    assert outcomes.by_id["launchready::test_tenant_isolation[POST /api/notes/{note_id}/like]"] == "passed", result.stdout.str()


@pytest.mark.parametrize(("flaws", "failed"), [
    ("", []),
    ("write-any,topic-any", ["launchready::test_tenant_isolation[DELETE /api/articles/{slug}]",
                             "launchready::test_tenant_isolation[PUT /api/articles/{slug}/topic]",
                             "launchready::test_tenant_isolation[PUT /api/articles/{slug}]"]),
])
def test_a_public_list_of_everyone_is_not_read_as_the_victims_object(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch, flaws: str, failed: list[str],
) -> None:
    """A public, newest-first list of every article: tenant B deleting its own article (one of the
    swapped-id variants) shifts tenant A's row in it, and other rows come and go; only A's own row
    may be compared, never positions in the list. Real cross-tenant writes still show there."""
    monkeypatch.setenv("RW_PUBLIC_LIST", "1")
    monkeypatch.setenv("RW_FLAWS", flaws)
    make_project(pytester, "realworld_shapes", REALWORLD_INI.replace("    GET /api/notes/{note_id}\n",
                                                                     "    GET /api/notes/{note_id}\n    GET /api/articles/\n"),
                 REALWORLD_LOGIN)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=tenant_isolation", "-k", "articles and slug")
    assert outcomes.ids("failed") == sorted(failed), result.stdout.str()


@pytest.mark.parametrize(("flaws", "failed"), [
    ("", []),
    ("profile-by-body", ["test_tenant_isolation[PUT /api/profile]"]),
    ("newsletter-by-body", ["test_tenant_isolation[PUT /api/newsletter]"]),
], ids=["secure", "profile-by-body", "newsletter-by-body"])
def test_a_body_field_that_names_the_caller_is_swapped_like_an_id(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch, flaws: str, failed: list[str],
) -> None:
    """PUT /api/profile {"username", "bio"} and PUT /api/newsletter {"email", "footer"} take no id, only a
    field that says who the caller is: tenant B sends tenant A's username (email), and A's re-read shows
    whether the app believed it. The secure twins ignore the username, or refuse an email not the caller's.
    POST /api/messages/ {"email", "text"} creates a message for whoever the email names: not the caller."""
    monkeypatch.setenv("RW_CALLER", "1")
    monkeypatch.setenv("RW_FLAWS", flaws)
    make_project(pytester, "realworld_shapes", REALWORLD_INI, REALWORLD_LOGIN)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=tenant_isolation",
                                       "-k", "(PUT and (profile or newsletter)) or (POST and messages)")
    routes = ["test_tenant_isolation[PUT /api/newsletter]", "test_tenant_isolation[PUT /api/profile]"]
    assert short_ids(outcomes, "failed") == failed, result.stdout.str()
    assert sorted(short_ids(outcomes, "passed") + failed) == routes, result.stdout.str()
    # A message to tenant A's email lands in A's inbox by design: a create's email names the recipient.
    assert short_ids(outcomes, "skipped") == ["test_tenant_isolation[POST /api/messages/]"]
    if failed:
        field = "username" if "profile" in flaws else "email"
        result.stdout.fnmatch_lines([f"*as tenant B (*), with tenant A's {field}=*in the body*",
                                     "*re-reading GET /api/* as tenant A shows the write: it now holds the attacker's canary*"])


@pytest.mark.parametrize("told", [False, True], ids=["no who-am-I: NOT RUN", "Credentials(identity={'email': ...})"])
def test_the_login_can_say_the_email_a_body_names_the_caller_by(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch, told: bool,
) -> None:
    """With GET /api/user excluded nothing answers tenant A's email: PUT /api/newsletter is NOT RUN naming
    what would enable it, until the login tells the email."""
    monkeypatch.setenv("RW_CALLER", "1")
    monkeypatch.setenv("RW_FLAWS", "newsletter-by-body")
    login = REALWORLD_LOGIN.replace("return Credentials(headers={", "return Credentials(identity={'email': user['email']}, headers={")
    make_project(pytester, "realworld_shapes", REALWORLD_INI + "    GET /api/user\n", login if told else REALWORLD_LOGIN)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=tenant_isolation", "-k", "PUT and newsletter", "-rs")
    outcome = outcomes.by_id["launchready::test_tenant_isolation[PUT /api/newsletter]"]
    assert outcome == ("failed" if told else "skipped"), result.stdout.str()
    if not told:
        result.stdout.fnmatch_lines(["*the body names the caller (email), but tenant A's email is unknown*"
                                     "Credentials(identity={'email': ...}, ...)*"])


def test_a_crash_on_a_value_another_user_holds_is_a_warning_not_a_cross_tenant_write(
    pytester: pytest.Pytester, run_launchready: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """PUT /api/profile with tenant A's username crashes (a unique constraint) and changes nothing: the
    crash is the validation check's business; tenant A's profile is untouched, so isolation holds."""
    monkeypatch.setenv("RW_CALLER", "1")
    monkeypatch.setenv("RW_FLAWS", "profile-unique")
    make_project(pytester, "realworld_shapes", REALWORLD_INI, REALWORLD_LOGIN)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=tenant_isolation", "-k", "PUT and profile")
    assert outcomes.by_id["launchready::test_tenant_isolation[PUT /api/profile]"] == "passed", result.stdout.str()
    assert "a crash on a value another user holds" in result.stdout.str()
