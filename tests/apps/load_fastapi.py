"""A small notes API for the load check; LOAD_FLAWS switches on defects by name.

``slow-list``: ``GET /notes`` does one slow lookup per note (an N+1), 0.6 s at least. ``flaky``: every
20th ``GET /notes/{note_id}`` answers 500 (5% of its requests). LOAD_SEEN, when set, is a file where the
app appends one line per distinct token it sees on the notes routes (the load test's signed-in users), so
two runs of the load (one per xdist worker, each with its own app) would show twice the lines.
"""

from __future__ import annotations

import itertools
import os
import threading
import time

from fastapi import Depends, FastAPI, Header, HTTPException
from pydantic import BaseModel

FLAWS = set(filter(None, os.environ.get("LOAD_FLAWS", "").split(",")))
USERS: dict[str, str] = {}  # token -> org
NOTES: dict[int, dict[str, object]] = {}
SEEN: set[str] = set()
_ids = itertools.count(1)
_reads = itertools.count(1)
_lock = threading.Lock()

app = FastAPI()


class NoteIn(BaseModel):
    title: str


def current_org(authorization: str = Header(default="")) -> str:
    token = authorization.removeprefix("Bearer ").strip()
    if token not in USERS:
        raise HTTPException(status_code=401, detail="not authenticated")
    seen = os.environ.get("LOAD_SEEN")
    if seen:
        with _lock:
            if token not in SEEN:
                SEEN.add(token)
                with open(seen, "a") as file:
                    file.write("user\n")
    return USERS[token]


@app.post("/auth/login", openapi_extra={"security": []})
def login(body: dict[str, str]) -> dict[str, str]:
    token = f"tok-{body['org']}-{body['role']}-{len(USERS)}"
    USERS[token] = body["org"]
    return {"access_token": token}


@app.get("/notes")
async def notes(org: str = Depends(current_org)) -> list[dict[str, object]]:
    mine = [n for n in NOTES.values() if n["org"] == org]
    if "slow-list" in FLAWS:
        import asyncio

        await asyncio.sleep(0.6)  # one slow query per note, at least one
    return mine


@app.post("/notes", status_code=201)
def create(body: NoteIn, org: str = Depends(current_org)) -> dict[str, object]:
    note = {"id": next(_ids), "title": body.title, "org": org}
    NOTES[int(note["id"])] = note  # type: ignore[arg-type]
    return note


@app.get("/notes/{note_id}")
def read(note_id: int, org: str = Depends(current_org)) -> dict[str, object]:
    if "flaky" in FLAWS and next(_reads) % 20 == 0:
        raise HTTPException(status_code=500, detail="pool exhausted")
    note = NOTES.get(note_id)
    if note is None or note["org"] != org:
        raise HTTPException(status_code=404, detail="no such note")
    return note
