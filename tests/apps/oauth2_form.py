"""An org-based notes API that logs in through an OAuth2 password form, as FastAPI's
``OAuth2PasswordRequestForm`` does (``username``/``password`` as application/x-www-form-urlencoded, the
email in ``username``), answering ``{"access_token", "token_type": "bearer"}``.

- ``POST /auth/register`` (public) ``{"email", "password", "namespace"}``: a new user in the org that
  ``namespace`` names (made on first use). ``namespace`` must match ``^ns-[a-z0-9-]+$``, a rule the
  spec states but no generated value meets: only ``launchready_login_fields`` (``namespace:
  ns-$tenant``) can fill it.
- ``POST /auth/token`` (public): the form; ``GET /users/me``; ``POST /notes``, ``GET /notes/{note_id}``.

The form is parsed by hand and declared in ``openapi_extra`` (the spec FastAPI writes for
``OAuth2PasswordRequestForm``), so the app needs no python-multipart.

Flaw (``OAUTH_FLAWS``): ``read-any``: anyone signed in reads any org's note.
"""

from __future__ import annotations

import itertools
import os
import secrets
import urllib.parse

from fastapi import Depends, FastAPI, HTTPException, Request
from pydantic import BaseModel, Field

FLAWS = set(filter(None, os.environ.get("OAUTH_FLAWS", "").split(",")))
PUBLIC = {"security": []}
FORM = {
    "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
        "type": "object", "required": ["username", "password"],
        "properties": {"grant_type": {"type": "string", "pattern": "^password$"}, "username": {"type": "string"},
                       "password": {"type": "string"}, "scope": {"type": "string", "default": ""},
                       "client_id": {"type": "string"}, "client_secret": {"type": "string"}}}}}},
    "security": [],
}

app = FastAPI(title="oauth2 form")
USERS: dict[str, dict[str, str]] = {}  # email -> {password, org}
TOKENS: dict[str, str] = {}  # token -> email
NOTES: dict[int, dict[str, str]] = {}
_IDS = itertools.count(1)


class RegisterIn(BaseModel):
    email: str = Field(min_length=3)
    password: str = Field(min_length=8)
    namespace: str = Field(pattern=r"^ns-[a-z0-9-]+$")


class NoteIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)


def caller(request: Request) -> dict[str, str]:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or token not in TOKENS:
        raise HTTPException(401, "not signed in")
    email = TOKENS[token]
    return {"email": email, **USERS[email]}


@app.post("/auth/register", status_code=201, openapi_extra=PUBLIC)
def register(body: RegisterIn) -> dict[str, str]:
    if body.email in USERS:
        raise HTTPException(409, "email taken")
    USERS[body.email] = {"password": body.password, "org": body.namespace}
    return {"email": body.email}


@app.post("/auth/token", openapi_extra=FORM)
async def token(request: Request) -> dict[str, str]:
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        raise HTTPException(422, "expected a form")
    form = dict(urllib.parse.parse_qsl((await request.body()).decode()))
    user = USERS.get(form.get("username", ""))
    if user is None or user["password"] != form.get("password"):
        raise HTTPException(401, "wrong credentials")
    issued = secrets.token_urlsafe(24)
    TOKENS[issued] = form["username"]
    return {"access_token": issued, "token_type": "bearer"}


@app.get("/users/me")
def me(user: dict[str, str] = Depends(caller)) -> dict[str, str]:
    return {"email": user["email"], "org": user["org"]}


@app.post("/notes", status_code=201)
def create_note(body: NoteIn, user: dict[str, str] = Depends(caller)) -> dict[str, object]:
    note_id = next(_IDS)
    NOTES[note_id] = {"title": body.title, "org": user["org"]}
    return {"id": note_id, "title": body.title}


@app.get("/notes/{note_id}")
def read_note(note_id: int, user: dict[str, str] = Depends(caller)) -> dict[str, object]:
    note = NOTES.get(note_id)
    if note is None or (note["org"] != user["org"] and "read-any" not in FLAWS):
        raise HTTPException(404, "no such note")
    return {"id": note_id, "title": note["title"]}
