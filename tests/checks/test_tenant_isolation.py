"""tenant_isolation as users meet it: exact failing ids on vulnerable apps, all green on secure ones and
on the traps (apps that answer with the caller's own data), seeding with and without launchready_seed;
then direct tests of the seeding, id-variant and leak-recognition helpers."""

from __future__ import annotations

import random
import re
from typing import Any

import httpx
import pytest

from pytest_launchready.checks.idfuzz import Position, select, variants
from pytest_launchready.checks.probing import difference
from pytest_launchready.routes import Parameter, Route
from pytest_launchready.tenants.seeding import Seeder, blank, collection_of, is_create_route, seed_body, singular
from pytest_launchready.config.settings import Settings
from pytest_launchready.tenants.leaks import Victim, find_leak, sent_values
from support.logins import INVITE_LOGIN, ORG_ROLE_LOGIN
from support.projects import isolation_project
from support.runs import run_cases, skip_reasons

VAULT_SEED = '''

@pytest.fixture(scope="session")
def launchready_seed(launchready_client):
    def seed(tenant):
        vault = launchready_client.post("/vaults/import", json={"name": f"vault {tenant.canary}"}, auth=tenant.credentials)
        vault.raise_for_status()
        return {"vault_id": vault.json()["id"]}
    return seed
'''

ISOLATION_TESTED = [
    "GET /admin/users",
    "PATCH /admin/users/{user_id}",
    "DELETE /admin/users/{user_id}",
    "POST /chat",
    "GET /conversations",
    "GET /conversations/{conversation_id}",
    "PATCH /conversations/{conversation_id}",
    "DELETE /conversations/{conversation_id}",
    "GET /conversations/{conversation_id}/messages",
    "POST /conversations/{conversation_id}/messages",
    "GET /conversations/{conversation_id}/messages/{message_id}",
    "DELETE /conversations/{conversation_id}/messages/{message_id}",
    "GET /documents",
    "GET /documents/{document_id}",
    "GET /me",
    "GET /search",
]
NO_OBJECT_ID = ["POST /conversations", "POST /documents", "POST /orgs/invites"]

ISOLATION_FLAWS = {
    "list-leak": "GET /conversations",
    "read-any-conversation": "GET /conversations/{conversation_id}",
    "patch-foreign": "PATCH /conversations/{conversation_id}",
    "delete-foreign": "DELETE /conversations/{conversation_id}",
    "nested-parent-only": "GET /conversations/{conversation_id}/messages/{message_id}",
    "system-docs-shared": "GET /documents/{document_id}",
    "search-leak": "GET /search",
    "chat-foreign-conversation": "POST /chat",
}


def assert_no_raw_token(output: str) -> None:
    assert not re.search(r"Bearer (?!\[REDACTED\])[A-Za-z0-9_-]{8,}", output), "a raw token reached the output"


# --- FastAPI: secure, vulnerable, traps ------------------------------------------------------------


def test_secure_app_passes_everything(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ISOLATION_FLAWS", raising=False)
    isolation_project(pytester)
    result, outcome = run_cases(pytester, "--launchready-checks=tenant_isolation", "-v")
    result.stdout.fnmatch_lines([
        "launchready::test_tenant_isolation[[]GET /conversations/{conversation_id}[]] PASSED*",
        "launchready::test_tenant_isolation[[]GET /conversations/{conversation_id}/messages/{message_id}[]] PASSED*",
    ])
    assert outcome["failed"] == []
    assert outcome["passed"] == sorted(ISOLATION_TESTED)
    reasons = skip_reasons(result)
    assert len(reasons) == len(NO_OBJECT_ID) + 8  # 8 public: the auth routes, health and FastAPI's docs
    assert all(reasons[key].startswith("BY DESIGN: takes no object id") for key in NO_OBJECT_ID)
    assert reasons["GET /health"].startswith("BY DESIGN: public by design")
    result.stdout.fnmatch_lines(["tenant_isolation*PASS*16/16 routes*"])
    assert result.ret == 0


def test_vulnerable_app_fails_exactly_the_flawed_routes(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISOLATION_FLAWS", ",".join(ISOLATION_FLAWS))
    isolation_project(pytester)
    result, outcome = run_cases(pytester, "--launchready-checks=tenant_isolation")
    assert outcome["failed"] == sorted(ISOLATION_FLAWS.values())
    assert outcome["passed"] == sorted(set(ISOLATION_TESTED) - set(ISOLATION_FLAWS.values()))
    assert result.ret == 1
    out = result.stdout.str()
    # The read: which tenant sent it with whose id, the canary marked, the curl and the fix.
    assert re.search(r"Sent GET /conversations/cv_\w+ as tenant B \(lr-[\w-]+-b\), with tenant A's conversation_id=cv_\w+\.", out)
    assert re.search(r"body: .*>>>lrcanary[\w-]+-a<<<", out)
    assert "the response carries tenant A's canary lrcanary" in out
    assert "curl -i -X GET -H 'authorization: Bearer [REDACTED]' http://testserver/conversations/cv_" in out
    assert "Fix: Scope every lookup by the caller's tenant" in out
    # The nested route: B's own parent with A's child.
    assert re.search(r"with tenant A's message_id=\d+, and tenant B's own conversation_id=cv_\w+\.", out)
    # Integer neighbours of A's id find A's welcome document (it names A's org id).
    assert re.search(r"with a neighbour [-+]\d of tenant A's document_id=\d+: document_id=\d+\.", out)
    assert re.search(r"carries tenant A's org_id org_\w+", out)
    # Writes are proven by re-reading as A.
    assert re.search(r"re-reading GET /conversations/cv_\w+ as tenant A shows the write: it now answers 404", out)
    assert re.search(r"re-reading GET /conversations/cv_\w+ as tenant A shows the write: it now holds the attacker's canary", out)
    assert re.search(r"re-reading GET /conversations/cv_\w+/messages as tenant A shows the write", out)  # POST /chat
    assert_no_raw_token(out)


def test_caller_own_data_traps_and_shared_routes_pass(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """A foreign id answered with the caller's own object, and a 204 PATCH that renames only the caller's
    own record, reveal and change nothing of tenant A's: no finding. Routes shared by design (here
    leaking lists) are listed, not tested."""
    monkeypatch.setenv("ISOLATION_FLAWS", "own-object-on-foreign-id,patch-own-record,list-leak,search-leak")
    isolation_project(pytester, extra_ini="launchready_shared_routes =\n    GET /conversations\n    GET /search")
    result, outcome = run_cases(pytester, "--launchready-checks=tenant_isolation")
    assert outcome["failed"] == []
    assert "GET /documents/{document_id}" in outcome["passed"] and "PATCH /conversations/{conversation_id}" in outcome["passed"]
    reasons = skip_reasons(result)
    assert reasons["GET /conversations"] == reasons["GET /search"] == "BY DESIGN: shared by design (launchready_shared_routes)"
    assert result.ret == 0


def test_custom_deny_status_and_xdist(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each xdist worker seeds its own tenants; the same ids fail."""
    monkeypatch.setenv("ISOLATION_FLAWS", "read-any-conversation,patch-foreign")
    isolation_project(pytester, extra_ini="launchready_deny_status =\n    403")
    result = pytester.runpytest_subprocess("--launchready", "--launchready-checks=tenant_isolation", "-n", "2", "--dist=load",
                                           "-p", "no:cacheprovider", "-rf")
    result.stdout.fnmatch_lines_random([
        "FAILED launchready::test_tenant_isolation[[]GET /conversations/{conversation_id}[]]*",
        "FAILED launchready::test_tenant_isolation[[]PATCH /conversations/{conversation_id}[]]*",
    ])
    result.assert_outcomes(failed=2, passed=len(ISOLATION_TESTED) - 2, skipped=len(NO_OBJECT_ID) + 8)


#: A login whose cache is keyed on the last label of the tenant name: A and B differ, but every
#: throwaway pair a write test makes ("...-x-a", "...-x-b") is handed A's and B's identities.
CACHED_LOGIN = INVITE_LOGIN.replace("    def login(tenant, role):\n", """    cache = {}

    def login(tenant, role):
        key = (tenant.rsplit("-", 1)[-1], role)
        if key not in cache:
            cache[key] = uncached(tenant, role)
        return cache[key]

    def uncached(tenant, role):
""", 1)


def test_one_identity_for_two_tenants_is_a_setup_error_on_every_pair(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISOLATION_FLAWS", ",".join(ISOLATION_FLAWS))
    isolation_project(pytester, conftest=CACHED_LOGIN)
    result = pytester.runpytest_inprocess("--launchready", "-p", "no:cacheprovider", "--launchready-checks=tenant_isolation", "--junitxml=j.xml")
    reports = [r for r in result.reprec.getreports("pytest_runtest_logreport") if r.failed]  # type: ignore[attr-defined]
    errors = sorted(r.nodeid.split("[", 1)[-1].rstrip("]") for r in reports if r.when != "call")
    # The writes (throwaway pairs) are set-up errors; not one is a finding, and none passes.
    assert errors == ["DELETE /admin/users/{user_id}", "DELETE /conversations/{conversation_id}",
                      "DELETE /conversations/{conversation_id}/messages/{message_id}", "PATCH /admin/users/{user_id}",
                      "PATCH /conversations/{conversation_id}", "POST /chat", "POST /conversations/{conversation_id}/messages"]
    reads = sorted(route for route in ISOLATION_FLAWS.values() if route.startswith("GET "))
    assert sorted(r.nodeid.split("[", 1)[-1].rstrip("]") for r in reports if r.when == "call") == reads  # A and B differ: real leaks
    result.stdout.fnmatch_lines(["*set-up error (not a finding): launchready_login returned the same credentials for 'lr-*-a' (owner) and*"])
    result.stdout.fnmatch_lines(["tenant_isolation*ERROR*"])
    assert (pytester.path / "j.xml").read_text().count("<error ") == len(errors)


def test_without_login_is_a_usage_error(pytester: pytest.Pytester) -> None:
    isolation_project(pytester, conftest="")
    result = pytester.runpytest_inprocess("--launchready", "--launchready-checks=tenant_isolation", "-p", "no:cacheprovider")
    assert result.ret == 4
    result.stderr.fnmatch_lines(["*the checks tenant_isolation need tenants, and launchready_login is not defined*"])


def test_qa_helpers_on_the_seeded_tenants(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """QA's own tests, without --launchready: tenant_a/tenant_b come seeded, the helpers give the verdicts."""
    monkeypatch.setenv("ISOLATION_FLAWS", "read-any-conversation")
    isolation_project(pytester)
    pytester.makepyfile(test_mine="""
        from pytest_launchready import assert_denied, assert_no_leak

        def test_read(tenant_a, tenant_b):
            assert_denied(tenant_b.client.get(f"/conversations/{tenant_a.ids['conversation_id']}"))

        def test_search(tenant_a, tenant_b):
            assert_no_leak(tenant_b.client.get("/search", params={"q": tenant_a.canary}), tenant_a)

        def test_messages(tenant_a, tenant_b):
            response = tenant_b.client.get(f"/conversations/{tenant_a.ids['conversation_id']}/messages")
            assert_denied(response)
            assert_no_leak(response, tenant_a)
    """)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*expected the request to be denied (401, 403, 404), it was not:*", "*FAILED test_mine.py::test_read*"])


# --- Flask: introspected routes, guessed bodies, launchready_seed ---------------------------------


def test_flask_app_without_seed_fixture(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """Introspected routes, guessed bodies: all green; vaults only launchready_seed could reach are NOT RUN."""
    monkeypatch.delenv("ISOLATION_FLAWS", raising=False)
    isolation_project(pytester, app="isolation_flask", conftest=ORG_ROLE_LOGIN, public="POST /auth/login")
    result, outcome = run_cases(pytester, "--launchready-checks=tenant_isolation")
    assert outcome["failed"] == []
    assert outcome["passed"] == sorted(["GET /me", "GET /notes", "GET /notes/{note_id}", "PATCH /notes/{note_id}",
                                        "DELETE /notes/{note_id}"])
    reason = skip_reasons(result)["GET /vaults/{vault_id}"]
    assert reason.startswith("tenant A has no id for {vault_id}: POST /vaults/import looks like an action")
    assert "launchready_seed" in reason
    result.stdout.fnmatch_lines(["tenant_isolation*PASS*5/6 routes*1 not run: tenant A has no id for {vault_id}*"])


def test_flask_app_vulnerable_with_seed_fixture(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISOLATION_FLAWS", "read-any-note,notes-list-leak,delete-any-note,patch-any-note,read-any-vault")
    isolation_project(pytester, app="isolation_flask", conftest=ORG_ROLE_LOGIN + VAULT_SEED, public="POST /auth/login")
    _, outcome = run_cases(pytester, "--launchready-checks=tenant_isolation")
    assert outcome["failed"] == sorted(["GET /notes", "GET /notes/{note_id}", "PATCH /notes/{note_id}",
                                        "DELETE /notes/{note_id}", "GET /vaults/{vault_id}"])
    assert outcome["passed"] == ["GET /me"]


# --- helpers, directly -----------------------------------------------------------------------------


def _route(method: str, path: str, body: dict[str, Any] | None = None, query: tuple[Parameter, ...] = ()) -> Route:
    params = tuple(Parameter.make(name, "path", True, {"type": "string"}) for name in re.findall(r"{(\w+)}", path))
    import json

    return Route(method, path, parameters=params + query, body_schema_json=None if body is None else json.dumps(body),
                 body_content_type=None if body is None else "application/json")


def test_path_helpers() -> None:
    assert singular("conversations") == "conversation"
    assert singular("categories") == "category"
    assert singular("addresses") == "address"
    assert singular("api-keys") == "api_key"
    assert blank("/a/{a_id}/b/{b_id}") == "/a/{}/b/{}"
    assert collection_of("/a/{a_id}/b/{b_id}", "b_id") == "/a/{}/b"
    assert collection_of("/a/{a_id}/b/{b_id}", "a_id") == "/a"


def test_create_routes_and_param_names_come_from_the_route_table() -> None:
    routes = (
        _route("POST", "/items"), _route("GET", "/items/{id}"), _route("POST", "/items/{id}/parts"),
        _route("GET", "/items/{id}/parts/{part_id}"), _route("POST", "/orders"), _route("POST", "/auth/logout"),
        _route("POST", "/orders/{order_id}/cancel"), _route("POST", "/vaults/import"),
    )
    settings = Settings()
    seeder = Seeder(routes, settings)
    assert [r.key for r in seeder.creates] == ["POST /items", "POST /items/{id}/parts", "POST /orders"]
    assert seeder._names == {"/items": "id", "/items/{}/parts": "part_id", "/orders": "order_id"}
    assert not is_create_route(_route("POST", "/auth/logout"), settings)
    assert seeder.collections_for([_route("DELETE", "/items/{id}/parts/{part_id}")]) == {"/items", "/items/{}/parts"}


def test_seed_body_writes_the_canary_into_free_text_only() -> None:
    schema = {
        "type": "object",
        "required": ["title", "email", "role", "project_id"],
        "properties": {
            "title": {"type": "string", "maxLength": 200},
            "notes": {"type": "string"},
            "email": {"type": "string", "format": "email"},
            "role": {"type": "string", "enum": ["member", "admin"]},
            "project_id": {"type": "integer"},
            "archived": {"type": "boolean"},
        },
    }
    body = seed_body(_route("POST", "/tasks", schema), "lrcanaryX", {"project_id": "42"}.get)
    email = body.pop("email")
    assert body == {"title": "lrcanaryX", "notes": "lrcanaryX", "role": "member", "project_id": 42}
    # Unique per call: two objects of one tenant (an owner and its invitee) never collide on one address.
    assert re.fullmatch(r"lrcanaryX\.\d+@example\.com", email)
    assert seed_body(_route("POST", "/tasks", schema), "lrcanaryX", {"project_id": "42"}.get)["email"] != email
    assert seed_body(_route("POST", "/notes"), "lrcanaryX", lambda n: None)["title"] == "lrcanaryX"  # no schema: a guess


def test_a_complete_seed_body_fills_every_declared_field_but_privileged_read_only_and_foreign_ids() -> None:
    """A spec that marks nothing required still says what the app wants (issue: bodies built from required only)."""
    schema = {
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "status": {"type": "string", "enum": ["draft", "live"]},
            "due": {"type": "string", "format": "date"},
            "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
            "role": {"type": "string", "enum": ["member", "admin"]},
            "isAdmin": {"type": "boolean"},
            "owner": {"type": "string"},
            "created_at": {"type": "string", "format": "date-time", "readOnly": True},
            "project_id": {"type": "integer"},
            "parent_id": {"type": "integer"},
        },
    }
    route = _route("POST", "/tasks", schema)
    assert seed_body(route, "lrcanaryX", {"project_id": "42"}.get) == {"title": "lrcanaryX", "project_id": 42}
    assert seed_body(route, "lrcanaryX", {"project_id": "42"}.get, complete=True) == {
        "title": "lrcanaryX", "status": "draft", "due": "2026-01-01", "tags": ["a"], "project_id": 42}


def test_id_variants_are_deterministic_and_bounded() -> None:
    path = variants(Position("document_id", "path"), "7", "9", integer=True)
    labels = [v.label for v in path]
    assert "with a trailing slash" in labels and "percent-encoded" in labels and "with a leading zero" in labels
    assert [v.value for v in path if v.neighbour] == ["6", "8", "5", "9"]
    encoded = next(v for v in path if v.label == "percent-encoded")
    assert encoded.value == "%37"
    pollution = next(v for v in path if v.extra_query)
    assert pollution.value == "9" and ("document_id", "7") in pollution.extra_query
    query = variants(Position("conversation_id", "query"), "cv_A", "cv_B")
    assert ["cv_B", "cv_A"] in [v.value for v in query] and "CV_A" in [v.value for v in query]
    body = variants(Position("conversation_id", "body"), "12", "13", integer=False)
    assert [["12"], ["13", "12"], {"id": "12"}, 12] == [v.value for v in body][:4]
    many = list(range(40))
    assert select(many, random.Random("1"), 16) == select(many, random.Random("1"), 16)
    assert len(select(many, random.Random("1"), 16)) == 16 and select(many[:5], random.Random("1"), 16) == many[:5]


def test_find_leak_needs_whole_unsent_ids() -> None:
    a = Victim("tenant A", "lrcanaryAAA", {"conv-1234": "conversation_id", "org_abcdef": "org_id"})
    assert find_leak('{"title": "lrcanaryAAA"}', [a]).what == "tenant A's canary lrcanaryAAA"  # type: ignore[union-attr]
    assert find_leak('{"id": "conv-12345"}', [a]) is None  # a longer id is another object
    assert find_leak('{"id": "conv-1234"}', [a], sent={"conv-1234"}) is None  # an echo of what was asked
    assert find_leak('{"org": "org_abcdef"}', [a]).mark == "org_abcdef"  # type: ignore[union-attr]
    assert "cv_1" in sent_values("GET", "/conversations/cv_1?x=2", {"a": [3]})


def test_difference_names_the_first_change() -> None:
    assert difference([{"role": "member"}, {"role": "member"}], [{"role": "member"}, {"role": "owner"}]) == \
        '[1].role: "member" -> "owner"'
    assert difference([1, 2], [1]) == "the list had 2 items, now 1"


def test_seeding_never_raises_on_app_errors() -> None:
    from pytest_launchready.tenants.seeding import seed_tenant
    from pytest_launchready.tenants import Credentials, Tenant

    def app(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/projects":
            return httpx.Response(500, text="boom")
        raise httpx.ConnectError("down", request=request)

    client = httpx.Client(base_url="http://testserver", transport=httpx.MockTransport(app))
    tenant = Tenant("t", "owner", Credentials(headers={"Authorization": "Bearer x" * 3}), client, "lrcanaryT")
    routes = (_route("POST", "/projects"), _route("POST", "/projects/{project_id}/tasks"), _route("POST", "/labels"))
    seed_tenant(tenant, routes, Settings(), None)
    assert tenant.ids == {}
    assert "POST /projects answered 500: boom" in tenant.seed_notes
    assert "POST /labels failed: ConnectError" in tenant.seed_notes
    assert "POST /projects/{project_id}/tasks not called: no id for {project_id}" in tenant.seed_notes


def test_an_attack_body_never_sends_the_values_the_object_already_has() -> None:
    from pytest_launchready.checks.probing import differing

    schema = {"type": "object", "properties": {
        "status": {"type": "string", "enum": ["draft", "live"]}, "pinned": {"type": "boolean"},
        "rank": {"type": "integer"}, "note": {"type": "string"}, "project_id": {"type": "integer"}}}
    current = {"status": "draft", "pinned": False, "rank": 3, "note": "old", "project_id": 7}
    body = {"status": "draft", "pinned": False, "rank": 3, "note": "lrcanaryB", "project_id": 7}
    assert differing(body, current, schema) == {"status": "live", "pinned": True, "rank": 4, "note": "lrcanaryB", "project_id": 7}
    wrapped = {"type": "object", "properties": {"item": schema}}
    assert differing({"item": {"status": "draft"}}, current, wrapped) == {"item": {"status": "live"}}
    assert differing({"status": "live"}, current, schema) == {"status": "live"}  # already differs
    assert differing(body, None, schema) == body  # nothing read before: sent as built


def test_public_reads_of_a_private_write_are_where_a_write_is_re_read() -> None:
    from pytest_launchready.checks.probing import public_read_routes

    routes = [Route("GET", "/notes/{id}", public=True), Route("PATCH", "/notes/{id}"), Route("GET", "/health", public=True),
              Route("GET", "/tags", public=True), Route("POST", "/tags", public=True)]
    assert public_read_routes(routes) == {"GET /notes/{id}"}
    assert public_read_routes(routes, ["GET /tags"]) == {"GET /tags"}  # the setting replaces the guess


def test_a_users_own_request_never_sets_owner_only_the_attack_names_one() -> None:
    """DESIGN's bodies rule: ``owner`` is privileged. Tenant A's control request and B's own twin carry
    their username, but no owner; only the probe naming tenant A sends one."""
    import json

    import httpx

    from pytest_launchready import Credentials
    from pytest_launchready.checks.probe import Probe
    from pytest_launchready.checks.tenant_isolation.probes import caller_probes, with_identity
    from pytest_launchready.config.settings import Settings
    from pytest_launchready.routes import Route
    from pytest_launchready.tenants import Tenant

    schema = {"type": "object", "properties": {"username": {"type": "string"}, "owner": {"type": "string"},
                                               "bio": {"type": "string"}}}
    route = Route("PUT", "/profile", body_schema_json=json.dumps(schema))

    def tenant(name: str) -> Tenant:
        return Tenant(name=name, role="member", credentials=Credentials(token=f"t-{name}"), client=httpx.Client(),
                      canary=f"c-{name}", ids={"username": f"{name}-user", "user_id": f"{name}-7"})

    a, b = tenant("a"), tenant("b")
    own = with_identity(Probe("PUT", "/profile", [], {"bio": "x"}, route=route), route, a, Settings())
    assert own.body == {"bio": "x", "username": "a-user"}
    attacks = {says: probe.body for probe, says in caller_probes(route, a, b, {}, Settings())}
    assert attacks["with tenant A's owner=a-7 in the body"]["owner"] == "a-7"
