"""The frame test app again, as a Flask (WSGI) app."""

from __future__ import annotations

import os

from flask import Flask, jsonify, request

FLAWS = set(filter(None, os.environ.get("FRAME_FLAWS", "").split(",")))
USERS: dict[str, str] = {}

app = Flask(__name__)


def _org() -> str | None:
    return USERS.get(request.headers.get("Authorization", "").removeprefix("Bearer ").strip())


@app.get("/health")
def health():  # type: ignore[no-untyped-def]
    return jsonify(ok=True)


@app.post("/auth/login")
def login():  # type: ignore[no-untyped-def]
    body = request.get_json()
    token = f"tok-{body['org']}-{body['role']}-{len(USERS)}"
    USERS[token] = body["org"]
    return jsonify(access_token=token)


@app.get("/items")
def items():  # type: ignore[no-untyped-def]
    if _org() is None and "open-items" not in FLAWS:
        return jsonify(detail="not authenticated"), 401
    return jsonify([{"id": "1"}])


@app.get("/items/<int:item_id>")
def item(item_id: int):  # type: ignore[no-untyped-def]
    if _org() is None:
        return jsonify(detail="not authenticated"), 401
    return jsonify(id=item_id)
