"""A multi-tenant Flask (WSGI) app for the tenant_isolation and roles tests; ISOLATION_FLAWS switches defects on.

No OpenAPI spec: routes come from Flask's URL map, so seeding guesses request bodies. ``POST
/auth/login {org, role}`` makes a user of that org in that role. Notes (integer ids) are created by
``POST /notes``; vaults only by ``POST /vaults/import``, which automatic seeding never calls (it
looks like an action), so tests reach them through a ``launchready_seed`` fixture.

Defects: ``read-any-note`` (GET /notes/<id> ignores the org), ``notes-list-leak`` (GET /notes
lists every org's notes), ``delete-any-note``, ``read-any-vault`` and ``member-deletes-notes``
(DELETE /notes/<id> is meant for admins and up).
"""

from __future__ import annotations

import itertools
import os
import secrets
from typing import Any

from flask import Flask, jsonify, request

FLAWS = set(filter(None, os.environ.get("ISOLATION_FLAWS", "").split(",")))
RANK = {"owner": 0, "admin": 1, "member": 2}

app = Flask(__name__)
USERS: dict[str, dict[str, str]] = {}  # token -> user
NOTES: dict[int, dict[str, Any]] = {}
VAULTS: dict[str, dict[str, Any]] = {}
NOTE_IDS = itertools.count(1)


def _user() -> dict[str, str] | None:
    return USERS.get(request.headers.get("Authorization", "").removeprefix("Bearer ").strip())


def _denied() -> Any:
    return jsonify(detail="not authenticated"), 401


def _missing() -> Any:
    return jsonify(detail="not found"), 404


@app.post("/auth/login")
def login():  # type: ignore[no-untyped-def]
    body = request.get_json(force=True)
    token = secrets.token_urlsafe(16)
    USERS[token] = {"id": "usr-" + secrets.token_hex(4), "org": body["org"], "role": body["role"]}
    return jsonify(access_token=token)


@app.get("/me")
def me():  # type: ignore[no-untyped-def]
    user = _user()
    if user is None:
        return _denied()
    return jsonify(id=user["id"], org=user["org"], role=user["role"])


@app.get("/notes")
def list_notes():  # type: ignore[no-untyped-def]
    user = _user()
    if user is None:
        return _denied()
    return jsonify([n for n in NOTES.values() if "notes-list-leak" in FLAWS or n["org"] == user["org"]])


@app.post("/notes")
def create_note():  # type: ignore[no-untyped-def]
    user = _user()
    if user is None:
        return _denied()
    body = request.get_json(silent=True) or {}
    if not isinstance(body.get("title"), str):
        return jsonify(detail="title is required"), 422
    note = {"id": next(NOTE_IDS), "org": user["org"], "title": body["title"]}
    NOTES[note["id"]] = note
    return jsonify(note), 201


def _note(note_id: int, user: dict[str, str], flaw: str) -> dict[str, Any] | None:
    note = NOTES.get(note_id)
    if note is None or (note["org"] != user["org"] and flaw not in FLAWS):
        return None
    return note


@app.get("/notes/<int:note_id>")
def get_note(note_id: int):  # type: ignore[no-untyped-def]
    user = _user()
    if user is None:
        return _denied()
    note = _note(note_id, user, "read-any-note")
    return jsonify(note) if note else _missing()


@app.patch("/notes/<int:note_id>")
def patch_note(note_id: int):  # type: ignore[no-untyped-def]
    user = _user()
    if user is None:
        return _denied()
    note = _note(note_id, user, "patch-any-note")
    if note is None:
        return _missing()
    body = request.get_json(silent=True) or {}
    if isinstance(body.get("title"), str):
        note["title"] = body["title"]
    return jsonify(note)


@app.delete("/notes/<int:note_id>")
def delete_note(note_id: int):  # type: ignore[no-untyped-def]
    user = _user()
    if user is None:
        return _denied()
    if RANK[user["role"]] > RANK["admin"] and "member-deletes-notes" not in FLAWS:
        return jsonify(detail="admins only"), 403
    note = _note(note_id, user, "delete-any-note")
    if note is None:
        return _missing()
    del NOTES[note_id]
    return "", 204


@app.post("/vaults/import")
def import_vault():  # type: ignore[no-untyped-def]
    user = _user()
    if user is None:
        return _denied()
    body = request.get_json(silent=True) or {}
    vault = {"id": "v-" + secrets.token_hex(4), "org": user["org"], "name": str(body.get("name", ""))}
    VAULTS[vault["id"]] = vault
    return jsonify(vault), 201


@app.get("/vaults/<vault_id>")
def get_vault(vault_id: str):  # type: ignore[no-untyped-def]
    user = _user()
    if user is None:
        return _denied()
    vault = VAULTS.get(vault_id)
    if vault is None or (vault["org"] != user["org"] and "read-any-vault" not in FLAWS):
        return _missing()
    return jsonify(vault)
