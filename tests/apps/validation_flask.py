"""A small Flask (WSGI) API for the validation tests, described by the OpenAPI document ``SPEC``.

Secure by default: bodies are parsed and checked by hand, every problem answered with 400. Flaws
(VALIDATION_FLAWS, comma-separated):

- ``debugger``: no checks at all, and the Werkzeug debugger wrapped around the app (its HTML page on a crash).
- ``nesting``: deeply nested JSON crashes the parser (RecursionError is not caught: 500).
- ``lenient``: the declared ``maxLength`` of ``name`` is not enforced (a WARN, not a failure).
"""

from __future__ import annotations

import json
import os
from typing import Any

from flask import Flask, jsonify, request

FLAWS = set(filter(None, os.environ.get("VALIDATION_FLAWS", "").split(",")))

ITEM_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "quantity"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 40},
        "quantity": {"type": "integer", "minimum": 1, "maximum": 100},
    },
}
SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "items", "version": "1"},
    "paths": {
        "/items": {
            "post": {
                "security": [],
                "requestBody": {"required": True, "content": {"application/json": {"schema": ITEM_SCHEMA}}},
                "responses": {"201": {"description": "created"}},
            },
            "get": {"security": [], "responses": {"200": {"description": "the items"}}},
        },
    },
}


def create_app() -> Flask:
    app = Flask(__name__)
    items: list[dict[str, Any]] = []

    def parse() -> Any:
        if request.mimetype != "application/json":
            return None, (jsonify(error="send application/json"), 415)
        raw = request.get_data(as_text=True)
        try:
            return json.loads(raw), None
        except ValueError:
            return None, (jsonify(error="malformed JSON"), 400)
        except RecursionError:
            if "nesting" in FLAWS:
                raise  # FLAW: the parser's RecursionError becomes a 500
            return None, (jsonify(error="JSON nested too deeply"), 400)

    def problems(data: Any) -> list[str]:
        if not isinstance(data, dict):
            return ["the body must be an object"]
        found = [f"unknown field {k}" for k in data if k not in ITEM_SCHEMA["properties"]]
        name, quantity = data.get("name"), data.get("quantity")
        if not isinstance(name, str) or not name or (len(name) > 40 and "lenient" not in FLAWS):
            found.append("name must be a string of 1 to 40 characters")
        if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= 100:
            found.append("quantity must be a whole number from 1 to 100")
        return found

    @app.post("/items")
    def create_item() -> Any:
        if "debugger" in FLAWS:
            data = request.get_json(force=True)
            item = {"name": data["name"].strip(), "quantity": int(data["quantity"])}  # FLAW: no checks
        else:
            data, error = parse()
            if error is not None:
                return error
            found = problems(data)
            if found:
                return jsonify(errors=found), 400
            item = {"name": data["name"], "quantity": data["quantity"]}
        items.append(item)
        return jsonify(item), 201

    @app.get("/items")
    def list_items() -> Any:
        return jsonify(items)

    if "debugger" in FLAWS:
        from werkzeug.debug import DebuggedApplication

        app.config["PROPAGATE_EXCEPTIONS"] = True  # as debug mode does: the debugger sees the crash
        app.wsgi_app = DebuggedApplication(app.wsgi_app, evalex=False)  # type: ignore[method-assign]
    return app


app = create_app()
