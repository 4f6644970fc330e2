"""A two-org notes API with a bulk route that takes its objects as a list of ids in the query, as
recipe and shopping-list apps do: ``DELETE /notes?ids=<id>&ids=<id>``.

``POST /auth/login {"org", "role"}`` answers a bearer token; ``POST /notes {"title"}`` creates a note
of the caller's org, ``GET /notes`` lists them, ``GET /notes/{note_id}`` reads one of them.
``DELETE /notes?ids=...`` deletes the caller's org's notes among the ids and ignores the others;
with ``BULK_FLAWS=bulk-any`` it deletes whichever notes the ids name.
"""

from __future__ import annotations

import itertools
import os

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Response
from pydantic import BaseModel

FLAWS = set(filter(None, os.environ.get("BULK_FLAWS", "").split(",")))
TOKENS: dict[str, str] = {}  # token -> org
NOTES: dict[str, dict[str, str]] = {}
SERIAL = itertools.count(1)

app = FastAPI()


class Login(BaseModel):
    org: str
    role: str


class NewNote(BaseModel):
    title: str


def org_of(authorization: str = Header(default="")) -> str:
    org = TOKENS.get(authorization.removeprefix("Bearer "))
    if org is None:
        raise HTTPException(401, "not authenticated")
    return org


@app.post("/auth/login", openapi_extra={"security": []})
def login(body: Login) -> dict[str, str]:
    token = f"tok-{next(SERIAL)}"
    TOKENS[token] = body.org
    return {"access_token": token}


@app.post("/notes", status_code=201)
def create(body: NewNote, org: str = Depends(org_of)) -> dict[str, str]:
    note = {"id": f"note-{next(SERIAL):06d}", "org": org, "title": body.title}
    NOTES[note["id"]] = note
    return note


@app.get("/notes")
def listing(org: str = Depends(org_of)) -> list[dict[str, str]]:
    return [n for n in NOTES.values() if n["org"] == org]


@app.get("/notes/{note_id}")
def read(note_id: str, org: str = Depends(org_of)) -> dict[str, str]:
    note = NOTES.get(note_id)
    if note is None or note["org"] != org:
        raise HTTPException(404, "not found")
    return note


@app.delete("/notes", status_code=204)
def delete_many(ids: list[str] = Query(...), org: str = Depends(org_of)) -> Response:
    for note_id in ids:
        note = NOTES.get(note_id)
        if note is not None and ("bulk-any" in FLAWS or note["org"] == org):
            del NOTES[note_id]
    return Response(status_code=204)
