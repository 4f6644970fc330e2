"""A restaurant whose staff roles are global to the app: ``chef`` > ``employee`` > ``customer``.

Customers belong to a household (the tenant): its members share its orders and see no one else's.
Chefs and employees belong to no household; they see every order. Sign-in is a test shortcut:
``POST /auth/login`` ``{"household", "role", "name"}`` answers a bearer token; a staff role takes no
household and a customer needs one.

- ``GET /me``: the caller (``id``, ``role``, ``household``) and today's ``specials``: the names of
  the menu items, which the chefs wrote and every customer sees.
- ``POST /orders``, ``GET /orders``, ``GET``/``PATCH``/``DELETE /orders/{order_id}``: a customer's
  own household's orders (staff may read any order).
- ``GET /kitchen/orders`` (employee and higher): every order; ``PUT /kitchen/orders/{order_id}/status``
  (employee and higher): move an order to ``cooking`` or ``ready``.
- ``GET /menu``, ``GET /menu/{item_id}``: anyone signed in; ``POST /menu``, ``PATCH /menu/{item_id}`` (the
  price), ``DELETE /menu/{item_id}``: chefs only.

Flaws (``RESTAURANT_FLAWS``, comma-separated; none by default): ``customer-sets-status`` (the status
route checks nobody's role: any customer moves any order), ``employee-deletes-menu`` (deleting a
menu item checks for staff, not for a chef), ``order-any`` (a customer reads any household's order),
``token-keeps-role`` (a token keeps the role its user had at sign-in: a demotion takes effect only at the
next sign-in). ``USERS`` and ``TOKENS`` are what a test's ``launchready_set_role`` changes.
"""

from __future__ import annotations

import os
import secrets
from typing import Callable, Literal

from fastapi import Depends, FastAPI, HTTPException, Request
from pydantic import BaseModel

FLAWS = set(filter(None, os.environ.get("RESTAURANT_FLAWS", "").split(",")))
RANK = {"chef": 0, "employee": 1, "customer": 2}

app = FastAPI(title="restaurant with global staff roles")
USERS: dict[str, dict[str, str]] = {}  # user id -> user
TOKENS: dict[str, str] = {}  # token -> user id
ROLE_AT_SIGN_IN: dict[str, str] = {}  # token -> its user's role when it was issued
ORDERS: dict[str, dict[str, str]] = {}
MENU: dict[str, dict[str, object]] = {}


class Login(BaseModel):
    household: str = ""
    role: Literal["chef", "employee", "customer"] = "customer"
    name: str = ""


class NewOrder(BaseModel):
    dish: str = ""
    note: str = ""


class StatusChange(BaseModel):
    status: Literal["cooking", "ready"]


class NewItem(BaseModel):
    name: str = ""
    price: int = 10


class Price(BaseModel):
    price: int


def caller(request: Request) -> dict[str, str]:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    user_id = TOKENS.get(token.strip()) if scheme.lower() == "bearer" else None
    if user_id is None:
        raise HTTPException(401, "missing or unknown token")
    if "token-keeps-role" in FLAWS:
        return {**USERS[user_id], "role": ROLE_AT_SIGN_IN[token.strip()]}
    return USERS[user_id]


def at_least(role: str) -> Callable[..., dict[str, str]]:
    def check(user: dict[str, str] = Depends(caller)) -> dict[str, str]:
        if RANK[user["role"]] > RANK[role]:
            raise HTTPException(403, f"{role} only")
        return user

    return check


def is_staff(user: dict[str, str]) -> bool:
    return user["role"] != "customer"


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/auth/login")
def login(payload: Login) -> dict[str, str]:
    staff = payload.role != "customer"
    if staff == bool(payload.household):
        raise HTTPException(422, "staff take no household; a customer needs one")
    user_id = "u_" + secrets.token_hex(6)
    USERS[user_id] = {"id": user_id, "role": payload.role, "household": payload.household, "name": payload.name}
    token = secrets.token_urlsafe(24)
    TOKENS[token] = user_id
    ROLE_AT_SIGN_IN[token] = payload.role
    return {"access_token": token}


@app.get("/me")
def me(user: dict[str, str] = Depends(caller)) -> dict[str, object]:
    specials = [item["name"] for item in MENU.values()]
    return {"id": user["id"], "role": user["role"], "household": user["household"], "specials": specials}


@app.post("/orders", status_code=201)
def create_order(payload: NewOrder, user: dict[str, str] = Depends(caller)) -> dict[str, str]:
    if is_staff(user):
        raise HTTPException(403, "staff do not order")
    order_id = "o_" + secrets.token_hex(6)
    ORDERS[order_id] = {"id": order_id, "dish": payload.dish, "note": payload.note, "status": "new",
                        "household": user["household"]}
    return ORDERS[order_id]


@app.get("/orders")
def list_orders(user: dict[str, str] = Depends(caller)) -> list[dict[str, str]]:
    return [o for o in ORDERS.values() if is_staff(user) or o["household"] == user["household"]]


def _order(order_id: str, user: dict[str, str], flaw: str = "") -> dict[str, str]:
    order = ORDERS.get(order_id)
    if order is None or not (is_staff(user) or order["household"] == user["household"] or flaw in FLAWS):
        raise HTTPException(404, "no such order")
    return order


@app.get("/orders/{order_id}")
def read_order(order_id: str, user: dict[str, str] = Depends(caller)) -> dict[str, str]:
    return _order(order_id, user, "order-any")


@app.patch("/orders/{order_id}")
def change_order(order_id: str, payload: NewOrder, user: dict[str, str] = Depends(caller)) -> dict[str, str]:
    order = _order(order_id, user)
    if is_staff(user):
        raise HTTPException(403, "staff do not change orders")
    order["note"] = payload.note or order["note"]
    return order


@app.delete("/orders/{order_id}", status_code=204)
def cancel_order(order_id: str, user: dict[str, str] = Depends(caller)) -> None:
    ORDERS.pop(_order(order_id, user)["id"])


@app.get("/kitchen/orders")
def kitchen_orders(user: dict[str, str] = Depends(at_least("employee"))) -> list[dict[str, str]]:
    return list(ORDERS.values())


@app.put("/kitchen/orders/{order_id}/status")
def set_status(order_id: str, payload: StatusChange, request: Request) -> dict[str, str]:
    user = caller(request) if "customer-sets-status" in FLAWS else at_least("employee")(caller(request))
    order = ORDERS.get(order_id)
    if order is None:
        raise HTTPException(404, "no such order")
    order["status"] = payload.status
    return {"id": order_id, "status": order["status"], "by": user["id"]}


@app.get("/menu")
def menu(user: dict[str, str] = Depends(caller)) -> list[dict[str, object]]:
    return list(MENU.values())


@app.post("/menu", status_code=201)
def add_item(payload: NewItem, user: dict[str, str] = Depends(at_least("chef"))) -> dict[str, object]:
    item_id = "m_" + secrets.token_hex(6)
    MENU[item_id] = {"id": item_id, "name": payload.name, "price": payload.price}
    return MENU[item_id]


@app.get("/menu/{item_id}")
def read_item(item_id: str, user: dict[str, str] = Depends(caller)) -> dict[str, object]:
    if item_id not in MENU:
        raise HTTPException(404, "no such item")
    return MENU[item_id]


@app.patch("/menu/{item_id}")
def reprice_item(item_id: str, payload: Price, user: dict[str, str] = Depends(at_least("chef"))) -> dict[str, object]:
    if item_id not in MENU:
        raise HTTPException(404, "no such item")
    MENU[item_id]["price"] = payload.price
    return MENU[item_id]


@app.delete("/menu/{item_id}", status_code=204)
def delete_item(item_id: str, request: Request) -> None:
    at_least("employee" if "employee-deletes-menu" in FLAWS else "chef")(caller(request))
    if MENU.pop(item_id, None) is None:
        raise HTTPException(404, "no such item")
