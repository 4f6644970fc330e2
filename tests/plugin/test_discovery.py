"""Route discovery: specs (OpenAPI 3.0, 3.1, Swagger 2), framework introspection, settings applied."""

from __future__ import annotations

import copy
import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

import pytest

from pytest_launchready.routes.discovery import Discovery, DiscoveryError, discover
from pytest_launchready.routes.discovery.loading import USUAL_SPEC_PATHS
from pytest_launchready.routes import Route
from pytest_launchready.config.settings import Settings
from support.paths import APPS, REPO, load_app


def by_key(discovery: Discovery) -> dict[str, Route]:
    return {route.key: route for route in discovery.routes}


def params(route: Route) -> dict[tuple[str, str], tuple[bool, dict[str, Any]]]:
    return {(p.location, p.name): (p.required, p.schema) for p in route.parameters}


def serve(documents: dict[str, bytes]) -> tuple[Callable[[str], bytes | None], list[str]]:
    """A fetch callable like the plugin's: body at a URL path, None for a 404; records what was asked."""
    asked: list[str] = []

    def fetch(path: str) -> bytes | None:
        asked.append(path)
        return documents.get(path)

    return fetch, asked


def spec_settings(tmp_path: Path, document: dict[str, Any] | str, name: str = "openapi.json", **settings: Any) -> Settings:
    text = document if isinstance(document, str) else json.dumps(document)
    (tmp_path / name).write_text(text, encoding="utf-8")
    return Settings(openapi=name, rootpath=str(tmp_path), **settings)


def yaml_dump(document: dict[str, Any]) -> str:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_dump(document, sort_keys=False)


# --- OpenAPI 3.0 -------------------------------------------------------------------------------

OPENAPI_30: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "chat", "version": "1"},
    "servers": [{"url": "/api"}],
    "paths": {
        "/conversations/{conversation_id}": {
            "parameters": [
                {"$ref": "#/components/parameters/ConversationId"},
                {"name": "verbose", "in": "query", "schema": {"type": "boolean"}},
            ],
            "get": {
                "operationId": "getConversation",
                "summary": "Read a conversation",
                "tags": ["conversations"],
                "parameters": [
                    {"name": "verbose", "in": "query", "required": True, "schema": {"type": "integer"}},
                    {"name": "X-Request-Id", "in": "header", "schema": {"type": "string", "format": "uuid"}},
                    {"name": "Authorization", "in": "header", "required": True, "schema": {"type": "string"}},
                    {"name": "session", "in": "cookie", "schema": {"type": "string"}},
                ],
                "responses": {
                    "404": {"description": "missing"},
                    "200": {"$ref": "#/components/responses/Conversation"},
                },
            },
            "delete": {
                "x-launchready-roles": ["admin"],
                "responses": {"204": {"description": "gone"}},
            },
        },
        "/conversations": {
            "post": {
                "requestBody": {"$ref": "#/components/requestBodies/NewConversation"},
                "responses": {
                    "200": {"description": "html", "content": {"text/html": {"schema": {"type": "string"}}}},
                    "201": {"description": "made", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Conversation"}}}},
                },
            },
        },
        "/auth/login": {
            "post": {
                "security": [],
                "requestBody": {
                    "content": {
                        "multipart/form-data": {"schema": {"type": "object"}},
                        "application/x-www-form-urlencoded": {
                            "schema": {"type": "object", "properties": {"email": {"type": "string"}}, "required": ["email"]}
                        },
                    }
                },
                "responses": {"200": {"description": "ok"}},
            },
        },
        "/tree": {
            "put": {
                "requestBody": {"required": True, "content": {"application/json; charset=utf-8": {"schema": {"$ref": "#/components/schemas/Node"}}}},
                "responses": {"default": {"description": "whatever"}},
            }
        },
    },
    "components": {
        "parameters": {
            "ConversationId": {"name": "conversation_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}},
        },
        "requestBodies": {
            "NewConversation": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewConversation"}}},
            }
        },
        "responses": {
            "Conversation": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Conversation"}}}}
        },
        "schemas": {
            "NewConversation": {
                "type": "object",
                "required": ["title"],
                "properties": {
                    "title": {"type": "string", "maxLength": 200},
                    "org_id": {"type": "string", "nullable": True},
                    "score": {"type": "number", "minimum": 0, "exclusiveMinimum": True},
                },
            },
            "Conversation": {
                "allOf": [
                    {"$ref": "#/components/schemas/NewConversation"},
                    {"type": "object", "properties": {"id": {"type": "integer"}}},
                ]
            },
            "Node": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}},
            },
        },
    },
}


@pytest.fixture
def openapi_30(tmp_path: Path) -> Discovery:
    return discover(spec_settings(tmp_path, OPENAPI_30), None)


def test_openapi_30_routes_are_sorted_and_prefixed_by_the_relative_server_url(openapi_30: Discovery) -> None:
    assert [r.key for r in openapi_30.routes] == [
        "POST /api/auth/login",
        "POST /api/conversations",
        "GET /api/conversations/{conversation_id}",
        "DELETE /api/conversations/{conversation_id}",
        "PUT /api/tree",
    ]
    assert list(openapi_30.routes) == sorted(openapi_30.routes, key=Route.sort_key)
    assert openapi_30.source == "openapi 3.0 from file openapi.json (under /api)"
    assert openapi_30.undocumented == ()
    assert all(r.documented for r in openapi_30.routes)


def test_openapi_30_parameters_merge_path_level_and_operation_level(openapi_30: Discovery) -> None:
    route = by_key(openapi_30)["GET /api/conversations/{conversation_id}"]
    assert params(route) == {
        ("path", "conversation_id"): (True, {"type": "integer", "minimum": 1}),
        ("query", "verbose"): (True, {"type": "integer"}),  # the operation's definition wins
        ("header", "X-Request-Id"): (False, {"type": "string", "format": "uuid"}),
        ("cookie", "session"): (False, {"type": "string"}),
    }  # Authorization is not a parameter: OpenAPI says to ignore it
    assert [p.name for p in route.parameters][0] == "conversation_id"
    assert (route.operation_id, route.summary, route.tags) == ("getConversation", "Read a conversation", ("conversations",))
    delete = by_key(openapi_30)["DELETE /api/conversations/{conversation_id}"]
    assert params(delete) == {
        ("path", "conversation_id"): (True, {"type": "integer", "minimum": 1}),
        ("query", "verbose"): (False, {"type": "boolean"}),
    }
    assert delete.roles == ("admin",)
    assert delete.response_schema is None


def test_openapi_30_body_and_response_refs_are_inlined_as_json_schema(openapi_30: Discovery) -> None:
    route = by_key(openapi_30)["POST /api/conversations"]
    new = {
        "type": "object",
        "required": ["title"],
        "properties": {
            "title": {"type": "string", "maxLength": 200},
            "org_id": {"type": ["string", "null"]},  # 3.0 nullable -> JSON Schema
            "score": {"type": "number", "exclusiveMinimum": 0},  # 3.0 boolean exclusiveMinimum -> number
        },
    }
    assert (route.body_content_type, route.body_required, route.body_schema) == ("application/json", True, new)
    # The first 2xx with a JSON schema: 200 is HTML here, so 201.
    assert route.response_schema == {"allOf": [new, {"type": "object", "properties": {"id": {"type": "integer"}}}]}
    assert "$ref" not in route.body_schema_json and "$ref" not in (route.response_schema_json or "")
    get = by_key(openapi_30)["GET /api/conversations/{conversation_id}"]
    assert get.response_schema == route.response_schema
    assert get.body_schema is None and get.body_content_type is None


def test_openapi_30_form_body_is_chosen_when_no_json_is_offered(openapi_30: Discovery) -> None:
    route = by_key(openapi_30)["POST /api/auth/login"]
    assert route.body_content_type == "application/x-www-form-urlencoded"
    assert route.body_schema == {"type": "object", "properties": {"email": {"type": "string"}}, "required": ["email"]}
    assert route.body_required is False


def test_recursive_schema_is_cut_at_a_bounded_depth(openapi_30: Discovery) -> None:
    route = by_key(openapi_30)["PUT /api/tree"]
    assert route.body_content_type == "application/json"  # media type parameters dropped
    schema = route.body_schema
    levels = 0
    while schema:
        assert set(schema) == {"type", "properties"}
        schema = schema["properties"]["children"]["items"]
        levels += 1
    assert levels == 2  # Node inside Node once, then {} (any value)
    assert route.response_schema is None  # only "default"


def test_security_decides_public_only_when_it_is_an_empty_list(openapi_30: Discovery, tmp_path: Path) -> None:
    assert {r.key: r.public for r in openapi_30.routes} == {
        "POST /api/auth/login": True,  # security: []
        "POST /api/conversations": False,  # no security declared anywhere: private
        "GET /api/conversations/{conversation_id}": False,
        "DELETE /api/conversations/{conversation_id}": False,
        "PUT /api/tree": False,
    }
    document = copy.deepcopy(OPENAPI_30)
    document["security"] = []
    document["paths"]["/tree"]["put"]["security"] = [{"bearer": []}]
    document["paths"]["/conversations"]["post"]["security"] = [{}, {"bearer": []}]  # auth optional
    public = {r.key for r in discover(spec_settings(tmp_path, document), None).routes if r.public}
    assert public == {
        "POST /api/auth/login",
        "POST /api/conversations",
        "GET /api/conversations/{conversation_id}",
        "DELETE /api/conversations/{conversation_id}",
    }


def test_wide_reference_graphs_are_bounded(tmp_path: Path) -> None:
    # Each level references the next twice: 2**18 copies if everything were inlined.
    schemas = {f"L{i}": {"type": "object", "properties": {"a": {"$ref": f"#/components/schemas/L{i + 1}"}, "b": {"$ref": f"#/components/schemas/L{i + 1}"}}} for i in range(18)}
    schemas["L18"] = {"type": "string"}
    document = {
        "openapi": "3.0.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/wide": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/L0"}}}}, "responses": {}}}},
        "components": {"schemas": schemas},
    }
    (route,) = discover(spec_settings(tmp_path, document), None).routes
    schema = route.body_schema
    assert schema is not None and schema["properties"]["a"]["properties"]["a"]["type"] == "object"
    assert len(route.body_schema_json or "") < 500_000
    assert '"properties": {}' not in route.body_schema_json and "{}" in route.body_schema_json  # cut, not broken


def test_densely_linked_components_stay_small_and_are_expanded_once(tmp_path: Path) -> None:
    # Every component links to three others, in cycles; 300 operations use them, wrapped or not.
    schemas = {f"S{i}": {"type": "object", "properties": {f"p{j}": {"$ref": f"#/components/schemas/S{(i * 7 + j) % 30}"} for j in range(3)}} for i in range(30)}
    operations = {
        f"/r{i}": {
            "post": {
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"x": {"$ref": f"#/components/schemas/S{i % 30}"}}}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/S{i % 30}"}}}}},
            }
        }
        for i in range(300)
    }
    document = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": operations, "components": {"schemas": schemas}}
    started = time.perf_counter()
    routes = discover(spec_settings(tmp_path, document), None).routes
    assert time.perf_counter() - started < 10  # about 0.3 s; unmemoised it takes minutes
    assert len(routes) == 300
    for route in routes:
        body, response = route.body_schema, route.response_schema
        assert body is not None and response is not None
        assert body["properties"]["x"] == response  # the same expansion, wrapped or not
        assert set(response["properties"]) == {"p0", "p1", "p2"}
        assert all(set(nested["properties"]) == {"p0", "p1", "p2"} for nested in response["properties"].values())
        assert "{}" in (route.response_schema_json or "")  # cut somewhere below
        assert len(route.response_schema_json or "") < 200_000


# --- OpenAPI 3.1, JSON and YAML files ---------------------------------------------------------

OPENAPI_31: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "servers": [{"url": "https://api.example.com/v1"}],
    "security": [{"bearer": []}],
    "paths": {
        "/health": {"get": {"security": [], "responses": {"200": {"description": "ok"}}}},
        "/orgs/{org_id}/members/{member_id}": {
            "get": {
                "parameters": [
                    {"name": "member_id", "in": "path", "required": True, "schema": {"$ref": "#/components/schemas/Id"}},
                    {"name": "filter", "in": "query", "content": {"application/json": {"schema": {"type": "object"}}}},
                ],
                "responses": {"2XX": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Member"}}}}},
            }
        },
    },
    "components": {
        "schemas": {
            "Id": {"type": "string", "format": "uuid"},
            "Member": {
                "$id": "https://schemas.example.com/member",
                "type": "object",
                "properties": {"role": {"$ref": "#/$defs/Role"}, "manager": {"$ref": "#", "description": "their manager"}},
                "$defs": {"Role": {"enum": ["owner", "member"]}},
            },
        },
    },
}


@pytest.mark.parametrize("name", ["openapi.json", "openapi.yaml"], ids=["json", "yaml"])
def test_openapi_31_file(tmp_path: Path, name: str) -> None:
    text = json.dumps(OPENAPI_31) if name.endswith(".json") else yaml_dump(OPENAPI_31)
    discovery = discover(spec_settings(tmp_path, text, name), None)
    assert discovery.source == f"openapi 3.1 from file {name}"  # an absolute server URL adds no prefix
    assert [r.key for r in discovery.routes] == ["GET /health", "GET /orgs/{org_id}/members/{member_id}"]
    health, member = discovery.routes
    assert (health.public, member.public) == (True, False)  # global security applies unless overridden
    assert params(member) == {
        ("path", "org_id"): (True, {"type": "string"}),  # undeclared path parameter: still there, required
        ("path", "member_id"): (True, {"type": "string", "format": "uuid"}),
        ("query", "filter"): (False, {"type": "object"}),
    }
    assert [p.name for p in member.params_in("path")] == ["org_id", "member_id"]  # template order
    schema = member.response_schema
    assert schema is not None
    # Inside a schema with $id, "#" and "#/$defs/..." are relative to that schema, not to the spec.
    assert schema["properties"]["role"] == {"enum": ["owner", "member"]}
    manager = schema["properties"]["manager"]
    assert manager["description"] == "their manager"  # 3.1 keeps keywords beside $ref
    assert manager["properties"]["role"] == {"enum": ["owner", "member"]}
    assert manager["properties"]["manager"] == {"description": "their manager"}  # Member twice, then cut
    assert "$defs" not in schema and "$ref" not in json.dumps(schema)


def test_yaml_integer_response_codes_and_dates_are_read(tmp_path: Path) -> None:
    text = """
openapi: 3.0.0
info: {title: t, version: 2024-01-01}
paths:
  /x:
    get:
      responses:
        200:
          description: ok
          content:
            application/json:
              schema: {type: string, example: 2024-01-01}
"""
    (route,) = discover(spec_settings(tmp_path, text, "spec.yml"), None).routes
    assert route.response_schema == {"type": "string", "example": "2024-01-01"}


def test_yaml_specs_load_after_yaml_is_imported_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pytester's in-process runs drop modules imported during the run; a re-imported PyYAML then
    # pairs with the old libyaml extension, whose loader can no longer build anything.
    yaml = pytest.importorskip("yaml")
    for name in [n for n in sys.modules if n == "yaml" or n.startswith("yaml.")]:
        monkeypatch.delitem(sys.modules, name)
    again = importlib.import_module("yaml")
    assert again is not yaml
    (route,) = discover(spec_settings(tmp_path, "openapi: 3.0.0\npaths:\n  /x:\n    get: {responses: {}}\n", "spec.yaml"), None).routes
    assert route.key == "GET /x"


def test_external_file_refs_are_read_relative_to_the_spec(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "pet.yaml").write_text(yaml_dump({"Pet": {"type": "object", "properties": {"owner": {"$ref": "owner.json"}}}}))
    (tmp_path / "schemas" / "owner.json").write_text(json.dumps({"type": "string"}))
    document = {
        "openapi": "3.0.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/pets": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "schemas/pet.yaml#/Pet"}}}}, "responses": {}}}},
    }
    (route,) = discover(spec_settings(tmp_path, document), None).routes
    assert route.body_schema == {"type": "object", "properties": {"owner": {"type": "string"}}}


# --- Swagger 2 ----------------------------------------------------------------------------------

SWAGGER_2: dict[str, Any] = {
    "swagger": "2.0",
    "info": {"title": "t", "version": "1"},
    "basePath": "/v2/",
    "consumes": ["application/json"],
    "security": [{"key": []}],
    "securityDefinitions": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}},
    "paths": {
        "/pets/{petId}": {
            "parameters": [{"name": "petId", "in": "path", "required": True, "type": "integer", "format": "int64"}],
            "get": {
                "parameters": [{"$ref": "#/parameters/Limit"}],
                "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Pet"}}},
            },
            "put": {
                "parameters": [{"name": "pet", "in": "body", "required": True, "schema": {"$ref": "#/definitions/Pet"}}],
                "responses": {"200": {"$ref": "#/responses/PetOk"}},
            },
        },
        "/pets/{petId}/photo": {
            "post": {
                "consumes": ["multipart/form-data"],
                "parameters": [
                    {"name": "petId", "in": "path", "required": True, "type": "integer"},
                    {"name": "file", "in": "formData", "required": True, "type": "file"},
                    {"name": "caption", "in": "formData", "type": "string", "maxLength": 80},
                ],
                "responses": {"201": {"description": "made"}},
            }
        },
        "/status": {"get": {"security": [], "produces": ["text/plain"], "responses": {"200": {"description": "ok", "schema": {"type": "string"}}}}},
    },
    "parameters": {"Limit": {"name": "limit", "in": "query", "type": "integer", "minimum": 1, "maximum": 100, "exclusiveMaximum": True}},
    "responses": {"PetOk": {"description": "ok", "schema": {"$ref": "#/definitions/Pet"}}},
    "definitions": {
        "Pet": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string"},
                "tag": {"type": "string", "x-nullable": True},
                "friends": {"type": "array", "items": {"$ref": "#/definitions/Pet"}},
            },
        }
    },
}


def test_swagger_2(tmp_path: Path) -> None:
    discovery = discover(spec_settings(tmp_path, yaml_dump(SWAGGER_2), "swagger.yaml"), None)
    assert discovery.source == "swagger 2.0 from file swagger.yaml (under /v2)"
    assert [r.key for r in discovery.routes] == ["GET /v2/pets/{petId}", "PUT /v2/pets/{petId}", "POST /v2/pets/{petId}/photo", "GET /v2/status"]
    routes = by_key(discovery)
    get, put, photo, status = (routes[k] for k in ("GET /v2/pets/{petId}", "PUT /v2/pets/{petId}", "POST /v2/pets/{petId}/photo", "GET /v2/status"))
    assert params(get) == {
        ("path", "petId"): (True, {"type": "integer", "format": "int64"}),
        ("query", "limit"): (False, {"type": "integer", "minimum": 1, "exclusiveMaximum": 100}),
    }
    pet = get.response_schema
    assert pet is not None and pet["properties"]["tag"] == {"type": ["string", "null"]}
    assert pet["properties"]["friends"]["items"]["properties"]["friends"]["items"] == {}  # recursion bounded
    assert (put.body_content_type, put.body_required, put.body_schema) == ("application/json", True, pet)
    assert put.response_schema == pet
    assert photo.body_content_type == "multipart/form-data"
    assert photo.body_schema == {
        "type": "object",
        "properties": {"file": {"type": "string", "format": "binary"}, "caption": {"type": "string", "maxLength": 80}},
        "required": ["file"],
    }
    assert photo.body_required is True
    assert status.response_schema is None  # it produces text, not JSON
    assert {r.key for r in discovery.routes if r.public} == {"GET /v2/status"}


# --- Settings: public and excluded routes ------------------------------------------------------


def test_public_and_excluded_routes_from_settings(tmp_path: Path) -> None:
    settings = spec_settings(
        tmp_path,
        OPENAPI_30,
        public_routes=("* /api/tree", "GET /api/conversations/{id}", "PUT /api/trees"),
        exclude_routes=("DELETE /api/conversations/{conversation_id}", "* /api/auth/*", "POST /nowhere"),
    )
    discovery = discover(settings, None)
    assert {r.key: r.public for r in discovery.routes} == {
        "POST /api/conversations": False,
        "GET /api/conversations/{conversation_id}": True,  # parameter names need not match
        "PUT /api/tree": True,
    }
    assert discovery.warnings == (
        "launchready_public_routes entry 'PUT /api/trees' matches no discovered route (did you mean PUT /api/tree?)",
        "launchready_exclude_routes entry 'POST /nowhere' matches no discovered route",
    )


# --- Spec errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json: [", "is neither JSON nor YAML"),
        ("<html><body>app</body></html>", "is not an OpenAPI or Swagger document (it parsed to a str"),
        ('["a list"]', "is not an OpenAPI or Swagger document (it parsed to a list"),
        ('{"info": {}, "paths": {}}', "has no 'openapi' or 'swagger' key (top-level keys: info, paths)"),
        ('{"openapi": "4.0.0", "paths": {}}', "says openapi: '4.0.0'; supported versions are"),
        ('{"swagger": "1.2", "paths": {}}', "says swagger: '1.2'; supported versions are"),
        ('{"openapi": "3.0.0", "paths": []}', "'paths' in file openapi.json is a list"),
        (
            '{"openapi": "3.0.0", "paths": {"/x": {"get": {"parameters": [{"$ref": "#/components/parameters/Nope"}]}}}}',
            "$ref '#/components/parameters/Nope' cannot be resolved: nothing is at that location",
        ),
        (
            '{"openapi": "3.1.0", "paths": {"/x": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "missing.json"}}}}}}}}',
            "$ref 'missing.json' cannot be resolved (FileNotFoundError",
        ),
        (
            '{"openapi": "3.0.0", "paths": {"/x": {"$ref": "#/paths/~1y"}, "/y": {"$ref": "#/paths/~1x"}}}',
            "$ref chain longer than",
        ),
    ],
    ids=["not-json-or-yaml", "html", "list", "no-version-key", "openapi-4", "swagger-1.2", "paths-list", "broken-ref", "missing-ref-file", "ref-cycle"],
)
def test_malformed_spec_is_an_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(DiscoveryError) as error:
        discover(spec_settings(tmp_path, text), None)
    assert message in str(error.value)
    assert "openapi.json" in str(error.value)


def test_missing_spec_file_names_the_setting_and_the_path(tmp_path: Path) -> None:
    with pytest.raises(DiscoveryError, match=r"launchready_openapi = 'specs/api.yaml': spec file not found at .*specs/api.yaml \(relative paths are read from the rootdir"):
        discover(Settings(openapi="specs/api.yaml", rootpath=str(tmp_path)), None)


def test_nothing_to_discover_from_is_an_error() -> None:
    with pytest.raises(DiscoveryError, match="set launchready_app"):
        discover(Settings(), None)


# --- Live targets: the spec through the plugin's fetch ----------------------------------------


def test_live_target_spec_found_at_a_usual_path() -> None:
    fetch, asked = serve({"/openapi.json": json.dumps(OPENAPI_31).encode()})
    discovery = discover(Settings(base_url="http://127.0.0.1:8000"), None, fetch)
    assert discovery.source == "openapi 3.1 from /openapi.json"
    assert [r.key for r in discovery.routes] == ["GET /health", "GET /orgs/{org_id}/members/{member_id}"]
    assert asked == ["/openapi.json"]


def test_live_target_probe_skips_html_answers_and_reads_yaml() -> None:
    html = b"<!doctype html><html><body>single-page app</body></html>"
    documents = {path: html for path in USUAL_SPEC_PATHS}
    documents["/openapi.yaml"] = yaml_dump(OPENAPI_30).encode()
    fetch, asked = serve(documents)
    discovery = discover(Settings(base_url="http://127.0.0.1:8000/api"), None, fetch)
    # The base URL already ends with the servers prefix: not added twice.
    assert discovery.source == "openapi 3.0 from /openapi.yaml"
    assert by_key(discovery)["POST /auth/login"].public
    assert asked == list(USUAL_SPEC_PATHS[: USUAL_SPEC_PATHS.index("/openapi.yaml") + 1])


def test_live_target_without_a_spec_is_an_error_listing_what_was_tried() -> None:
    fetch, asked = serve({"/swagger.json": b"<html></html>"})
    with pytest.raises(DiscoveryError) as error:
        discover(Settings(base_url="http://127.0.0.1:8000"), None, fetch)
    message = str(error.value)
    assert message.startswith("no OpenAPI or Swagger document at any usual path on the target (/openapi.json: not found; /swagger.json: ")
    assert "Set launchready_openapi" in message
    assert asked == list(USUAL_SPEC_PATHS)


def test_live_target_configured_url_path_and_its_relative_refs() -> None:
    document = copy.deepcopy(OPENAPI_31)
    document["components"]["schemas"]["Id"] = {"$ref": "/schemas/common.json#/Id"}
    fetch, asked = serve({
        "/docs/spec.json": json.dumps(document).encode(),
        "/schemas/common.json": b'{"Id": {"type": "integer"}}',
    })  # fmt: skip
    discovery = discover(Settings(base_url="http://127.0.0.1:8000", openapi="/docs/spec.json"), None, fetch)
    assert discovery.source == "openapi 3.1 from /docs/spec.json"
    member = by_key(discovery)["GET /orgs/{org_id}/members/{member_id}"]
    assert params(member)[("path", "member_id")] == (True, {"type": "integer"})
    assert asked == ["/docs/spec.json", "/schemas/common.json"]


def test_live_target_absolute_url_on_the_target_is_fetched_by_its_path() -> None:
    fetch, asked = serve({"/openapi.json": json.dumps(OPENAPI_31).encode()})
    settings = Settings(base_url="http://127.0.0.1:8000/base", openapi="http://127.0.0.1:8000/base/openapi.json")
    assert len(discover(settings, None, fetch).routes) == 2
    assert asked == ["/openapi.json"]


@pytest.mark.parametrize(
    ("openapi", "served", "message"),
    [
        ("https://elsewhere.example/openapi.json", {}, "is a URL that is not on the target (http://127.0.0.1:8000)"),
        ("/spec.json", {}, "the target has nothing at that URL path (404) and there is no such file"),
        ("/spec.json", {"/spec.json": b"<html></html>"}, "is not an OpenAPI or Swagger document"),
        ("/spec.json", {"/spec.json": json.dumps({**OPENAPI_31, "components": {}}).encode()}, "$ref '#/components/schemas/Id' cannot be resolved"),
    ],
    ids=["other-host", "404", "html", "broken-ref"],
)
def test_live_target_configured_spec_errors(openapi: str, served: dict[str, bytes], message: str) -> None:
    fetch, asked = serve(served)
    with pytest.raises(DiscoveryError) as error:
        discover(Settings(base_url="http://127.0.0.1:8000", openapi=openapi), None, fetch)
    assert message in str(error.value)
    assert "launchready_openapi" in str(error.value) or "/spec.json" in str(error.value)
    assert all(path.startswith("/") for path in asked)  # only paths on the target, never other hosts


# --- FastAPI and Starlette ---------------------------------------------------------------------


def fastapi_app() -> Any:
    pytest.importorskip("fastapi")
    return load_app("discovery_fastapi_app").build()


def test_fastapi_app_spec_and_introspection() -> None:
    discovery = discover(Settings(public_routes=("GET /health",)), fastapi_app())
    assert discovery.source == "openapi 3.1 from app (+1 mounted) + fastapi introspection"
    assert [(r.key, r.public, r.documented) for r in discovery.routes] == [
        ("POST /conversations", False, True),
        ("GET /conversations/{conversation_id}", False, True),
        ("GET /docs", True, True),
        ("GET /docs/oauth2-redirect", True, True),
        ("GET /health", True, True),
        ("GET /internal/{job}", False, False),
        ("GET /openapi.json", True, True),
        ("GET /redoc", True, True),
        ("GET /v2/openapi.json", True, True),
        ("GET /v2/widgets/{widget_id}", False, True),
    ]
    assert discovery.undocumented == ("GET /internal/{job}",)
    routes = by_key(discovery)
    read = routes["GET /conversations/{conversation_id}"]
    assert params(read) == {
        ("path", "conversation_id"): (True, {"type": "integer", "title": "Conversation Id"}),
        ("query", "verbose"): (False, {"type": "boolean", "default": False, "title": "Verbose"}),
    }
    assert read.tags == ("conversations",)
    assert read.response_schema is not None and read.response_schema["properties"]["title"] == {"type": "string", "title": "Title"}
    create = routes["POST /conversations"]
    assert (create.body_content_type, create.body_required, create.roles) == ("application/json", True, ("admin",))
    assert create.body_schema is not None and create.body_schema["required"] == ["title"]
    internal = routes["GET /internal/{job}"]
    assert params(internal) == {("path", "job"): (True, {"type": "string"})}
    assert internal.summary == "Run a job."
    assert not any(r.path.startswith("/static") for r in discovery.routes)


def test_starlette_app_without_openapi_is_introspected() -> None:
    from starlette.applications import Starlette
    from starlette.endpoints import HTTPEndpoint
    from starlette.responses import PlainTextResponse
    from starlette.routing import Mount, Route, Router, WebSocketRoute

    async def page(request: Any) -> PlainTextResponse:
        return PlainTextResponse("")

    async def socket(websocket: Any) -> None:
        return None

    class Documents(HTTPEndpoint):
        """Documents of an org."""

        async def get(self, request: Any) -> PlainTextResponse:
            return PlainTextResponse("")

        async def delete(self, request: Any) -> PlainTextResponse:
            return PlainTextResponse("")

    app = Starlette(
        routes=[
            Route("/items/{item_id:int}", page, methods=["GET", "PATCH"]),
            Route("/ratio/{value:float}/{key:uuid}", page),
            Mount("/orgs/{org}", routes=[Route("/documents/{path:path}", Documents)]),
            Mount("/admin", app=Router(routes=[Route("/", page, methods=["POST"])])),
            WebSocketRoute("/ws", socket),
        ]
    )
    discovery = discover(Settings(), app)
    assert discovery.source == "starlette introspection"
    assert [r.key for r in discovery.routes] == [
        "POST /admin/",
        "GET /items/{item_id}",
        "PATCH /items/{item_id}",
        "GET /orgs/{org}/documents/{path}",
        "DELETE /orgs/{org}/documents/{path}",
        "GET /ratio/{value}/{key}",
    ]
    assert all(r.documented and not r.public for r in discovery.routes)
    assert discovery.undocumented == ()
    routes = by_key(discovery)
    assert params(routes["GET /items/{item_id}"]) == {("path", "item_id"): (True, {"type": "integer", "minimum": 0})}
    assert params(routes["GET /ratio/{value}/{key}"]) == {
        ("path", "value"): (True, {"type": "number", "minimum": 0}),
        ("path", "key"): (True, {"type": "string", "format": "uuid"}),
    }
    assert [p.name for p in routes["GET /orgs/{org}/documents/{path}"].parameters] == ["org", "path"]
    assert routes["DELETE /orgs/{org}/documents/{path}"].summary == "Documents of an org."


def test_app_with_spec_file_marks_routes_missing_from_it_undocumented(tmp_path: Path) -> None:
    # The spec says /api, but the app serves its routes at the root: a proxy adds /api.
    document = {
        "openapi": "3.0.0",
        "info": {"title": "t", "version": "1"},
        "servers": [{"url": "/api"}],
        "paths": {"/items/{id}": {"get": {"parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "format": "int64"}}], "responses": {}}}},
    }
    discovery = discover(spec_settings(tmp_path, document), fastapi_app())
    assert discovery.source == "openapi 3.0 from file openapi.json + fastapi introspection"
    routes = by_key(discovery)
    assert params(routes["GET /items/{id}"]) == {("path", "id"): (True, {"type": "integer", "format": "int64"})}
    assert routes["GET /items/{id}"].documented
    assert "GET /conversations/{conversation_id}" in discovery.undocumented
    assert "GET /openapi.json" not in discovery.undocumented  # framework-owned, public
    assert routes["GET /openapi.json"].public
    # Introspected from the included router: its prefix, tags and a required path parameter.
    hidden = routes["GET /conversations/{conversation_id}"]
    assert (hidden.documented, hidden.tags, params(hidden)) == (False, ("conversations",), {("path", "conversation_id"): (True, {"type": "string"})})


def test_spec_prefix_is_kept_when_the_app_serves_it(tmp_path: Path) -> None:
    document = {
        "openapi": "3.0.0",
        "info": {"title": "t", "version": "1"},
        "servers": [{"url": "/{base}", "variables": {"base": {"default": "api"}}}],
        "paths": {"/items/{id}": {"get": {"security": [], "responses": {}}}},
    }
    discovery = discover(spec_settings(tmp_path, document), flask_app())
    assert discovery.source == "openapi 3.0 from file openapi.json (under /api) + flask introspection"
    routes = by_key(discovery)
    assert "GET /api/items/{item_id}" not in routes  # the same route as the spec's, which wins
    assert (routes["GET /api/items/{id}"].documented, routes["GET /api/items/{id}"].public) == (True, True)
    assert discovery.undocumented == (
        "GET /api/files/{name}",
        "OPTIONS /api/files/{name}",
        "PUT /api/files/{name}",
        "POST /auth/login",
        "GET /prices/{value}/{key}",
        "POST /prices/{value}/{key}",
        "GET /report/{period}/{owner}",
    )


def test_app_spec_that_fails_to_build_is_an_error() -> None:
    class Broken:
        def openapi(self) -> dict[str, Any]:
            raise ValueError("bad model")

    from fastapi import FastAPI

    app = FastAPI()
    app.openapi = Broken().openapi  # type: ignore[method-assign]
    with pytest.raises(DiscoveryError, match=r"the app's own spec \(FastAPI.openapi\(\)\) raised ValueError: bad model\. .*launchready_openapi"):
        discover(Settings(), app)


# --- Flask -------------------------------------------------------------------------------------


def flask_app() -> Any:
    from flask import Blueprint, Flask
    from flask.views import MethodView

    app = Flask(__name__, static_folder=str(APPS))
    api = Blueprint("api", __name__, url_prefix="/api")

    @api.get("/items/<int:item_id>")
    def item(item_id: int) -> str:
        """One item."""
        return ""

    @api.route("/files/<path:name>", methods=["GET", "PUT", "OPTIONS"], provide_automatic_options=False)
    def files(name: str) -> str:
        return ""

    class Prices(MethodView):
        def get(self, value: float, key: str) -> str:
            return ""

        def post(self, value: float, key: str) -> str:
            return ""

    app.add_url_rule("/prices/<float:value>/<uuid:key>", view_func=Prices.as_view("prices"))

    @app.route("/report/<any(daily, weekly):period>/<owner>")
    def report(period: str, owner: str) -> str:
        return ""

    @app.post("/auth/login")
    def login() -> str:
        return ""

    app.register_blueprint(api)
    return app


def test_flask_app_is_introspected_with_converters() -> None:
    from werkzeug.middleware.proxy_fix import ProxyFix

    discovery = discover(Settings(public_routes=("POST /auth/login",)), ProxyFix(flask_app().wsgi_app))
    assert discovery.source == "flask introspection"
    assert [(r.key, r.public, r.documented) for r in discovery.routes] == [
        ("GET /api/files/{name}", False, True),
        ("OPTIONS /api/files/{name}", False, True),  # declared by the view itself, kept
        ("PUT /api/files/{name}", False, True),
        ("GET /api/items/{item_id}", False, True),
        ("POST /auth/login", True, True),
        ("GET /prices/{value}/{key}", False, True),
        ("POST /prices/{value}/{key}", False, True),
        ("GET /report/{period}/{owner}", False, True),
    ]
    routes = by_key(discovery)
    item = routes["GET /api/items/{item_id}"]
    assert params(item) == {("path", "item_id"): (True, {"type": "integer", "minimum": 0})}
    assert (item.operation_id, item.summary) == ("api.item", "One item.")
    assert params(routes["GET /prices/{value}/{key}"]) == {
        ("path", "value"): (True, {"type": "number", "minimum": 0}),
        ("path", "key"): (True, {"type": "string", "format": "uuid"}),
    }
    assert params(routes["GET /report/{period}/{owner}"]) == {
        ("path", "period"): (True, {"type": "string", "enum": ["daily", "weekly"]}),
        ("path", "owner"): (True, {"type": "string"}),
    }
    assert params(routes["PUT /api/files/{name}"]) == {("path", "name"): (True, {"type": "string"})}


# --- Django ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def django_urls() -> str:
    pytest.importorskip("django")
    import django
    from django.conf import settings

    name = "launchready_discovery_django_urls"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, APPS / "discovery_django_urls.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        if not settings.configured:  # once per process; other tests may have configured Django already
            settings.configure(ROOT_URLCONF=name, ALLOWED_HOSTS=["*"], USE_TZ=True)
            django.setup()
        spec.loader.exec_module(module)
    return name


@pytest.mark.parametrize("handler", ["wsgi", "asgi"])
def test_django_urlconf_is_introspected(django_urls: str, handler: str) -> None:
    from django.core.handlers.asgi import ASGIHandler
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    with override_settings(ROOT_URLCONF=django_urls):
        app = WSGIHandler() if handler == "wsgi" else ASGIHandler()
        discovery = discover(Settings(public_routes=("POST /auth/login", "GET /health")), app)
    assert discovery.source == "django introspection"
    assert [(r.key, r.public) for r in discovery.routes] == [
        ("GET /api/v1/archive/{year}/{slug}.html", False),
        ("GET /api/v1/conversations/", False),
        ("POST /api/v1/conversations/", False),
        ("GET /api/v1/docs/{doc_id}/{rest}", False),
        ("GET /api/v1/items/{pk}/", False),
        ("PUT /api/v1/items/{pk}/", False),
        ("DELETE /api/v1/items/{pk}/", False),
        ("POST /auth/login", True),
        ("GET /health", True),
        ("GET /orgs/{org}/legacy/{arg1}/", False),
    ]
    routes = by_key(discovery)
    assert params(routes["GET /api/v1/items/{pk}/"]) == {("path", "pk"): (True, {"type": "integer", "minimum": 0})}
    assert routes["GET /api/v1/items/{pk}/"].operation_id == "item"
    assert routes["GET /api/v1/items/{pk}/"].summary == "One item."
    assert params(routes["GET /api/v1/archive/{year}/{slug}.html"]) == {
        ("path", "year"): (True, {"type": "integer", "minimum": 0}),
        ("path", "slug"): (True, {"type": "string"}),
    }
    assert params(routes["GET /api/v1/docs/{doc_id}/{rest}"])[("path", "doc_id")] == (True, {"type": "string", "format": "uuid"})
    assert params(routes["GET /orgs/{org}/legacy/{arg1}/"]) == {
        ("path", "org"): (True, {"type": "integer", "minimum": 0}),
        ("path", "arg1"): (True, {"type": "integer", "minimum": 0}),
    }
    assert routes["POST /api/v1/conversations/"].summary == "List or start conversations."


# --- Unwrapping and other app shapes -----------------------------------------------------------


def test_unknown_app_without_a_spec_is_an_error_naming_its_type() -> None:
    async def bare_asgi(scope: Any, receive: Any, send: Any) -> None:
        return None

    with pytest.raises(DiscoveryError, match=r"launchready_app is a builtins.function, which is not a FastAPI, Starlette, Flask or Django app .*Set launchready_openapi"):
        discover(Settings(), bare_asgi)
    fetch, _ = serve({"/openapi.json": json.dumps(OPENAPI_31).encode()})
    assert discover(Settings(), bare_asgi, fetch).source == "openapi 3.1 from /openapi.json"


def test_middleware_chains_and_dispatchers_are_unwrapped() -> None:
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    class Outer:
        def __init__(self, app: Any) -> None:
            self.application = app

    app = Outer(DispatcherMiddleware(flask_app(), {"/legacy": flask_app()}))
    keys = [r.key for r in discover(Settings(), app).routes]
    assert "POST /auth/login" in keys and "POST /legacy/auth/login" in keys
    assert len(keys) == 16


def test_importing_discovery_imports_no_framework_or_parser() -> None:
    code = (
        "import sys, pytest_launchready.routes.discovery\n"
        "heavy = {'fastapi', 'starlette', 'flask', 'django', 'referencing', 'yaml', 'httpx', 'werkzeug'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "[]"
