"""The validation check as users meet it, and its generators and detectors on their own."""

from __future__ import annotations

import json
import re

import hypothesis  # noqa: F401 - imported once here rather than again in every in-process run below
import pytest

import fastapi  # noqa: F401 - likewise
import flask  # noqa: F401 - likewise
import pytest_launchready.checks.validation.check  # noqa: F401 - likewise
import pytest_launchready.target  # noqa: F401 - likewise
from pytest_launchready.checks import disclosure
from pytest_launchready.checks.validation import payloads
from pytest_launchready.checks.validation.faults import FIX_DISCLOSE
from pytest_launchready.tenants import bodies

from support.logins import SIGNUP_LOGIN
from support.projects import make_project
from support.runs import CaseRun, generated_ids, outcomes

RUN = ("--launchready", "--launchready-checks=validation", "-p", "no:cacheprovider")

FASTAPI_IDS = [
    "GET /docs", "GET /docs/oauth2-redirect", "POST /auth/login", "POST /auth/signup", "GET /health", "GET /me",
    "PATCH /me", "GET /notes", "POST /notes", "GET /notes/{note_id}", "PATCH /notes/{note_id}",
    "POST /notes/{note_id}/comments", "GET /openapi.json", "POST /projects", "GET /projects/{project_id}",
    "PATCH /projects/{project_id}", "GET /redoc",
]  # fmt: skip


def fastapi_project(pytester: pytest.Pytester, conftest: str = SIGNUP_LOGIN) -> None:
    make_project(pytester, "validation_fastapi", """
        launchready_public_routes =
            POST /auth/signup
            POST /auth/login
            GET /health
        """, conftest)


def flask_project(pytester: pytest.Pytester) -> None:
    make_project(pytester, "validation_flask", spec=True)


def ids(*keys: str) -> list[str]:
    return generated_ids("validation", *keys)


# --- as users meet it ----------------------------------------------------------------------------


def test_one_item_per_write_and_read_route(pytester: pytest.Pytester) -> None:
    fastapi_project(pytester)
    result = pytester.runpytest_inprocess(*RUN, "--collect-only", "-q")
    collected = sorted(line for line in result.stdout.lines if line.startswith("launchready::"))
    assert collected == ids(*FASTAPI_IDS)


def test_secure_fastapi_app_is_all_green(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VALIDATION_FLAWS", raising=False)
    fastapi_project(pytester)
    result = pytester.runpytest_inprocess(*RUN, "--launchready-strict")
    assert outcomes(result) == {"failed": [], "passed": ids(*FASTAPI_IDS), "skipped": []}
    result.stdout.fnmatch_lines(["validation*PASS*17/17 routes*"])
    assert result.ret == 0


def test_fuzzing_leaves_nothing_in_the_users_repository_and_caches_in_the_users_cache(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    # A subprocess: hypothesis fixes its home directory (cwd/.hypothesis) when first imported.
    monkeypatch.delenv("VALIDATION_FLAWS", raising=False)
    cache = pytester.path.parent / f"{pytester.path.name}-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    fastapi_project(pytester)
    result = pytester.runpytest_subprocess(*RUN, "-k", "POST")
    assert result.ret == 0
    assert not (pytester.path / ".hypothesis").exists()  # neither an example database nor caches
    # The caches went to the user's cache directory instead, kept for the next run and the other xdist workers.
    assert list((cache / "pytest-launchready" / "hypothesis").rglob("*.json.gz"))


def test_each_flaw_fails_its_own_route(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VALIDATION_FLAWS", "crash,traceback,sql,role,signup-role,owner,echo,hash")
    fastapi_project(pytester)
    result = pytester.runpytest_inprocess(*RUN, "-rf")
    flawed = ["POST /notes", "PATCH /notes/{note_id}", "POST /notes/{note_id}/comments", "PATCH /me", "POST /auth/signup",
              "POST /projects", "GET /me"]
    assert outcomes(result)["failed"] == ids(*flawed)
    assert "launchready::test_validation[PATCH /projects/{project_id}]" in outcomes(result)["passed"]  # echoed, not stored
    out = result.stdout.str()
    for expected in (
        "missing 'title': answered 500",  # crash
        "disclosing Python traceback in body",  # traceback
        "disclosing SQL error in body",  # sql
        "missing 'text': accepted with 201",  # schema not enforced
        "re-reading the object (GET /me) shows role='admin'",  # mass assignment on update
        "re-reading the object (logging in as the new user and GET /me) shows role='admin'",  # on sign-up
        "the object can no longer be read back (GET /projects/{project_id})",  # ownership moved
        "password hash field 'password_hash' in $.password_hash",  # exposure
    ):
        assert expected in out, expected
    assert "pbkdf2_sha256$1000$" not in out  # the hash itself is never printed
    assert "Bearer tok" not in out
    assert result.ret == 1


def test_a_refused_valid_body_is_not_run_never_a_silent_pass(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """POST /projects takes org_id from the body ("owner"), but refuses every name the spec allows: with
    the valid body refused, mass assignment is never tried, so the route cannot pass."""
    monkeypatch.setenv("VALIDATION_FLAWS", "name-rule,owner,login-400")
    fastapi_project(pytester)
    result = pytester.runpytest_inprocess(*RUN, "-rs", "-k", "POST and (projects or login)")
    # A login refusing the made-up credentials with 400 is its answer, not a body it could not read.
    assert outcomes(result) == {"failed": [], "passed": ids("POST /auth/login"), "skipped": ids("POST /projects")}
    result.stdout.fnmatch_lines(["*POST /projects refused the plugin's valid body with 422 (*prj-*)*privileged fields*"
                                 "were not tried*"])


def test_a_refused_valid_body_is_named_next_to_the_other_findings(pytester: pytest.Pytester,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A wrong-typed priority still crashes POST /notes (the finding), while its valid body is refused: the
    failure says that privileged fields were not tried, rather than hiding it behind the crash."""
    monkeypatch.setenv("VALIDATION_FLAWS", "crash,name-rule")
    fastapi_project(pytester)
    result = pytester.runpytest_inprocess(*RUN, "-k", "POST and notes and not comments")
    assert outcomes(result)["failed"] == ids("POST /notes")
    result.stdout.fnmatch_lines(["*answered 500*", "*(not tried) privileged fields: POST /notes refused the plugin's valid "
                                 "body with 422*n-*"])


def test_private_routes_need_login_public_ones_still_run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VALIDATION_FLAWS", raising=False)
    fastapi_project(pytester, conftest="")
    result = pytester.runpytest_inprocess(*RUN, "-rs")
    got = outcomes(result)
    assert got["failed"] == []
    assert ids("POST /auth/signup", "POST /auth/login", "GET /health") == sorted(
        set(got["passed"]) & set(ids("POST /auth/signup", "POST /auth/login", "GET /health")))
    assert "launchready::test_validation[PATCH /me]" in got["skipped"]
    result.stdout.fnmatch_lines(["SKIPPED*needs launchready_login*", "validation*7/17 routes*10 not run: needs launchready_login*"])


def test_secure_flask_app_passes(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VALIDATION_FLAWS", raising=False)
    flask_project(pytester)
    result = pytester.runpytest_inprocess(*RUN, "-rs")
    got = outcomes(result)
    assert got["failed"] == [] and got["passed"] == ids("POST /items")
    # Nothing was created before the read ran: an empty list is NOT RUN, never a PASS.
    assert got["skipped"] == ids("GET /items")
    result.stdout.fnmatch_lines(["*GET /items answered an empty body*nothing to scan*"])


@pytest.mark.parametrize(
    ("flaw", "expected"),
    [
        ("debugger", "disclosing Python traceback in body, Werkzeug debugger page in body"),
        ("nesting", "arrays nested 10000 deep: answered 500"),
    ],
)
def test_flask_flaws_fail(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, flaw: str, expected: str) -> None:
    monkeypatch.setenv("VALIDATION_FLAWS", flaw)
    flask_project(pytester)
    result = pytester.runpytest_inprocess(*RUN)
    assert outcomes(result)["failed"] == ids("POST /items")
    assert expected in result.stdout.str()


def test_unenforced_limit_is_a_warning(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VALIDATION_FLAWS", "lenient")
    flask_project(pytester)
    result = pytester.runpytest_inprocess(*RUN)
    assert outcomes(result)["failed"] == [] and outcomes(result)["passed"] == ids("POST /items")
    result.stdout.fnmatch_lines(["*too long 'name'*was accepted with 201*", "validation*WARN*"])


# --- generators ----------------------------------------------------------------------------------

SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["title", "count", "kind"],
    "properties": {
        "title": {"type": "string", "minLength": 1, "maxLength": 10},
        "count": {"type": "integer", "minimum": 1, "maximum": 5},
        "kind": {"type": "string", "enum": ["a", "b"]},
        "done": {"anyOf": [{"type": "boolean"}, {"type": "null"}]},
    },
}


def test_generation_is_reproducible_and_seeded() -> None:
    base = bodies.valid_body(SCHEMA, "x1")
    first = payloads.all_probes(SCHEMA, base, True, seed="0:POST /x")
    again = payloads.all_probes(SCHEMA, base, True, seed="0:POST /x")
    other = payloads.all_probes(SCHEMA, base, True, seed="1:POST /x")
    assert [p.content for p in first] == [p.content for p in again]
    assert [p.content for p in first] != [p.content for p in other]
    assert len(payloads.generate(SCHEMA, base, seed=5, budget=7)) == 7


def test_required_violations_come_first_and_cover_every_required_field() -> None:
    probes = payloads.all_probes(SCHEMA, bodies.valid_body(SCHEMA, "x1"), True, seed=0)
    order = [payloads._VIOLATION_ORDER.index(p.violation) for p in probes]
    assert order == sorted(order)
    required = {(p.kind, p.field) for p in probes if p.violation == payloads.REQUIRED}
    for name in ("title", "count", "kind"):
        assert ("missing", name) in required and ("wrong type", name) in required
    assert ("not in enum", "kind") in required
    assert ("wrong type", "done") in {(p.kind, p.field) for p in probes if p.violation == payloads.DECLARED}


def test_wrong_types_are_never_coercible() -> None:
    probes = payloads.all_probes(SCHEMA, bodies.valid_body(SCHEMA, "x1"), True, seed=3)
    for probe in probes:
        if probe.kind != "wrong type" or not probe.field:
            continue
        value = json.loads(probe.content)[probe.field]
        if probe.field == "count":
            assert isinstance(value, (dict, list)) or (isinstance(value, str) and not value.lstrip("-").isdigit())
        if probe.field == "title":
            assert isinstance(value, (dict, list)), value  # never a number: DRF turns 1 into "1"
        if probe.field == "done":
            assert value not in (0, 1, "true", "false", "0", "1", True, False)


def test_unknown_fields_are_violations_only_when_forbidden() -> None:
    open_schema = {**SCHEMA, "additionalProperties": True}
    base = bodies.valid_body(SCHEMA, "x1")
    closed = {p.violation for p in payloads.all_probes(SCHEMA, base, True, seed=0) if p.kind == "unknown field"}
    opened = {p.violation for p in payloads.all_probes(open_schema, base, True, seed=0) if p.kind == "unknown field"}
    assert closed == {payloads.DECLARED} and opened == {payloads.NONE}


def test_probes_keep_the_declared_json_media_type() -> None:
    merge = "application/merge-patch+json"
    probes = payloads.all_probes(SCHEMA, bodies.valid_body(SCHEMA, "x1"), True, seed=0, content_type=merge)
    types = {p.kind: p.content_type for p in probes}
    assert types["malformed JSON"] == types["missing"] == types["deep nesting"] == merge
    assert types["wrong content type"] == "text/plain"


def test_valid_body_is_unique_and_uses_known_ids() -> None:
    schema = {"type": "object", "required": ["email", "conversation_id", "name"], "properties": {
        "email": {"type": "string", "examples": ["ana@clinic.example"]}, "conversation_id": {"type": "string"},
        "name": {"type": "string", "minLength": 5}}}
    one = bodies.valid_body(schema, "aa", {"conversation_id": "c-42"})
    two = bodies.valid_body(schema, "bb", {"conversation_id": "c-42"})
    assert one["email"] != two["email"] and one["email"].endswith("@example.com")
    assert one["conversation_id"] == "c-42" and len(one["name"]) >= 5


def test_privileged_values_differ_from_what_the_object_had() -> None:
    roles = ("owner", "admin", "member")
    assert payloads.privileged_value("role", "owner", roles, str) == "admin"
    assert payloads.privileged_value("role", "member", roles, str) == "owner"
    assert payloads.privileged_value("is_admin", True, roles, str) is None
    assert payloads.privileged_value("isAdmin", None, roles, str) is True
    assert payloads.privileged_value("org_id", "org-1", roles, lambda b: f"not-{b}") == "not-org-1"


# --- detectors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "status", "kind"),
    [
        ('Traceback (most recent call last):\n  File "/app/main.py", line 3, in f', 500, "Python traceback"),
        ("java.lang.IllegalStateException\n\tat com.acme.Api.save(Api.java:42)", 500, "Java stack trace"),
        ("TypeError: x\n    at Object.<anonymous> (/srv/app/index.js:12:5)", 500, "Node.js stack trace"),
        ('{"error": "near \\"x\\": syntax error"}', 400, "SQL error"),
        ("ERROR: duplicate key value violates unique constraint \"users_email_key\"", 409, "SQL error"),
        ('{"error": "SELECT id, email FROM users WHERE email = 1"}', 400, "SQL text"),
        ("<h1>Werkzeug Debugger</h1>", 500, "Werkzeug debugger page"),
        ("You're seeing this error because you have <code>DEBUG = True</code> in your Django settings file", 404, "Django debug page"),
        ("goroutine 1 [running]:\nmain.main()", 500, "Go panic"),
    ],
)
def test_debug_output_is_recognised(text: str, status: int, kind: str) -> None:
    assert kind in {d.kind for d in disclosure.debug_leaks(text, status)}


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ('{"detail": "Select a plan from the list"}', 400),  # prose, not SQL
        ('{"title": "SELECT name FROM menu"}', 200),  # SQL-looking content in a success is content
        ('{"detail": [{"loc": ["body", "title"], "msg": "Field required"}]}', 422),
        ('{"url": "/static/app.js", "path": "/docs/guide"}', 400),
    ],
)
def test_ordinary_answers_are_not_debug_output(text: str, status: int) -> None:
    assert disclosure.debug_leaks(text, status) == []


def test_an_echo_of_the_request_is_not_a_disclosure() -> None:
    sent = '{"title": "Traceback (most recent call last)"}'
    answer = '{"detail": [{"input": "Traceback (most recent call last)"}]}'
    assert disclosure.debug_leaks(answer, 422, sent=sent) == []


def test_sensitive_fields_need_a_real_value() -> None:
    found = disclosure.scan(b'{"user": {"passwordHash": "$2b$12$' + b"a" * 53 + b'"}}', 200, "application/json", read=True)
    assert {d.kind for d in found} == {"bcrypt password hash", "password hash field 'passwordHash'"}
    clean = b'{"password": null, "password_set": true, "api_key": "sk_****abcd", "secret": "whsec_...9f2c", "has_password": "yes"}'
    assert disclosure.scan(clean, 200, "application/json", read=True) == []
    spec = b'{"openapi": "3.1.0", "paths": {}, "components": {"examples": {"password": "hunter22"}}}'
    assert disclosure.scan(spec, 200, "application/json", read=True) == []


def test_keys_and_tokens_are_expected_once_from_a_write_not_from_a_read() -> None:
    body = b'{"api_key": "k-1234567890", "access_token": "t-1234567890"}'
    assert disclosure.scan(body, 201, "application/json", read=False) == []
    assert {d.kind for d in disclosure.scan(body, 200, "application/json", read=True)} == {
        "sensitive field 'api_key'", "sensitive field 'access_token'"}


def test_a_route_that_issues_tokens_may_answer_one() -> None:
    """Mealie's GET /api/auth/refresh answers a new access token: its job, not a disclosure (it failed
    HIGH); any other read answering a session token still fails, and a token route's secrets still do."""
    from pytest_launchready.routes import Route, vocabulary

    token = b'{"access_token": "t-1234567890", "token_type": "bearer"}'
    assert disclosure.scan(token, 200, "application/json", read=True, issues_tokens=True) == []
    assert {d.kind for d in disclosure.scan(token, 200, "application/json", read=True)} == {"sensitive field 'access_token'"}
    secret = b'{"access_token": "t-1234567890", "client_secret": "cs-1234567890"}'
    assert {d.kind for d in disclosure.scan(secret, 200, "application/json", read=True, issues_tokens=True)} == {
        "sensitive field 'client_secret'"}
    issuing = ["/api/auth/refresh", "/oauth/token", "/auth/refresh-token", "/api/sessions", "/api/v1/login"]
    assert [p for p in issuing if vocabulary.issues_tokens(Route("GET", p))] == issuing
    others = ["/api/users/self", "/api/users/api-tokens/{token_id}/usage", "/api/tokenizer", "/me"]
    assert [p for p in others if vocabulary.issues_tokens(Route("GET", p))] == []


def test_xdist_gives_the_same_verdicts(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VALIDATION_FLAWS", "hash,crash")
    fastapi_project(pytester)
    result = pytester.runpytest_subprocess(*RUN, "-n", "2", "--dist=load", "-rf")
    result.stdout.fnmatch_lines(["FAILED launchready::test_validation[[]GET /me[]]*", "validation*FAIL*"])
    result.stdout.fnmatch_lines(["FAILED launchready::test_validation[[]POST /notes[]]*"])
    result.assert_outcomes(passed=15, failed=2)


def test_each_kind_of_finding_has_its_own_title(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """POST /notes/{note_id}/comments reads raw JSON (no enforced schema) and answers with its SQL errors: two
    faults, so two titles. The failure's first line is the first finding's own, not a count of requests."""
    monkeypatch.setenv("VALIDATION_FLAWS", "sql")
    fastapi_project(pytester)
    run = CaseRun(pytester, *RUN, "-k", "comments")
    assert run.ids("failed") == ["POST /notes/{note_id}/comments"]
    lines = run.messages()[0].splitlines()
    # Worst first: the SQL disclosure (medium) leads, the unenforced schema (low) follows under its own title.
    assert re.fullmatch(r"AssertionError: \[MEDIUM\] Sent POST /notes/\w+/comments as throwaway tenant \S+ \(owner\): "
                        r".*disclosing SQL error in body\.", lines[0]), lines[0]
    others = [line for line in lines if line.startswith("Another finding in this test: ")]
    assert len(others) == 1 and others[0].endswith("missing 'text': accepted with 201."), others
    assert lines.index(others[0]) > lines.index("Fix: " + FIX_DISCLOSE)  # after the first finding's own fix
