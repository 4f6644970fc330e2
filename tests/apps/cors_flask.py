"""A small Flask app with flask-cors, configured by CORS_FLAW (empty: the secure setup).

``prefix``: the escaped origin regex r"https://app\\.example\\.com", which flask-cors matches with
re.match (anchored at the start only); ``reflect-all``: origins="*" with supports_credentials.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, jsonify, request
from flask_cors import CORS

FLAW = os.environ.get("CORS_FLAW", "")
CONFIGS: dict[str, dict[str, Any]] = {
    # allow_headers listed: flask-cors' default ("*") reflects any requested header, a WARN.
    "": {"origins": ["https://app.example.com"], "supports_credentials": True, "allow_headers": ["Content-Type", "Authorization"]},
    "prefix": {"origins": [r"https://app\.example\.com"], "supports_credentials": True},
    "reflect-all": {"origins": "*", "supports_credentials": True},
}

app = Flask(__name__)
CORS(app, **CONFIGS[FLAW])


@app.get("/health")
def health():  # type: ignore[no-untyped-def]
    return jsonify(ok=True)


@app.get("/items")
def items():  # type: ignore[no-untyped-def]
    if request.headers.get("Authorization") != "Bearer good":
        return jsonify(detail="not authenticated"), 401
    return jsonify(["one"])


@app.post("/items")
def add_item():  # type: ignore[no-untyped-def]
    if request.headers.get("Authorization") != "Bearer good":
        return jsonify(detail="not authenticated"), 401
    return jsonify(request.get_json())
