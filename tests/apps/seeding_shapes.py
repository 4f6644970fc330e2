"""A two-tenant FastAPI app whose creates seeding must work out: a PUT that makes the org's one menu,
children that need it first, and a create that answers no id at all.

- ``POST /auth/login`` (public) takes ``{org, role}`` and answers ``{"access_token": ...}``.
- ``PUT /menu`` ``{"title", "notes"}`` creates (or replaces) the org's menu: there is no ``POST /menu``.
  ``GET /menu`` shows it (404 before it exists).
- ``POST /menu/items`` ``{"name", "price"}`` answers 409 until the org has a menu, then
  ``{"item": {"id", ...}}``; ``GET /menu/items/{item_id}`` and ``DELETE /menu/items/{item_id}``: the
  org's own items only.
- ``POST /tags`` ``{"label"}`` answers ``{"status": "created"}`` (no id, no Location);
  ``GET /tags`` lists the org's tags as ``{"items": [...], "count": n}``; ``GET /tags/{tag_id}``:
  the org's own tags only.

Flaws (``SEED_FLAWS``, comma-separated; none by default): ``items-any`` (anyone reads any menu
item), ``items-delete-any`` (anyone deletes any menu item), ``tags-any`` (anyone reads any tag).
"""

from __future__ import annotations

import os
import secrets

from fastapi import Depends, FastAPI, Header, HTTPException
from pydantic import BaseModel

FLAWS = set(filter(None, os.environ.get("SEED_FLAWS", "").split(",")))

app = FastAPI(title="seeding shapes")
TOKENS: dict[str, str] = {}  # token -> org
MENUS: dict[str, dict[str, str]] = {}  # org -> menu
ITEMS: dict[str, dict[str, object]] = {}  # item id -> item
TAGS: dict[str, dict[str, str]] = {}  # tag id -> tag


class Login(BaseModel):
    org: str
    role: str = "member"


class MenuFields(BaseModel):
    title: str
    notes: str = ""


class ItemFields(BaseModel):
    name: str
    price: int = 1


class TagFields(BaseModel):
    label: str


def current_org(authorization: str = Header(default="")) -> str:
    org = TOKENS.get(authorization.removeprefix("Bearer ").strip())
    if org is None:
        raise HTTPException(401, "not authenticated")
    return org


@app.get("/health", openapi_extra={"security": []})
def health() -> dict[str, bool]:
    return {"ok": True}


@app.post("/auth/login", openapi_extra={"security": []})
def login(body: Login) -> dict[str, str]:
    token = secrets.token_urlsafe(16)
    TOKENS[token] = body.org
    return {"access_token": token}


@app.put("/menu")
def put_menu(body: MenuFields, org: str = Depends(current_org)) -> dict[str, object]:
    menu = MENUS.get(org) or {"id": "menu-" + secrets.token_hex(4)}
    menu.update(title=body.title, notes=body.notes)
    MENUS[org] = menu
    return {"menu": menu}


@app.get("/menu")
def get_menu(org: str = Depends(current_org)) -> dict[str, object]:
    if org not in MENUS:
        raise HTTPException(404, "no menu yet")
    return {"menu": MENUS[org]}


@app.post("/menu/items", status_code=201)
def add_item(body: ItemFields, org: str = Depends(current_org)) -> dict[str, object]:
    if org not in MENUS:
        raise HTTPException(409, "create the menu first (PUT /menu)")
    item_id = "item-" + secrets.token_hex(4)
    ITEMS[item_id] = {"id": item_id, "name": body.name, "price": body.price, "org": org}
    return {"item": ITEMS[item_id]}


def _item(item_id: str, org: str, flaw: str) -> dict[str, object]:
    item = ITEMS.get(item_id)
    if item is None or (item["org"] != org and flaw not in FLAWS):
        raise HTTPException(404, "no such item")
    return item


@app.get("/menu/items/{item_id}")
def get_item(item_id: str, org: str = Depends(current_org)) -> dict[str, object]:
    return {"item": _item(item_id, org, "items-any")}


@app.delete("/menu/items/{item_id}", status_code=204)
def delete_item(item_id: str, org: str = Depends(current_org)) -> None:
    ITEMS.pop(str(_item(item_id, org, "items-delete-any")["id"]))


@app.post("/tags", status_code=201)
def add_tag(body: TagFields, org: str = Depends(current_org)) -> dict[str, str]:
    tag_id = "tag-" + secrets.token_hex(4)
    TAGS[tag_id] = {"id": tag_id, "label": body.label, "org": org}
    return {"status": "created"}


@app.get("/tags")
def list_tags(org: str = Depends(current_org)) -> dict[str, object]:
    mine = [t for t in TAGS.values() if t["org"] == org]
    return {"items": mine, "count": len(mine)}


@app.get("/tags/{tag_id}")
def get_tag(tag_id: str, org: str = Depends(current_org)) -> dict[str, object]:
    tag = TAGS.get(tag_id)
    if tag is None or (tag["org"] != org and "tags-any" not in FLAWS):
        raise HTTPException(404, "no such tag")
    return tag
