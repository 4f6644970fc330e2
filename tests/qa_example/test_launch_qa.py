"""QA's own launch tests, written with the plugin's fixtures and helpers (docs/helpers.md).

Run against the bundled demo by tests/plugin/test_qa_fixtures.py: with the demo's defects on, the
cross-tenant read and the hostile-origin tests fail; with them off, everything passes.
"""

from pytest_launchready import assert_denied, assert_no_leak


def test_b_cannot_read_a_conversation(tenant_a, tenant_b):
    conversation_id = tenant_a.ids["conversation_id"]
    assert_denied(tenant_b.client.get(f"/conversations/{conversation_id}"))


def test_search_never_returns_another_tenants_data(tenant_a, tenant_b):
    assert_no_leak(tenant_b.client.get("/search", params={"q": tenant_a.canary}), tenant_a)


def test_hostile_origin_is_not_echoed(anonymous, foreign_origin):
    response = anonymous.get("/health", headers={"Origin": foreign_origin})
    assert response.headers.get("access-control-allow-origin") not in (foreign_origin, "*")


def test_expired_token_is_refused(launchready_target, tenant_a, expired_token):
    client = launchready_target.client(auth=tenant_a.credentials.with_token(expired_token))
    assert_denied(client.get("/me"), allowed=(401,))


def test_a_member_cannot_list_users(tenant_role, tenant_a):
    member = tenant_role("member", tenant_a)
    assert_denied(member.client.get("/admin/users"), allowed=(403,))
