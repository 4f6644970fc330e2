"""The billing provider's signed webhook: ``POST /webhooks/billing`` (Standard Webhooks).

Deliveries carry ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` (an HMAC over
id.timestamp.body with the ``whsec_`` secret in ``DEMO_WEBHOOK_SECRET``; the demo's conftest sets
one). The route needs no bearer token, by design: the signature is its authentication. It verifies the
raw body with the ``standardwebhooks`` package (which also refuses timestamps more than 5 minutes
off), then validates the payload, then processes each event id once.
"""

from __future__ import annotations

import base64
import os
import secrets
import threading
from typing import Any

import standardwebhooks
from fastapi import APIRouter, HTTPException, Request
from pydantic import ValidationError

from pytest_launchready.demo import schemas as s

SECRET_ENV = "DEMO_WEBHOOK_SECRET"


class BillingInbox:
    """The events the receiver processed, by event id (thread-safe: a sender may retry concurrently)."""

    def __init__(self, secret: str | None = None) -> None:
        self.secret = secret or os.environ.get(SECRET_ENV) or "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
        self.processed: dict[str, s.BillingEventIn] = {}
        self.deliveries = 0  # every delivery acted on, replays included: what a double credit would count
        self._lock = threading.Lock()

    def process(self, event_id: str, event: s.BillingEventIn, *, dedupe: bool) -> bool:
        """Act on ``event`` once per id when ``dedupe``; False when that id was already processed."""
        with self._lock:
            if dedupe and event_id in self.processed:
                return False
            self.processed[event_id] = event
            self.deliveries += 1
            return True


router = APIRouter()

_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": s.BillingEventIn.model_json_schema()}}},
         "security": []}


@router.post("/webhooks/billing", tags=["webhooks"], openapi_extra=_BODY,
             responses={401: {"description": "Missing or invalid signature"}, 409: {"description": "Event already processed"}})
async def billing_webhook(request: Request) -> s.WebhookAck:
    """Receive a signed billing event (no bearer token: the Standard Webhooks signature authenticates it)."""
    state: Any = request.app.state.demo
    inbox: BillingInbox = state.billing
    raw = await request.body()
    try:
        # Over the raw bytes, before parsing: re-serialised JSON would not be what was signed.
        standardwebhooks.Webhook(inbox.secret).verify(raw, dict(request.headers))
    except standardwebhooks.WebhookVerificationError as exc:
        raise HTTPException(401, f"invalid webhook: {exc}") from None
    try:
        event = s.BillingEventIn.model_validate_json(raw)
    except ValidationError as exc:
        raise HTTPException(422, [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]) from None
    event_id = request.headers["webhook-id"]
    # DEFECT (webhooks): with the defect on, event ids are not remembered, so a captured delivery sent
    # again (or re-signed by the sender's retry) is processed again: a payment credited twice.
    if not inbox.process(event_id, event, dedupe=not state.defects.webhook_replays_accepted):
        raise HTTPException(409, "event already processed")
    return s.WebhookAck(received=True, event_id=event_id)
