"""A Flask (WSGI) API with the shapes real apps have and the demo does not, for tenant_isolation and roles.

A tenant is one user. Every body and answer is wrapped in ``{"data": ...}``; lists answer
``{"items": [...], "count": n}``. The hand-written OpenAPI document ``SPEC`` is served at
``/openapi.json``. Sign-in answers a bearer token.

- ``POST /api/accounts`` (public sign-up) ``{"data": {"username", "email", "password"}}`` -> 201
  ``{"data": {"username", "email", "token"}}``; ``POST /api/auth/login`` (public)
  ``{"data": {"email", "password"}}`` -> ``{"data": {"token"}}``. Superusers are made as Flask apps
  make them, by a CLI command (``flask create-superuser``, here also the function ``create_superuser``).
- ``GET /api/me``: the caller, ``{"data": {"username", "email", "role"}}``.
- ``GET``/``PUT /api/members/{email}/profile`` ``{"data": {"bio"}}``: the member themself, or a superuser.
- ``GET /api/members/{user_email}/activity``: what the member created, ``{"items": [...], "count": n}``;
  the member themself, or a superuser (another blueprint, another name for the member's email).
- ``PUT``/``GET /api/preferences`` ``{"data": {"username", "theme"}}``: the caller's preferences; a
  username that is not the caller's is refused (403).
- ``POST /api/spaces`` ``{"data": {"name", "description"}}`` -> 201 ``{"data": {"slug", ...}}``;
  ``GET /api/spaces`` lists the caller's; ``GET``/``PUT``/``DELETE /api/spaces/{slug}``: only the owner.
- ``POST /api/projects/`` (trailing slash) ``{"data": {"name", "notes"}}`` -> 201 with an empty body
  and the id only in ``Location: /api/projects/<id>``; ``GET``/``PUT``/``DELETE
  /api/projects/{project_id}``: the owner, or (GET) a superuser, who sees everyone's projects. No
  route lists projects: the ``Location`` header is the only place the id shows.
- ``POST /api/tasks/`` ``{"data": {"title"}}`` -> 201 ``{"data": {"status": "created"}}`` and the id
  only in an absolute ``Location`` (``url_for(..., _external=True)``); ``GET /api/tasks/{task_id}``:
  only the owner.
- Superuser only: ``GET /api/admin/members`` and ``GET /api/admin/projects``, every member and every
  project as ``{"items": [...], "count": n}``; ``DELETE /api/admin/spaces/{slug}`` (moderation: remove
  anyone's space); ``DELETE /api/members/{email}`` (delete a member).

Flaws (``FLASK_SHAPES_FLAWS``, comma-separated; none by default): ``project-any`` (anyone reads any
project), ``project-write-any`` (anyone updates or deletes any project), ``task-any`` (anyone reads
any task), ``space-any`` (anyone reads, updates or deletes any space), ``spaces-list-leak`` (``GET
/api/spaces`` lists everyone's spaces), ``profile-any`` (anyone reads and changes anyone's profile), ``activity-any`` (anyone reads anyone's activity),
``preferences-by-body`` (``PUT /api/preferences`` updates the user the
body's username names), ``admin-any`` (any signed-in user lists every member and every project),
``moderation-any`` (any signed-in user removes any space), ``member-delete-any`` (any signed-in user
deletes any member).
"""

from __future__ import annotations

import itertools
import os
import re
import secrets
from typing import Any

from flask import Flask, Response, jsonify, request, url_for

FLAWS = set(filter(None, os.environ.get("FLASK_SHAPES_FLAWS", "").split(",")))

app = Flask(__name__)
USERS: dict[str, dict[str, Any]] = {}  # email -> user
TOKENS: dict[str, str] = {}  # token -> email
SPACES: dict[str, dict[str, Any]] = {}  # slug -> space
PROJECTS: dict[int, dict[str, Any]] = {}
TASKS: dict[str, dict[str, Any]] = {}
PROJECT_IDS = itertools.count(101)


class Refused(Exception):
    """An error answer: ``status`` and a message, as ``{"error": message}``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@app.errorhandler(Refused)
def _refused(error: Refused) -> tuple[Response, int]:
    return jsonify(error=str(error)), error.status


def _data() -> dict[str, Any]:
    body = request.get_json(silent=True)
    inner = body.get("data") if isinstance(body, dict) else None
    if not isinstance(inner, dict):
        raise Refused(400, 'expected {"data": {...}}')
    return inner


def _text(fields: dict[str, Any], name: str) -> str:
    value = fields.get(name)
    if not isinstance(value, str) or not value:
        raise Refused(422, f"{name} is required")
    return value


def _caller() -> dict[str, Any]:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    email = TOKENS.get(token.strip()) if scheme == "Bearer" else None
    if email is None or email not in USERS:
        raise Refused(401, "missing or unknown token")
    return USERS[email]


def _superuser(flaw: str) -> dict[str, Any]:
    user = _caller()
    if user["role"] != "superuser" and flaw not in FLAWS:
        raise Refused(403, "superusers only")
    return user


def _member(user: dict[str, Any]) -> dict[str, Any]:
    return {"username": user["username"], "email": user["email"], "role": user["role"], "bio": user["bio"]}


def _new_user(username: str, email: str, password: str, role: str) -> str:
    if email in USERS or any(u["username"] == username for u in USERS.values()):
        raise Refused(409, "username or email taken")
    USERS[email] = {"username": username, "email": email, "password": password, "role": role, "bio": "",
                    "preferences": {"theme": "light"}}
    token = secrets.token_urlsafe(24)
    TOKENS[token] = email
    return token


def create_superuser(username: str, email: str, password: str) -> None:
    """Make a superuser (what ``flask create-superuser`` does)."""
    _new_user(username, email, password, "superuser")


@app.cli.command("create-superuser")
def _create_superuser_command() -> None:
    create_superuser(os.environ["SUPERUSER_NAME"], os.environ["SUPERUSER_EMAIL"], os.environ["SUPERUSER_PASSWORD"])


@app.get("/openapi.json")
def openapi() -> Response:
    return jsonify(SPEC)


@app.post("/api/accounts")
def sign_up() -> tuple[Response, int]:
    fields = _data()
    user = {k: _text(fields, k) for k in ("username", "email", "password")}
    token = _new_user(user["username"], user["email"], user["password"], "user")
    return jsonify(data={"username": user["username"], "email": user["email"], "token": token}), 201


@app.post("/api/auth/login")
def log_in() -> Response:
    fields = _data()
    user = USERS.get(str(fields.get("email")))
    if user is None or user["password"] != fields.get("password"):
        raise Refused(401, "wrong email or password")
    token = secrets.token_urlsafe(24)
    TOKENS[token] = user["email"]
    return jsonify(data={"token": token})


@app.get("/api/me")
def me() -> Response:
    return jsonify(data=_member(_caller()))


def _profile_owner(email: str) -> dict[str, Any]:
    user = _caller()
    if email != user["email"] and user["role"] != "superuser" and "profile-any" not in FLAWS:
        raise Refused(403, "not your profile")
    if email not in USERS:
        raise Refused(404, "no such member")
    return USERS[email]


@app.get("/api/members/<email>/profile")
def read_profile(email: str) -> Response:
    return jsonify(data=_member(_profile_owner(email)))


@app.put("/api/members/<email>/profile")
def change_profile(email: str) -> Response:
    owner = _profile_owner(email)
    bio = _data().get("bio")
    if isinstance(bio, str):
        owner["bio"] = bio
    return jsonify(data=_member(owner))


@app.get("/api/members/<user_email>/activity")
def read_activity(user_email: str) -> Response:
    user = _caller()
    if user_email != user["email"] and user["role"] != "superuser" and "activity-any" not in FLAWS:
        raise Refused(403, "not your activity")
    if user_email not in USERS:
        raise Refused(404, "no such member")
    events = [f"created {kind} {o.get('name') or o.get('title')}"
              for kind, store in (("space", SPACES), ("project", PROJECTS), ("task", TASKS))
              for o in store.values() if o["owner"] == user_email]
    return jsonify(items=events, count=len(events))


def _preferences(user: dict[str, Any]) -> dict[str, Any]:
    return {"username": user["username"], **user["preferences"]}


@app.get("/api/preferences")
def read_preferences() -> Response:
    return jsonify(data=_preferences(_caller()))


@app.put("/api/preferences")
def change_preferences() -> Response:
    user, fields = _caller(), _data()
    named = fields.get("username")
    if named not in (None, "", user["username"]):
        other = next((u for u in USERS.values() if u["username"] == named), None)
        if "preferences-by-body" in FLAWS and other is not None:
            user = other  # trusts the body to say who is asking
        else:
            raise Refused(403, "those are not your preferences")
    if isinstance(fields.get("theme"), str):
        user["preferences"]["theme"] = fields["theme"]
    return jsonify(data=_preferences(user))


@app.get("/api/spaces")
def list_spaces() -> Response:
    user = _caller()
    mine = [s for s in SPACES.values() if s["owner"] == user["email"] or "spaces-list-leak" in FLAWS]
    return jsonify(items=mine, count=len(mine))


@app.post("/api/spaces")
def create_space() -> tuple[Response, int]:
    user, fields = _caller(), _data()
    name = _text(fields, "name")
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:30] + "-" + secrets.token_hex(3)
    SPACES[slug] = {"slug": slug, "name": name, "description": str(fields.get("description") or ""), "owner": user["email"]}
    return jsonify(data=SPACES[slug]), 201


def _space(slug: str) -> dict[str, Any]:
    user, space = _caller(), SPACES.get(slug)
    if space is None or (space["owner"] != user["email"] and "space-any" not in FLAWS):
        raise Refused(404, "no such space")
    return space


@app.get("/api/spaces/<slug>")
def read_space(slug: str) -> Response:
    return jsonify(data=_space(slug))


@app.put("/api/spaces/<slug>")
def change_space(slug: str) -> Response:
    space, fields = _space(slug), _data()
    space.update({k: fields[k] for k in ("name", "description") if isinstance(fields.get(k), str) and fields[k]})
    return jsonify(data=space)


@app.delete("/api/spaces/<slug>")
def delete_space(slug: str) -> tuple[str, int]:
    SPACES.pop(_space(slug)["slug"])
    return "", 204


@app.post("/api/projects/")
def create_project() -> tuple[str, int, dict[str, str]]:
    user, fields = _caller(), _data()
    project_id = next(PROJECT_IDS)
    PROJECTS[project_id] = {"id": project_id, "name": _text(fields, "name"), "notes": str(fields.get("notes") or ""),
                            "owner": user["email"]}
    return "", 201, {"Location": f"/api/projects/{project_id}"}


def _project(project_id: int, flaw: str, staff_reads: bool = False) -> dict[str, Any]:
    user, project = _caller(), PROJECTS.get(project_id)
    allowed = project is not None and (project["owner"] == user["email"] or flaw in FLAWS
                                       or (staff_reads and user["role"] == "superuser"))
    if not allowed:
        raise Refused(404, "no such project")
    assert project is not None
    return project


def _shown(project: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in project.items() if k != "owner"}


@app.get("/api/projects/<int:project_id>")
def read_project(project_id: int) -> Response:
    return jsonify(data=_shown(_project(project_id, "project-any", staff_reads=True)))


@app.put("/api/projects/<int:project_id>")
def change_project(project_id: int) -> Response:
    project, fields = _project(project_id, "project-write-any"), _data()
    project.update({k: fields[k] for k in ("name", "notes") if isinstance(fields.get(k), str) and fields[k]})
    return jsonify(data=_shown(project))


@app.delete("/api/projects/<int:project_id>")
def delete_project(project_id: int) -> tuple[str, int]:
    PROJECTS.pop(_project(project_id, "project-write-any")["id"])
    return "", 204


@app.post("/api/tasks/")
def create_task() -> tuple[Response, int, dict[str, str]]:
    user, fields = _caller(), _data()
    task_id = "t" + secrets.token_hex(5)
    TASKS[task_id] = {"id": task_id, "title": _text(fields, "title"), "owner": user["email"]}
    return jsonify(data={"status": "created"}), 201, {"Location": url_for("read_task", task_id=task_id, _external=True)}


@app.get("/api/tasks/<task_id>")
def read_task(task_id: str) -> Response:
    user, task = _caller(), TASKS.get(task_id)
    if task is None or (task["owner"] != user["email"] and "task-any" not in FLAWS):
        raise Refused(404, "no such task")
    return jsonify(data={"id": task["id"], "title": task["title"]})


@app.get("/api/admin/members")
def all_members() -> Response:
    _superuser("admin-any")
    members = [_member(u) for u in USERS.values()]
    return jsonify(items=members, count=len(members))


@app.get("/api/admin/projects")
def all_projects() -> Response:
    _superuser("admin-any")
    return jsonify(items=list(PROJECTS.values()), count=len(PROJECTS))


@app.delete("/api/admin/spaces/<slug>")
def remove_space(slug: str) -> tuple[str, int]:
    _superuser("moderation-any")
    if SPACES.pop(slug, None) is None:
        raise Refused(404, "no such space")
    return "", 204


@app.delete("/api/members/<email>")
def delete_member(email: str) -> tuple[str, int]:
    _superuser("member-delete-any")
    if USERS.pop(email, None) is None:
        raise Refused(404, "no such member")
    for token in [t for t, e in TOKENS.items() if e == email]:
        del TOKENS[token]
    return "", 204


def _wrapped(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    inner: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        inner["required"] = required
    return {"type": "object", "properties": {"data": inner}, "required": ["data"]}


def _op(body: dict[str, Any] | None = None, public: bool = False, status: str = "200") -> dict[str, Any]:
    op: dict[str, Any] = {"responses": {status: {"description": "ok"}}}
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if public:
        op["security"] = []
    return op


def _path_param(name: str, schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"name": name, "in": "path", "required": True, "schema": schema}]


_TEXT = {"type": "string"}
_EMAIL = {"type": "string", "format": "email"}
SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "flask shapes", "version": "1"},
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearer": []}],
    "paths": {
        "/openapi.json": {"get": _op(public=True)},
        "/api/accounts": {"post": _op(_wrapped({"username": _TEXT, "email": _EMAIL, "password": _TEXT},
                                               ["username", "email", "password"]), True, "201")},
        "/api/auth/login": {"post": _op(_wrapped({"email": _EMAIL, "password": _TEXT}, ["email", "password"]), True)},
        "/api/me": {"get": _op()},
        "/api/members/{email}/profile": {"parameters": _path_param("email", _EMAIL), "get": _op(),
                                         "put": _op(_wrapped({"bio": _TEXT}))},
        "/api/members/{user_email}/activity": {"parameters": _path_param("user_email", _EMAIL), "get": _op()},
        "/api/preferences": {"get": _op(), "put": _op(_wrapped({"username": _TEXT, "theme": _TEXT}))},
        "/api/spaces": {"get": _op(), "post": _op(_wrapped({"name": _TEXT, "description": _TEXT}, ["name"]), status="201")},
        "/api/spaces/{slug}": {"parameters": _path_param("slug", _TEXT), "get": _op(),
                               "put": _op(_wrapped({"name": _TEXT, "description": _TEXT})), "delete": _op(status="204")},
        "/api/projects/": {"post": _op(_wrapped({"name": _TEXT, "notes": _TEXT}, ["name"]), status="201")},
        "/api/projects/{project_id}": {"parameters": _path_param("project_id", {"type": "integer"}), "get": _op(),
                                       "put": _op(_wrapped({"name": _TEXT, "notes": _TEXT})), "delete": _op(status="204")},
        "/api/tasks/": {"post": _op(_wrapped({"title": _TEXT}, ["title"]), status="201")},
        "/api/tasks/{task_id}": {"parameters": _path_param("task_id", _TEXT), "get": _op()},
        "/api/admin/members": {"get": _op()},
        "/api/admin/projects": {"get": _op()},
        "/api/admin/spaces/{slug}": {"parameters": _path_param("slug", _TEXT), "delete": _op(status="204")},
        "/api/members/{email}": {"parameters": _path_param("email", _EMAIL), "delete": _op(status="204")},
    },
}
