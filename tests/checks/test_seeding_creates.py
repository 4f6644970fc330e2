"""Seeding finds objects whose create is not a POST answering an id: a PUT that makes the org's one menu
(children need it first), and a create answering ``{"status": "created"}`` whose id only the collection's
list shows (tests/apps/seeding_shapes.py). Each object route is tested, not NOT RUN, and each defect
fails exactly its route."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_launchready.config.settings import Settings
from pytest_launchready.routes import Route
from pytest_launchready.tenants.seeding import Seeder, is_put_create, items_of
from support.logins import ORG_ROLE_LOGIN
from support.projects import make_project
from support.runs import short_id, short_ids, skip_reasons

INI = """launchready_public_routes =
    GET /health
    POST /auth/login
launchready_exclude_routes =
    * /docs
    * /docs/oauth2-redirect
    * /redoc
    * /openapi.json
"""
OBJECT_ROUTES = [
    "test_tenant_isolation[DELETE /menu/items/{item_id}]",
    "test_tenant_isolation[GET /menu]",
    "test_tenant_isolation[GET /menu/items/{item_id}]",
    "test_tenant_isolation[GET /tags/{tag_id}]",
]


def test_secure_app_has_every_object_seeded_and_passes(pytester: pytest.Pytester, run_launchready: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEED_FLAWS", raising=False)
    make_project(pytester, "seeding_shapes", INI, ORG_ROLE_LOGIN)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=tenant_isolation", "-rs")
    assert short_ids(outcomes, "failed") == [] and short_ids(outcomes, "error") == [], result.stdout.str()
    assert set(OBJECT_ROUTES) <= set(short_ids(outcomes, "passed")), skip_reasons(result, key=short_id)


@pytest.mark.parametrize(("flaw", "expected"), [
    # PUT /menu made the menu, so POST /menu/items could make the item.
    ("items-any", "test_tenant_isolation[GET /menu/items/{item_id}]"),
    # A write test seeds only what its route needs: the menu the item hangs under, too.
    ("items-delete-any", "test_tenant_isolation[DELETE /menu/items/{item_id}]"),
    # POST /tags answers no id: GET /tags lists it, found by the tenant's canary.
    ("tags-any", "test_tenant_isolation[GET /tags/{tag_id}]"),
])
def test_each_defect_fails_exactly_its_route(pytester: pytest.Pytester, run_launchready: Any,
                                             monkeypatch: pytest.MonkeyPatch, flaw: str, expected: str) -> None:
    monkeypatch.setenv("SEED_FLAWS", flaw)
    make_project(pytester, "seeding_shapes", INI, ORG_ROLE_LOGIN)
    result, outcomes = run_launchready("--launchready", "--launchready-checks=tenant_isolation")
    assert short_ids(outcomes, "failed") == [expected], result.stdout.str()


def _route(method: str, path: str) -> Route:
    return Route(method, path)


def test_a_put_creates_only_on_a_parameterless_path_no_post_creates_at() -> None:
    settings = Settings()
    routes = [_route("PUT", "/menu"), _route("GET", "/menu/items/{item_id}"), _route("PUT", "/profile"),
              _route("PUT", "/items/{item_id}"), _route("POST", "/notes"), _route("PUT", "/notes"), _route("PUT", "/password"),
              _route("PUT", "/settings/security"), _route("GET", "/settings/security")]
    # PUT /settings/security has nothing below it: a setting seeding must never rewrite (it could lock the tenant out).
    assert [r.key for r in routes if is_put_create(r, routes, settings)] == ["PUT /menu"]
    seeder = Seeder(tuple(routes), settings)
    assert seeder.collections_for([_route("GET", "/menu/items/{item_id}")]) == {"/menu/items", "/menu"}


def test_the_rows_of_a_list_answer_are_found_inside_envelopes() -> None:
    assert items_of({"items": [{"id": 1}], "count": 1}) == [{"id": 1}]
    assert items_of({"data": {"articles": [{"id": 2}]}}) == [{"id": 2}]
    assert items_of([{"id": 3}]) == [{"id": 3}]
    assert items_of({"id": 4}) is None
    assert items_of({"mine": [1], "shared": [2]}) is None  # two lists: which one holds the rows is a guess
    assert items_of({"data": [{"id": 5}], "meta": {"page": 1}}) == [{"id": 5}]  # JSON:API beside its meta object
    # A singleton holding its own id and a list of children is one object: its children are not its rows.
    assert items_of({"id": 1, "title": "menu", "items": [{"id": 9}]}) is None
