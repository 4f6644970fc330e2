"""A B2B app whose "who am I" route answers with the company, not the user: ``GET /account`` is the caller's
org ``{id, name}``. Users and orgs are numbered by separate counters, so an org's id is some other user's id.

- ``POST /auth/signup`` ``{username, password, org}`` (joins the org of that name, or founds it) and
  ``POST /auth/login`` ``{username, password}`` answering ``{"access_token"}``: public.
- ``GET /account``: the caller's org ``{id, name}``; ``GET /notes`` lists nothing.
- ``GET /users/{user_id}``: a user's profile ``{id, username}`` (the member directory).
- ``DELETE /users/{user_id}`` and ``PUT /users/{user_id}/password`` ``{password}``: any signed-in user may delete or
  re-password any user (admin powers given to everyone: the point is what the plugin sends, not the app's
  rights). Each is logged to ``changed_users.txt`` in the working directory as ``<verb> <user id>``.

Five users of another company (ids 1 to 5) exist from the start; the first org founded gets id 1.
"""

from __future__ import annotations

import itertools
import secrets
from pathlib import Path

from fastapi import Depends, FastAPI, HTTPException, Request, Response
from pydantic import BaseModel

app = FastAPI(title="org account")
ORGS: dict[int, str] = {100: "someone-else-inc"}
USERS: dict[int, dict[str, object]] = {n: {"id": n, "username": f"someone-else-{n}", "password": secrets.token_hex(8), "org": 100}
                                       for n in range(1, 6)}
TOKENS: dict[str, int] = {}
_USER_IDS = itertools.count(6)
_ORG_IDS = itertools.count(1)
LOG = Path("changed_users.txt")


class SignUp(BaseModel):
    username: str
    password: str
    org: str = ""


class Login(BaseModel):
    username: str
    password: str


class NewPassword(BaseModel):
    password: str


def caller(request: Request) -> dict[str, object]:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    user_id = TOKENS.get(token.strip()) if scheme == "Bearer" else None
    if user_id is None or user_id not in USERS:
        raise HTTPException(401, "missing or unknown token")
    return USERS[user_id]


def _target(user_id: int) -> dict[str, object]:
    if user_id not in USERS:
        raise HTTPException(404, "no such user")
    return USERS[user_id]


@app.get("/health", openapi_extra={"security": []})
def health() -> dict[str, bool]:
    return {"ok": True}


@app.post("/auth/signup", status_code=201, openapi_extra={"security": []})
def sign_up(body: SignUp) -> dict[str, object]:
    if any(u["username"] == body.username for u in USERS.values()):
        raise HTTPException(409, "username taken")
    name = body.org or body.username
    org = next((n for n, o in ORGS.items() if o == name), None) or next(_ORG_IDS)
    ORGS[org] = name
    user_id = next(_USER_IDS)
    USERS[user_id] = {"id": user_id, "username": body.username, "password": body.password, "org": org}
    return {"id": user_id, "username": body.username}


@app.post("/auth/login", openapi_extra={"security": []})
def log_in(body: Login) -> dict[str, str]:
    user = next((u for u in USERS.values() if u["username"] == body.username), None)
    if user is None or user["password"] != body.password:
        raise HTTPException(401, "wrong username or password")
    token = secrets.token_urlsafe(24)
    TOKENS[token] = int(str(user["id"]))
    return {"access_token": token}


@app.get("/account")
def account(user: dict[str, object] = Depends(caller)) -> dict[str, object]:
    org = int(str(user["org"]))
    return {"id": org, "name": ORGS[org]}


@app.get("/notes")
def notes(user: dict[str, object] = Depends(caller)) -> list[str]:
    return []


@app.get("/users/{user_id}")
def read_user(user_id: int, user: dict[str, object] = Depends(caller)) -> dict[str, object]:
    found = _target(user_id)
    return {"id": found["id"], "username": found["username"]}


@app.delete("/users/{user_id}", status_code=204)
def delete_user(user_id: int, user: dict[str, object] = Depends(caller)) -> Response:
    _target(user_id)
    del USERS[user_id]
    with LOG.open("a") as handle:
        handle.write(f"delete {user_id}\n")
    return Response(status_code=204)


@app.put("/users/{user_id}/password")
def set_password(user_id: int, body: NewPassword, user: dict[str, object] = Depends(caller)) -> dict[str, bool]:
    _target(user_id)["password"] = body.password
    with LOG.open("a") as handle:
        handle.write(f"password {user_id}\n")
    return {"ok": True}
