"""A small two-tenant notes API for the validation tests; VALIDATION_FLAWS switches on defects by name.

Secure by default: pydantic models validate every body, responses go through output models. Flaws:

- ``crash``: ``POST /notes`` reads raw JSON and calls ``int()`` on it (500 on a wrong type).
- ``traceback``: ``PATCH /notes/{note_id}`` answers a failed manual check with the Python traceback (400).
- ``sql``: ``POST /notes/{note_id}/comments`` builds SQL by string formatting and returns the sqlite error.
- ``role``: ``PATCH /me`` copies every body field onto the user, ``role`` included.
- ``signup-role``: ``POST /auth/signup`` stores a ``role`` sent in the body.
- ``owner``: ``POST /projects`` stores ``org_id`` / ``owner_id`` sent in the body.
- ``echo``: ``PATCH /projects/{project_id}`` echoes the whole body back but stores only ``name`` (no finding).
- ``hash``: ``GET /me`` returns the user's password hash.
- ``name-rule``: ``POST /projects`` refuses (422) a name not starting with ``prj-``, and with ``crash``
  ``POST /notes`` a title not starting with ``n-``: rules their schemas do not state, so no valid body
  can be built from the spec (not a flaw of its own: it hides others).
- ``login-400``: a wrong password is answered 400, as some apps do (not a flaw).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import os
import sqlite3
import traceback
from typing import Any, Optional

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

FLAWS = set(filter(None, os.environ.get("VALIDATION_FLAWS", "").split(",")))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignupIn(Strict):
    email: str = Field(min_length=3, max_length=200)
    password: str = Field(min_length=8, max_length=100)
    org: str = Field(min_length=1, max_length=60)


class LoginIn(Strict):
    email: str = Field(min_length=3, max_length=200)
    password: str = Field(min_length=1, max_length=100)


class MeUpdate(BaseModel):  # extra fields ignored (pydantic's default): no finding
    display_name: Optional[str] = Field(default=None, max_length=50)


class NoteIn(Strict):
    title: str = Field(min_length=1, max_length=100)
    body: Optional[str] = Field(default=None, max_length=2000)
    priority: int = Field(default=3, ge=1, le=5)
    tags: list[str] = Field(default_factory=list, max_length=5)


class NotePatch(Strict):
    title: Optional[str] = Field(default=None, min_length=1, max_length=100)
    priority: Optional[int] = Field(default=None, ge=1, le=5)


class CommentIn(Strict):
    text: str = Field(min_length=1, max_length=500)


class ProjectIn(BaseModel):
    name: str = Field(min_length=1, max_length=80)


NOTE_SCHEMA = NoteIn.model_json_schema()
PATCH_SCHEMA = NotePatch.model_json_schema()
COMMENT_SCHEMA = CommentIn.model_json_schema()


def _hash(password: str) -> str:
    salt = b"fixed-test-salt!"
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 1000)
    return f"pbkdf2_sha256$1000${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


async def _json(request: Request) -> Any:
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise HTTPException(415, "send application/json")
    try:
        return json.loads(await request.body())
    except (ValueError, RecursionError):
        raise HTTPException(400, "the body is not valid JSON") from None


def _validate(model: type[BaseModel], raw: Any) -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise HTTPException(422, [{"loc": e["loc"], "msg": e["msg"]} for e in exc.errors()]) from None


def create_app() -> FastAPI:
    app = FastAPI()
    users: dict[str, dict[str, Any]] = {}  # email -> user
    tokens: dict[str, str] = {}  # token -> email
    notes: dict[str, dict[str, Any]] = {}
    projects: dict[str, dict[str, Any]] = {}
    serial = itertools.count(1)
    db = sqlite3.connect(":memory:", check_same_thread=False)
    db.execute("CREATE TABLE comments (note TEXT, text TEXT)")

    def me(authorization: str = Header(default="")) -> dict[str, Any]:
        email = tokens.get(authorization.removeprefix("Bearer ").strip())
        if email is None:
            raise HTTPException(401, "not authenticated")
        return users[email]

    def own_note(note_id: str, user: dict[str, Any]) -> dict[str, Any]:
        note = notes.get(note_id)
        if note is None or note["org_id"] != user["org_id"]:
            raise HTTPException(404, "note not found")
        return note

    def note_out(note: dict[str, Any]) -> dict[str, Any]:
        return {k: note[k] for k in ("id", "title", "body", "priority", "tags")}

    @app.get("/health", openapi_extra={"security": []})
    def health() -> dict[str, str]:
        return {"status": "ok"}

    signup_body = {"required": True, "content": {"application/json": {"schema": SignupIn.model_json_schema()}}}

    @app.post("/auth/signup", status_code=201, openapi_extra={"security": [], "requestBody": signup_body})
    async def signup(request: Request) -> dict[str, str]:
        raw = await _json(request)
        role = "owner"
        if "signup-role" in FLAWS and isinstance(raw, dict):
            # FLAW: extra fields are dropped, except a role, which is kept.
            role = raw.get("role", "owner")
            raw = {k: v for k, v in raw.items() if k in SignupIn.model_fields}
        body = _validate(SignupIn, raw)
        if body.email in users:
            raise HTTPException(409, "email taken")
        user = {"id": f"u{next(serial)}", "email": body.email, "org_id": f"org-{body.org}", "role": role,
                "display_name": "", "password_hash": _hash(body.password)}
        users[body.email] = user
        return {"user_id": user["id"], "org_id": user["org_id"]}

    @app.post("/auth/login", openapi_extra={"security": []})
    def login(body: LoginIn) -> dict[str, str]:
        user = users.get(body.email)
        if user is None or user["password_hash"] != _hash(body.password):
            raise HTTPException(400 if "login-400" in FLAWS else 401, "invalid email or password")
        token = f"tok{next(serial)}"
        tokens[token] = body.email
        return {"access_token": token}

    @app.get("/me")
    def read_me(user: dict[str, Any] = Depends(me)) -> dict[str, Any]:
        shown = ["id", "email", "role", "org_id", "display_name"] + (["password_hash"] if "hash" in FLAWS else [])
        return {k: user[k] for k in shown}

    me_body = {"required": True, "content": {"application/json": {"schema": MeUpdate.model_json_schema()}}}

    @app.patch("/me", openapi_extra={"requestBody": me_body})
    async def update_me(request: Request, user: dict[str, Any] = Depends(me)) -> dict[str, Any]:
        raw = await _json(request)
        body = _validate(MeUpdate, raw)
        if body.display_name is not None:
            user["display_name"] = body.display_name
        if "role" in FLAWS:
            # FLAW: a "generic update" that copies any known field of the body onto the user.
            user.update({k: v for k, v in raw.items() if k in user and k != "password_hash"})
        return {k: user[k] for k in ("id", "email", "role", "org_id", "display_name")}

    if "crash" in FLAWS:
        @app.post("/notes", status_code=201, openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": NOTE_SCHEMA}}}})
        async def create_note_raw(request: Request, user: dict[str, Any] = Depends(me)) -> dict[str, Any]:
            data = json.loads(await request.body())
            # FLAW: no validation; int() and .strip() on whatever came in.
            priority = int(data.get("priority", 3))
            if "name-rule" in FLAWS and not str(data.get("title")).startswith("n-"):
                raise HTTPException(422, "a note title starts with n-")
            note = {"id": f"n{next(serial)}", "org_id": user["org_id"], "title": data["title"].strip(),
                    "body": data.get("body"), "priority": priority, "tags": list(data.get("tags", []))}
            notes[note["id"]] = note
            return note_out(note)
    else:
        @app.post("/notes", status_code=201)
        def create_note(body: NoteIn, user: dict[str, Any] = Depends(me)) -> dict[str, Any]:
            note = {"id": f"n{next(serial)}", "org_id": user["org_id"], **body.model_dump()}
            notes[note["id"]] = note
            return note_out(note)

    @app.get("/notes")
    def list_notes(user: dict[str, Any] = Depends(me)) -> list[dict[str, Any]]:
        return [note_out(n) for n in notes.values() if n["org_id"] == user["org_id"]]

    @app.get("/notes/{note_id}")
    def get_note(note_id: str, user: dict[str, Any] = Depends(me)) -> dict[str, Any]:
        return note_out(own_note(note_id, user))

    if "traceback" in FLAWS:
        @app.patch("/notes/{note_id}", openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": PATCH_SCHEMA}}}})
        async def patch_note_raw(note_id: str, request: Request, user: dict[str, Any] = Depends(me)) -> Any:
            note = own_note(note_id, user)
            try:
                data = json.loads(await request.body())
                title = data.get("title", note["title"])
                if len(title) > 100 or int(data.get("priority", note["priority"])) not in range(1, 6):
                    raise ValueError("out of range")
            except Exception:
                # FLAW: the traceback goes back to the client.
                return JSONResponse({"detail": traceback.format_exc()}, status_code=400)
            note.update(title=title, priority=int(data.get("priority", note["priority"])))
            return note_out(note)
    else:
        @app.patch("/notes/{note_id}")
        def patch_note(note_id: str, body: NotePatch, user: dict[str, Any] = Depends(me)) -> dict[str, Any]:
            note = own_note(note_id, user)
            note.update({k: v for k, v in body.model_dump().items() if v is not None})
            return note_out(note)

    if "sql" in FLAWS:
        @app.post("/notes/{note_id}/comments", status_code=201, openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": COMMENT_SCHEMA}}}})
        async def comment_raw(note_id: str, request: Request, user: dict[str, Any] = Depends(me)) -> Any:
            own_note(note_id, user)
            data = await _json(request)
            text = data.get("text") if isinstance(data, dict) else data
            try:
                # FLAW: SQL built by string formatting, and the database error returned as is.
                db.execute(f"INSERT INTO comments (note, text) VALUES ('{note_id}', '{text}')")
            except sqlite3.Error as exc:
                return JSONResponse({"detail": f"sqlite3.{type(exc).__name__}: {exc}"}, status_code=400)
            return {"note_id": note_id, "text": text}
    else:
        @app.post("/notes/{note_id}/comments", status_code=201)
        def comment(note_id: str, body: CommentIn, user: dict[str, Any] = Depends(me)) -> dict[str, str]:
            own_note(note_id, user)
            db.execute("INSERT INTO comments (note, text) VALUES (?, ?)", (note_id, body.text))
            return {"note_id": note_id, "text": body.text}

    @app.post("/projects", status_code=201, openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": ProjectIn.model_json_schema()}}}})
    async def create_project(request: Request, user: dict[str, Any] = Depends(me)) -> dict[str, Any]:
        raw = await _json(request)
        body = _validate(ProjectIn, raw)
        if "name-rule" in FLAWS and not body.name.startswith("prj-"):
            raise HTTPException(422, "a project name starts with prj-")
        project = {"id": f"p{next(serial)}", "name": body.name, "org_id": user["org_id"], "owner_id": user["id"]}
        if "owner" in FLAWS:
            # FLAW: ownership taken from the body when present.
            project.update({k: raw[k] for k in ("org_id", "owner_id") if k in raw})
        projects[project["id"]] = project
        return dict(project)

    @app.get("/projects/{project_id}")
    def get_project(project_id: str, user: dict[str, Any] = Depends(me)) -> dict[str, Any]:
        project = projects.get(project_id)
        if project is None or project["org_id"] != user["org_id"]:
            raise HTTPException(404, "project not found")
        return dict(project)

    @app.patch("/projects/{project_id}", openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": ProjectIn.model_json_schema()}}}})
    async def update_project(project_id: str, request: Request, user: dict[str, Any] = Depends(me)) -> dict[str, Any]:
        project = get_project(project_id, user)
        raw = await _json(request)
        body = _validate(ProjectIn, raw)
        projects[project_id]["name"] = body.name
        if "echo" in FLAWS:
            return {**projects[project_id], **raw}  # echoes privileged fields, stores none of them
        return dict(projects[project_id])

    return app


app = create_app()
