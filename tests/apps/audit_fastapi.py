"""An org-based FastAPI app with an audit log, for the audit and backups tests; AUDIT_FLAWS and BACKUP_FLAWS
switch defects on by name.

- ``POST /auth/signup`` ``{email, password, org_name}`` founds an org with its ``owner``; ``POST /auth/login``
  answers ``{"access_token"}``; ``POST /orgs/invites`` (owner) and ``POST /auth/accept-invite`` add users.
- ``GET /me``; ``POST /notes`` ``{title, body}``; ``GET``, ``PATCH``, ``DELETE /notes/{note_id}`` (the caller's
  org's notes only, 404 otherwise); ``PATCH /members/{member_id}`` ``{role}`` (owner).
- ``GET /audit``: the caller's org's entries ``{"action", "actor_id", "org_id", "at", "ip", "outcome"}``, oldest
  first (a refused read of another org's note is ``{"action": "note.read", "outcome": "denied"}``).
- :func:`backup` / :func:`restore`: a snapshot of every table, for ``launchready_backup`` fixtures.

AUDIT_FLAWS: ``no-login-entry``, ``no-write-entry``, ``no-role-entry``, ``no-denied-entry`` (that action is
not logged), ``no-ip`` (entries carry no client IP), ``renamed`` (entries name their fields ``who``,
``tenant_ref``, ``logged``, ``peer``, ``what``). BACKUP_FLAWS: ``shallow`` (the snapshot shares the
rows, so a change made after it is in it too), ``notes-left-out`` (the snapshot skips the notes
table), ``restore-noop`` (restore does nothing).
"""

from __future__ import annotations

import copy
import itertools
import os
import secrets
from datetime import datetime, timezone
from typing import Any

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from pydantic import BaseModel, Field

FLAWS = set(filter(None, os.environ.get("AUDIT_FLAWS", "").split(",")))
BACKUP_FLAWS = set(filter(None, os.environ.get("BACKUP_FLAWS", "").split(",")))

app = FastAPI(title="audit")
_ids = itertools.count(1)
DB: dict[str, dict[Any, Any]] = {"orgs": {}, "users": {}, "tokens": {}, "invites": {}, "notes": {}, "audit": {}}


class Signup(BaseModel):
    email: str
    password: str = Field(min_length=8)
    org_name: str


class Login(BaseModel):
    email: str
    password: str


class InviteIn(BaseModel):
    email: str
    role: str = Field(pattern="^(owner|admin|member)$")


class Accept(BaseModel):
    invite_token: str
    password: str = Field(min_length=8)


class NoteIn(BaseModel):
    title: str = Field(max_length=200)
    body: str = Field(max_length=2000)


class NotePatch(BaseModel):
    title: str | None = Field(default=None, max_length=200)
    body: str | None = Field(default=None, max_length=2000)


class RoleIn(BaseModel):
    role: str = Field(pattern="^(owner|admin|member)$")


def audit(request: Request, action: str, user: dict[str, Any], flaw: str, outcome: str = "ok") -> None:
    if flaw in FLAWS:
        return
    entry = {"action": action, "actor_id": user["id"], "org_id": user["org_id"],
             "at": datetime.now(timezone.utc).isoformat(), "ip": request.client.host if request.client else None,
             "outcome": outcome}
    if "no-ip" in FLAWS:
        del entry["ip"]
    if "renamed" in FLAWS:
        names = {"action": "what", "actor_id": "who", "org_id": "tenant_ref", "at": "logged", "ip": "peer", "outcome": "outcome"}
        entry = {names[k]: v for k, v in entry.items()}
    DB["audit"][next(_ids)] = (user["org_id"], entry)


def caller(authorization: str | None = Header(default=None)) -> dict[str, Any]:
    scheme, _, token = (authorization or "").partition(" ")
    user = DB["users"].get(DB["tokens"].get(token.strip())) if scheme == "Bearer" else None
    if user is None:
        raise HTTPException(401, "missing or unknown token")
    return user  # type: ignore[no-any-return]


def _user_out(user: dict[str, Any]) -> dict[str, Any]:
    return {k: user[k] for k in ("id", "email", "org_id", "role")}


@app.post("/auth/signup", status_code=201, openapi_extra={"security": []})
def signup(body: Signup) -> dict[str, Any]:
    if any(u["email"] == body.email for u in DB["users"].values()):
        raise HTTPException(409, "email taken")
    org_id, user_id = next(_ids), next(_ids)
    DB["orgs"][org_id] = body.org_name
    DB["users"][user_id] = {"id": user_id, "email": body.email, "password": body.password, "org_id": org_id, "role": "owner"}
    return {"user_id": user_id, "org_id": org_id}


@app.post("/auth/login", openapi_extra={"security": []})
def login(body: Login, request: Request) -> dict[str, str]:
    user = next((u for u in DB["users"].values() if u["email"] == body.email and u["password"] == body.password), None)
    if user is None:
        raise HTTPException(401, "bad credentials")
    token = secrets.token_urlsafe(16)
    DB["tokens"][token] = user["id"]
    audit(request, "user.login", user, "no-login-entry")
    return {"access_token": token}


@app.post("/orgs/invites", status_code=201)
def invite(body: InviteIn, user: dict[str, Any] = Depends(caller)) -> dict[str, str]:
    if user["role"] != "owner":
        raise HTTPException(403, "owners only")
    token = secrets.token_urlsafe(16)
    DB["invites"][token] = {"email": body.email, "role": body.role, "org_id": user["org_id"]}
    return {"invite_token": token}


@app.post("/auth/accept-invite", status_code=201, openapi_extra={"security": []})
def accept(body: Accept) -> dict[str, Any]:
    found = DB["invites"].pop(body.invite_token, None)
    if found is None:
        raise HTTPException(400, "invalid invite")
    user_id = next(_ids)
    DB["users"][user_id] = {"id": user_id, "email": found["email"], "password": body.password, "org_id": found["org_id"],
                            "role": found["role"]}
    return _user_out(DB["users"][user_id])


@app.get("/me")
def me(user: dict[str, Any] = Depends(caller)) -> dict[str, Any]:
    return _user_out(user)


@app.post("/notes", status_code=201)
def create_note(body: NoteIn, request: Request, user: dict[str, Any] = Depends(caller)) -> dict[str, Any]:
    note = {"id": next(_ids), "org_id": user["org_id"], "title": body.title, "body": body.body}
    DB["notes"][note["id"]] = note
    audit(request, "note.create", user, "no-write-entry")
    return dict(note)


def _note(note_id: int, request: Request, user: dict[str, Any]) -> dict[str, Any]:
    note = DB["notes"].get(note_id)
    if note is None or note["org_id"] != user["org_id"]:
        if note is not None:
            audit(request, "note.read", user, "no-denied-entry", outcome="denied")
        raise HTTPException(404, "no such note")
    return note  # type: ignore[no-any-return]


@app.get("/notes/{note_id}")
def read_note(note_id: int, request: Request, user: dict[str, Any] = Depends(caller)) -> dict[str, Any]:
    return dict(_note(note_id, request, user))


@app.patch("/notes/{note_id}")
def change_note(note_id: int, body: NotePatch, request: Request, user: dict[str, Any] = Depends(caller)) -> dict[str, Any]:
    note = _note(note_id, request, user)
    note.update({k: v for k, v in body.model_dump().items() if v is not None})  # in place: what a shallow copy shares
    return dict(note)


@app.delete("/notes/{note_id}", status_code=204)
def delete_note(note_id: int, request: Request, user: dict[str, Any] = Depends(caller)) -> None:
    DB["notes"].pop(_note(note_id, request, user)["id"])


@app.patch("/members/{member_id}")
def change_role(member_id: int, body: RoleIn, request: Request, user: dict[str, Any] = Depends(caller)) -> dict[str, Any]:
    member = DB["users"].get(member_id)
    if user["role"] != "owner" or member is None or member["org_id"] != user["org_id"]:
        raise HTTPException(404, "no such member")
    member["role"] = body.role
    audit(request, "member.role_change", user, "no-role-entry")
    return _user_out(member)


@app.get("/audit")
def audit_log(user: dict[str, Any] = Depends(caller)) -> list[dict[str, Any]]:
    return [entry for org_id, entry in DB["audit"].values() if org_id == user["org_id"]]


def backup() -> dict[str, dict[Any, Any]]:
    """A snapshot of every table (a deep copy, unless BACKUP_FLAWS says otherwise)."""
    if "shallow" in BACKUP_FLAWS:
        return {name: dict(rows) for name, rows in DB.items()}
    return {name: copy.deepcopy(rows) for name, rows in DB.items() if not ("notes-left-out" in BACKUP_FLAWS and name == "notes")}


def restore(snapshot: dict[str, dict[Any, Any]]) -> None:
    """Put every table of ``snapshot`` back."""
    if "restore-noop" in BACKUP_FLAWS:
        return
    for name, rows in snapshot.items():
        DB[name].clear()
        DB[name].update(copy.deepcopy(rows))
