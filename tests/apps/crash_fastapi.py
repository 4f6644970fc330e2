"""A small two-tenant notes API whose routes crash (500) on bad input, as apps in the wild do; for the
tests of live and in-process runs giving the same findings. CRASH_FLAWS switches on, by name:

- ``foreign-crash``: ``GET /notes/{note_id}`` crashes on another org's note instead of answering 404,
  and answers 404 for an id no one has (a crash that does depend on whose id it is: a cross-tenant finding).
- ``scoped-lookup-crash``: ``GET /notes/{note_id}`` looks the id up among the caller's org's notes only
  and crashes when it is not there: on another org's note as on an id no one has (Mealie's shape: a
  crash on any unknown id, which says nothing of whose id it is).

Always: ``POST /notes`` reads raw JSON (a wrong type crashes it), ``GET /search`` crashes on a NUL byte
in ``q``; and without ``foreign-crash``, ``GET /notes/{note_id}`` crashes on an id no one has (KeyError).
"""

from __future__ import annotations

import itertools
import os

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from pydantic import BaseModel

FLAWS = set(filter(None, os.environ.get("CRASH_FLAWS", "").split(",")))
TOKENS: dict[str, str] = {}
NOTES: dict[str, dict] = {}
SERIAL = itertools.count(1)


class Login(BaseModel):
    org: str
    role: str


def org_of(authorization: str = Header(default="")) -> str:
    org = TOKENS.get(authorization.removeprefix("Bearer "))
    if org is None:
        raise HTTPException(401, "not authenticated")
    return org


app = FastAPI()


@app.post("/auth/login", openapi_extra={"security": []})
def login(body: Login) -> dict:
    token = f"tok-{next(SERIAL)}-{body.org}"
    TOKENS[token] = body.org
    return {"access_token": token}


@app.get("/notes")
def notes(org: str = Depends(org_of)) -> list:
    return [n for n in NOTES.values() if n["org"] == org]


@app.post("/notes", status_code=201, openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
    "schema": {"type": "object", "required": ["title"], "properties": {"title": {"type": "string", "maxLength": 50},
                                                                        "priority": {"type": "integer"}}}}}}})
async def create(request: Request, org: str = Depends(org_of)) -> dict:
    raw = await request.json()  # raw JSON: a wrong type crashes below
    note = {"id": str(next(SERIAL)), "org": org, "title": raw["title"] + "", "priority": int(raw.get("priority", 1))}
    NOTES[note["id"]] = note
    return note


@app.get("/notes/{note_id}")
def read(note_id: str, org: str = Depends(org_of)) -> dict:
    if "scoped-lookup-crash" in FLAWS:
        return {n["id"]: n for n in NOTES.values() if n["org"] == org}[note_id]  # KeyError -> 500
    if "foreign-crash" in FLAWS and note_id not in NOTES:
        raise HTTPException(404, "not found")
    note = NOTES[note_id]  # an unknown id crashes (KeyError -> 500)
    if note["org"] != org:
        if "foreign-crash" in FLAWS:
            raise RuntimeError("note of another org")
        raise HTTPException(404, "not found")
    return note


@app.get("/search")
def search(q: str = "", org: str = Depends(org_of)) -> list:
    if "\x00" in q:
        raise ValueError("NUL in query")
    return [n for n in NOTES.values() if n["org"] == org and q in n["title"]]
