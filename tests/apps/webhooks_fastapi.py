"""Webhook receivers for the webhooks tests, one per signing scheme; WEBHOOK_FLAWS switches on defects by name.

Receivers: ``POST /webhooks/standard`` (Standard Webhooks, verified with the ``standardwebhooks``
package), ``/webhooks/stripe``, ``/webhooks/slack``, ``/webhooks/github`` and ``/webhooks/custom``
(``X-Custom-Signature: <hex HMAC-SHA256 of "<ts>|<body>">`` and ``X-Custom-Timestamp``). Secrets
come from ``WEBHOOK_WHSEC`` (standard) and ``WEBHOOK_SECRET`` (the others). Secure by default: the
signature is checked over the raw body in constant time, timestamps within 300 s, and each event id
(webhook-id, X-GitHub-Delivery, else the body's ``id``) is accepted once. Flaws (comma-separated):

- ``unsigned-accepted``: a delivery without a signature header is not verified.
- ``signature-not-compared``: any signature passes.
- ``shape-only``: a signature passes when it looks like one (right length, not one repeated character).
- ``signature-cache``: a signature verified once is trusted again without recomputing it.
- ``no-past-check`` / ``no-future-check``: old / future timestamps pass.
- ``no-replay-store``: event ids are not remembered.
- ``replay-by-signature``: deliveries are deduplicated by signature, not by event id.
- ``refuse-valid``: every delivery is refused (a misconfigured secret).
- ``crash-on-forged``: a bad signature raises (500) instead of answering 401.
- ``debug-echo``: an accepted delivery's answer quotes the secret it was checked with (a debug
  leftover), so the plugin must mask the secret it knows wherever an answer is shown.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import time
from typing import Any

from fastapi import FastAPI, HTTPException, Request

FLAWS = set(filter(None, os.environ.get("WEBHOOK_FLAWS", "").split(",")))
TOLERANCE = 300
BODY_SCHEMA = {
    "type": "object",
    "required": ["id", "type", "amount"],
    "properties": {"id": {"type": "string", "maxLength": 64}, "type": {"type": "string", "maxLength": 64},
                   "amount": {"type": "integer", "minimum": 0}},
}


def _hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _parts(scheme: str, request: Request, body: bytes) -> tuple[str | None, str | None, int | None, str | None]:
    """(signature sent, signature expected, timestamp, event id in a header) for ``scheme``."""
    h = request.headers
    secret = os.environ.get("WEBHOOK_SECRET", "")
    try:
        if scheme == "standard":
            import base64

            import standardwebhooks

            ts = h.get("webhook-timestamp")
            sent = h.get("webhook-signature")
            expected = None
            if ts and h.get("webhook-id"):
                from datetime import datetime, timezone

                expected = standardwebhooks.Webhook(os.environ.get("WEBHOOK_WHSEC", "")).sign(
                    h["webhook-id"], datetime.fromtimestamp(int(ts), tz=timezone.utc), body.decode())
                base64.b64decode(expected.split(",", 1)[1])
            return sent, expected, int(ts) if ts else None, h.get("webhook-id")
        if scheme == "stripe":
            header = h.get("stripe-signature")
            if not header:
                return None, None, None, None
            fields = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
            ts = fields.get("t", "0")
            return fields.get("v1"), _hex(secret, ts.encode() + b"." + body), int(ts), None
        if scheme == "slack":
            ts = h.get("x-slack-request-timestamp", "0")
            return h.get("x-slack-signature"), "v0=" + _hex(secret, f"v0:{ts}:".encode() + body), int(ts), None
        if scheme == "github":
            return h.get("x-hub-signature-256"), "sha256=" + _hex(secret, body), None, h.get("x-github-delivery")
        ts = h.get("x-custom-timestamp", "0")
        return h.get("x-custom-signature"), _hex(secret, ts.encode() + b"|" + body), int(ts), None
    except ValueError:
        raise HTTPException(400, "malformed signature headers") from None


#: The version tag in front of a digest: ``v0=`` (slack), ``sha256=`` (github), ``v1,`` (standard).
_TAG = re.compile(r"^(v\d+[=,]|sha256=)")


def _digest(signature: str) -> str:
    """The digest alone, its tag removed (base64 padding kept: it is part of the digest)."""
    return _TAG.sub("", signature, count=1)


def _looks_signed(sent: str, expected: str | None) -> bool:
    """The ``shape-only`` flaw: a digest as long as the right one, not one character repeated."""
    if expected is None:
        return False
    digest = _digest(sent)
    return len(digest) == len(_digest(expected)) and len(set(digest.rstrip("="))) > 2


def create_app() -> FastAPI:
    app = FastAPI()
    seen: set[str] = set()
    verified: set[str] = set()

    def receive(scheme: str, request: Request, body: bytes) -> dict[str, Any]:
        if "refuse-valid" in FLAWS:
            raise HTTPException(401, "invalid signature")
        sent, expected, ts, header_id = _parts(scheme, request, body)
        if not sent:
            if "unsigned-accepted" not in FLAWS:
                raise HTTPException(401, "missing signature")
        elif "signature-not-compared" in FLAWS or ("signature-cache" in FLAWS and sent in verified):
            pass
        elif "shape-only" in FLAWS and _looks_signed(sent, expected):
            pass
        elif expected is None or not hmac.compare_digest(sent.encode(), expected.encode()):
            if "crash-on-forged" in FLAWS:
                raise RuntimeError("signature check blew up")
            raise HTTPException(401, "invalid signature")
        if sent:
            verified.add(sent)
        if ts is not None:
            age = time.time() - ts
            if age > TOLERANCE and "no-past-check" not in FLAWS:
                raise HTTPException(400, "timestamp too old")
            if -age > TOLERANCE and "no-future-check" not in FLAWS:
                raise HTTPException(400, "timestamp in the future")
        try:
            event = json.loads(body)
        except ValueError:
            raise HTTPException(400, "not JSON") from None
        key = sent if "replay-by-signature" in FLAWS else header_id or str(event.get("id", "")) or sent
        if "no-replay-store" not in FLAWS and key:
            if key in seen:
                raise HTTPException(409, "already processed")
            seen.add(key)
        if "debug-echo" in FLAWS:
            key = os.environ.get("WEBHOOK_WHSEC" if scheme == "standard" else "WEBHOOK_SECRET", "")
            return {"received": event.get("type", ""), "debug": f"checked with {key}"}
        return {"received": event.get("type", "")}

    extra = {"requestBody": {"required": True, "content": {"application/json": {"schema": BODY_SCHEMA}}}}
    def handler_for(scheme: str) -> Any:
        async def handler(request: Request) -> dict[str, Any]:
            return receive(scheme, request, await request.body())
        return handler

    for scheme in ("standard", "stripe", "slack", "github", "custom"):
        app.add_api_route(f"/webhooks/{scheme}", handler_for(scheme), methods=["POST"], openapi_extra=extra)
    return app


app = create_app()
