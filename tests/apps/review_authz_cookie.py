"""A FastAPI app with server-side cookie sessions, integer auto-increment ids shared by every org,
PUT (full replace) next to PATCH, soft deletes, a route nested three levels deep, a filter that
answers 200 with an empty list for foreign ids, and a CSV export. REVIEW_FLAWS switches defects on.

Signup makes an org and its owner; the owner invites other roles; login sets the ``sid`` cookie.
The role is read from the user record on every request (not stored in the session).

Defects: ``put-foreign`` (PUT /projects/{id} replaces any org's project), ``soft-delete-foreign``
(DELETE /projects/{id} soft-deletes any org's project), ``intent-parent-unchecked`` (GET of the
third-level intent does not check it against its bot), ``export-leak`` (GET /export holds every org's rows),
``logout-keeps-session`` (logout only clears the browser's cookie), ``member-deletes-integrations``
(the role is checked on POST /integrations but not on DELETE), ``role-cached-in-session`` (the role
is read at login and kept in the session), ``patch-then-404`` (PATCH /projects/{id} updates by id
alone, then answers 404 because the org-scoped re-read finds nothing), ``anonymous-delete`` (DELETE
/projects/{id} without a session cookie deletes any project).
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import secrets
from typing import Any

from fastapi import Cookie, Depends, FastAPI, HTTPException, Response
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

FLAWS = set(filter(None, os.environ.get("REVIEW_FLAWS", "").split(",")))
RANK = {"owner": 0, "admin": 1, "member": 2}

# No trailing-slash redirects (many apps turn them off): a probe with a slash gets a plain 404.
app = FastAPI(title="botworks", redirect_slashes=False)
_ids = itertools.count(1)  # one counter for every table and org, as a single Postgres sequence would be
ORGS: dict[int, dict[str, Any]] = {}
USERS: dict[int, dict[str, Any]] = {}
SESSIONS: dict[str, dict[str, Any]] = {}
INVITES: dict[str, dict[str, Any]] = {}
PROJECTS: dict[int, dict[str, Any]] = {}
BOTS: dict[int, dict[str, Any]] = {}
INTENTS: dict[int, dict[str, Any]] = {}
INTEGRATIONS: dict[int, dict[str, Any]] = {}


class Signup(BaseModel):
    email: str
    password: str = Field(min_length=8)
    org_name: str


class Login(BaseModel):
    email: str
    password: str


class Invite(BaseModel):
    email: str
    role: str = Field(pattern="^(owner|admin|member)$")


class Accept(BaseModel):
    invite_token: str
    password: str = Field(min_length=8)


class RoleChange(BaseModel):
    role: str = Field(pattern="^(owner|admin|member)$")


class ProjectIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = ""


class ProjectPatch(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = None


class BotIn(BaseModel):
    name: str = Field(min_length=1)
    greeting: str = ""


class IntentIn(BaseModel):
    title: str = Field(min_length=1)
    reply: str = ""


class IntentPatch(BaseModel):
    title: str | None = None
    reply: str | None = None


class IntegrationIn(BaseModel):
    name: str = Field(min_length=1)
    kind: str = Field(default="slack", pattern="^(slack|zendesk|hubspot)$")


def current_user(sid: str | None = Cookie(default=None)) -> dict[str, Any]:
    session = SESSIONS.get(sid or "")
    if session is None:
        raise HTTPException(401, "not signed in")
    user = dict(USERS[session["user_id"]])
    if "role-cached-in-session" in FLAWS:
        user["role"] = session["role"]
    return user


def require(role: str) -> Any:
    def check(user: dict[str, Any] = Depends(current_user)) -> dict[str, Any]:
        if RANK[user["role"]] > RANK[role]:
            raise HTTPException(403, f"{role} role required")
        return user

    return check


def _live(table: dict[int, dict[str, Any]], object_id: int) -> dict[str, Any] | None:
    obj = table.get(object_id)
    return obj if obj is not None and not obj.get("deleted") else None


def _project(project_id: int, user: dict[str, Any]) -> dict[str, Any]:
    project = _live(PROJECTS, project_id)
    if project is None or project["org_id"] != user["org_id"]:
        raise HTTPException(404, "project not found")
    return project


def _bot(project_id: int, bot_id: int, user: dict[str, Any]) -> dict[str, Any]:
    project = _project(project_id, user)
    bot = _live(BOTS, bot_id)
    if bot is None or bot["project_id"] != project["id"]:
        raise HTTPException(404, "bot not found")
    return bot


def _intent(project_id: int, bot_id: int, intent_id: int, user: dict[str, Any], check_parent: bool = True) -> dict[str, Any]:
    bot = _bot(project_id, bot_id, user)
    intent = _live(INTENTS, intent_id)
    if intent is None or (check_parent and intent["bot_id"] != bot["id"]):
        raise HTTPException(404, "intent not found")
    return intent


def _public(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k != "deleted"}


# --- accounts ---------------------------------------------------------------------------------------


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/auth/signup", status_code=201)
def signup(body: Signup) -> dict[str, Any]:
    if any(u["email"] == body.email for u in USERS.values()):
        raise HTTPException(409, "email taken")
    org = {"id": next(_ids), "name": body.org_name}
    ORGS[org["id"]] = org
    user = {"id": next(_ids), "email": body.email, "password": body.password, "org_id": org["id"], "role": "owner"}
    USERS[user["id"]] = user
    return {"user_id": user["id"], "org_id": org["id"]}


@app.post("/auth/login")
def login(body: Login, response: Response) -> dict[str, Any]:
    user = next((u for u in USERS.values() if u["email"] == body.email and u["password"] == body.password), None)
    if user is None:
        raise HTTPException(401, "wrong email or password")
    sid = secrets.token_urlsafe(24)
    SESSIONS[sid] = {"user_id": user["id"], "role": user["role"]}
    response.set_cookie("sid", sid, httponly=True, samesite="lax")
    return {"ok": True}


@app.post("/auth/logout", status_code=204)
def logout(response: Response, sid: str | None = Cookie(default=None), user: dict[str, Any] = Depends(current_user)) -> Response:
    if "logout-keeps-session" not in FLAWS:
        SESSIONS.pop(sid or "", None)
    response.delete_cookie("sid")
    response.status_code = 204
    return response


@app.post("/auth/accept-invite")
def accept(body: Accept) -> dict[str, Any]:
    invite = INVITES.pop(body.invite_token, None)
    if invite is None:
        raise HTTPException(404, "invite not found")
    user = {"id": next(_ids), "email": invite["email"], "password": body.password, "org_id": invite["org_id"],
            "role": invite["role"]}
    USERS[user["id"]] = user
    return {"user_id": user["id"]}


@app.get("/me")
def me(user: dict[str, Any] = Depends(current_user)) -> dict[str, Any]:
    return {"id": user["id"], "email": user["email"], "org_id": user["org_id"], "role": user["role"]}


@app.post("/orgs/invites", status_code=201)
def invite(body: Invite, user: dict[str, Any] = Depends(require("admin"))) -> dict[str, Any]:
    token = secrets.token_urlsafe(16)
    INVITES[token] = {"email": body.email, "role": body.role, "org_id": user["org_id"]}
    return {"invite_token": token}


@app.get("/admin/members")
def members(user: dict[str, Any] = Depends(require("admin"))) -> list[dict[str, Any]]:
    return [{"id": u["id"], "email": u["email"], "role": u["role"]} for u in USERS.values() if u["org_id"] == user["org_id"]]


@app.patch("/admin/members/{member_id}")
def change_role(member_id: int, body: RoleChange, user: dict[str, Any] = Depends(require("owner"))) -> dict[str, Any]:
    member = USERS.get(member_id)
    if member is None or member["org_id"] != user["org_id"]:
        raise HTTPException(404, "member not found")
    member["role"] = body.role
    return {"id": member["id"], "email": member["email"], "role": member["role"]}


# --- projects: PUT and PATCH, soft delete ---------------------------------------------------------------


@app.get("/projects")
def list_projects(user: dict[str, Any] = Depends(current_user)) -> list[dict[str, Any]]:
    return [_public(p) for p in PROJECTS.values() if p["org_id"] == user["org_id"] and not p["deleted"]]


@app.post("/projects", status_code=201)
def create_project(body: ProjectIn, user: dict[str, Any] = Depends(current_user)) -> dict[str, Any]:
    project = {"id": next(_ids), "org_id": user["org_id"], "name": body.name, "description": body.description, "deleted": False}
    PROJECTS[project["id"]] = project
    return _public(project)


@app.get("/projects/{project_id}")
def get_project(project_id: int, user: dict[str, Any] = Depends(current_user)) -> dict[str, Any]:
    return _public(_project(project_id, user))


@app.put("/projects/{project_id}")
def replace_project(project_id: int, body: ProjectIn, user: dict[str, Any] = Depends(current_user)) -> dict[str, Any]:
    if "put-foreign" in FLAWS:
        project = _live(PROJECTS, project_id)
        if project is None:
            raise HTTPException(404, "project not found")
    else:
        project = _project(project_id, user)
    project.update(name=body.name, description=body.description)
    return _public(project)


@app.patch("/projects/{project_id}")
def patch_project(project_id: int, body: ProjectPatch, user: dict[str, Any] = Depends(current_user)) -> dict[str, Any]:
    if "patch-then-404" in FLAWS:
        # UPDATE projects SET ... WHERE id = :id, then SELECT ... WHERE id = :id AND org_id = :org for the answer.
        target = _live(PROJECTS, project_id)
        if target is not None:
            target.update(body.model_dump(exclude_none=True))
        return _public(_project(project_id, user))
    project = _project(project_id, user)
    project.update(body.model_dump(exclude_none=True))
    return _public(project)


def _deleter(sid: str | None = Cookie(default=None)) -> dict[str, Any] | None:
    if "anonymous-delete" in FLAWS and sid is None:
        return None  # a "service call" path that trusted the network, not the caller
    return current_user(sid)


@app.delete("/projects/{project_id}", status_code=204)
def delete_project(project_id: int, user: dict[str, Any] | None = Depends(_deleter)) -> Response:
    foreign = "soft-delete-foreign" in FLAWS or user is None
    project = _live(PROJECTS, project_id) if foreign else _project(project_id, user or {})
    if project is None:
        raise HTTPException(404, "project not found")
    project["deleted"] = True
    return Response(status_code=204)


# --- bots and intents: three levels -----------------------------------------------------------------


@app.get("/projects/{project_id}/bots")
def list_bots(project_id: int, user: dict[str, Any] = Depends(current_user)) -> list[dict[str, Any]]:
    project = _project(project_id, user)
    return [_public(b) for b in BOTS.values() if b["project_id"] == project["id"] and not b["deleted"]]


@app.post("/projects/{project_id}/bots", status_code=201)
def create_bot(project_id: int, body: BotIn, user: dict[str, Any] = Depends(current_user)) -> dict[str, Any]:
    project = _project(project_id, user)
    bot = {"id": next(_ids), "project_id": project["id"], "name": body.name, "greeting": body.greeting, "deleted": False}
    BOTS[bot["id"]] = bot
    return _public(bot)


@app.get("/projects/{project_id}/bots/{bot_id}")
def get_bot(project_id: int, bot_id: int, user: dict[str, Any] = Depends(current_user)) -> dict[str, Any]:
    return _public(_bot(project_id, bot_id, user))


@app.get("/projects/{project_id}/bots/{bot_id}/intents")
def list_intents(project_id: int, bot_id: int, user: dict[str, Any] = Depends(current_user)) -> list[dict[str, Any]]:
    bot = _bot(project_id, bot_id, user)
    return [_public(i) for i in INTENTS.values() if i["bot_id"] == bot["id"] and not i["deleted"]]


@app.post("/projects/{project_id}/bots/{bot_id}/intents", status_code=201)
def create_intent(project_id: int, bot_id: int, body: IntentIn, user: dict[str, Any] = Depends(current_user)) -> dict[str, Any]:
    bot = _bot(project_id, bot_id, user)
    intent = {"id": next(_ids), "bot_id": bot["id"], "org_id": user["org_id"], "title": body.title, "reply": body.reply,
              "deleted": False}
    INTENTS[intent["id"]] = intent
    return _public(intent)


@app.get("/projects/{project_id}/bots/{bot_id}/intents/{intent_id}")
def get_intent(project_id: int, bot_id: int, intent_id: int, user: dict[str, Any] = Depends(current_user)) -> dict[str, Any]:
    return _public(_intent(project_id, bot_id, intent_id, user, check_parent="intent-parent-unchecked" not in FLAWS))


@app.patch("/projects/{project_id}/bots/{bot_id}/intents/{intent_id}")
def patch_intent(project_id: int, bot_id: int, intent_id: int, body: IntentPatch,
                 user: dict[str, Any] = Depends(current_user)) -> dict[str, Any]:
    intent = _intent(project_id, bot_id, intent_id, user)
    intent.update(body.model_dump(exclude_none=True))
    return _public(intent)


@app.delete("/projects/{project_id}/bots/{bot_id}/intents/{intent_id}", status_code=204)
def delete_intent(project_id: int, bot_id: int, intent_id: int, user: dict[str, Any] = Depends(current_user)) -> Response:
    _intent(project_id, bot_id, intent_id, user)["deleted"] = True
    return Response(status_code=204)


@app.get("/intents")
def filter_intents(bot_id: int | None = None, user: dict[str, Any] = Depends(current_user)) -> list[dict[str, Any]]:
    """A filter: a foreign bot id simply matches nothing of the caller's org (200 with an empty list)."""
    rows = [i for i in INTENTS.values() if i["org_id"] == user["org_id"] and not i["deleted"]]
    return [_public(i) for i in rows if bot_id is None or i["bot_id"] == bot_id]


@app.get("/export", response_class=PlainTextResponse)
def export(user: dict[str, Any] = Depends(current_user)) -> str:
    """Every project, bot and intent of the caller's org as CSV."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kind", "id", "name"])
    leak = "export-leak" in FLAWS
    orgs = lambda obj: leak or obj["org_id"] == user["org_id"]  # noqa: E731
    for project in PROJECTS.values():
        if orgs(project) and not project["deleted"]:
            writer.writerow(["project", project["id"], project["name"]])
            for bot in BOTS.values():
                if bot["project_id"] == project["id"] and not bot["deleted"]:
                    writer.writerow(["bot", bot["id"], bot["name"]])
    for intent in INTENTS.values():
        if orgs(intent) and not intent["deleted"]:
            writer.writerow(["intent", intent["id"], intent["title"]])
    return out.getvalue()


# --- integrations: admin only ---------------------------------------------------------------------------


@app.get("/integrations")
def list_integrations(user: dict[str, Any] = Depends(current_user)) -> list[dict[str, Any]]:
    return [_public(i) for i in INTEGRATIONS.values() if i["org_id"] == user["org_id"] and not i["deleted"]]


@app.post("/integrations", status_code=201)
def create_integration(body: IntegrationIn, user: dict[str, Any] = Depends(require("admin"))) -> dict[str, Any]:
    integration = {"id": next(_ids), "org_id": user["org_id"], "name": body.name, "kind": body.kind, "deleted": False}
    INTEGRATIONS[integration["id"]] = integration
    return _public(integration)


@app.delete("/integrations/{integration_id}", status_code=204)
def delete_integration(integration_id: int, user: dict[str, Any] = Depends(current_user)) -> Response:
    if "member-deletes-integrations" not in FLAWS and RANK[user["role"]] > RANK["admin"]:
        raise HTTPException(403, "admin role required")
    integration = _live(INTEGRATIONS, integration_id)
    if integration is None or integration["org_id"] != user["org_id"]:
        raise HTTPException(404, "integration not found")
    integration["deleted"] = True
    return Response(status_code=204)
