"""How each scheme signs one delivery: the headers a real sender would add for a body, a timestamp and
an event id, and what the scheme can express (a timestamp, an event id in a header).

- ``standard`` (Standard Webhooks, through the ``standardwebhooks`` package): ``webhook-id``,
  ``webhook-timestamp``, ``webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>``; the
  secret is ``whsec_<base64>``.
- ``stripe``: ``Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">``.
- ``slack``: ``X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<ts>:<body>">`` and
  ``X-Slack-Request-Timestamp``.
- ``github``: ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of body>`` and ``X-GitHub-Delivery``
  (the delivery id, not signed); no timestamp.
- a callable ``sign(body, timestamp, secret) -> headers`` of the user's own.

``Webhook.header`` renames the signature header of a named scheme.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from pytest_launchready.checks.webhooks.records import Webhook
from pytest_launchready.redact import Secret

#: ``sign(body, timestamp, secret, event_id) -> headers`` for one named scheme.
_Sign = Callable[[bytes, int, str, str], "dict[str, str]"]


@dataclass(frozen=True)
class Scheme:
    """A signing scheme as the check uses it.

    ``signature_headers``: the headers that carry the signature (dropped when unsigned, masked when
    shown). ``id_header``: the header holding the event id (None: the id, if any, is in the body).
    ``signs_id``: whether that id is covered by the signature. ``has_timestamp``: whether the scheme
    dates its deliveries at all.
    """

    name: str
    signature_headers: tuple[str, ...]
    has_timestamp: bool
    id_header: str | None
    signs_id: bool
    _sign: _Sign

    def sign(self, body: bytes, timestamp: int, secret: str, event_id: str) -> dict[str, str]:
        """The headers of one delivery of ``body`` dated ``timestamp`` with ``event_id``."""
        return self._sign(body, timestamp, secret, event_id)


def _hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _standard(header: str) -> _Sign:
    def sign(body: bytes, timestamp: int, secret: str, event_id: str) -> dict[str, str]:
        import standardwebhooks

        when = datetime.fromtimestamp(timestamp, tz=timezone.utc)
        signature = standardwebhooks.Webhook(secret).sign(event_id, when, body.decode("utf-8"))
        return {"webhook-id": event_id, "webhook-timestamp": str(timestamp), header: signature}
    return sign


def _stripe(header: str) -> _Sign:
    def sign(body: bytes, timestamp: int, secret: str, event_id: str) -> dict[str, str]:
        return {header: f"t={timestamp},v1={_hex(secret, str(timestamp).encode() + b'.' + body)}"}
    return sign


def _slack(header: str) -> _Sign:
    def sign(body: bytes, timestamp: int, secret: str, event_id: str) -> dict[str, str]:
        digest = _hex(secret, f"v0:{timestamp}:".encode() + body)
        return {header: f"v0={digest}", "X-Slack-Request-Timestamp": str(timestamp)}
    return sign


def _github(header: str) -> _Sign:
    def sign(body: bytes, timestamp: int, secret: str, event_id: str) -> dict[str, str]:
        return {header: f"sha256={_hex(secret, body)}", "X-GitHub-Delivery": event_id}
    return sign


def scheme_of(webhook: Webhook) -> Scheme:
    """The :class:`Scheme` of ``webhook``: a named one (with its header renamed when ``header`` is
    set), or the user's callable, whose capabilities are learned by signing twice."""
    scheme = webhook.scheme
    if scheme == "standard":
        header = webhook.header or "webhook-signature"
        return Scheme("standard", (header,), True, "webhook-id", True, _standard(header))
    if scheme == "stripe":
        header = webhook.header or "Stripe-Signature"
        return Scheme("stripe", (header,), True, None, False, _stripe(header))
    if scheme == "slack":
        header = webhook.header or "X-Slack-Signature"
        return Scheme("slack", (header,), True, None, False, _slack(header))
    if scheme == "github":
        header = webhook.header or "X-Hub-Signature-256"
        return Scheme("github", (header,), False, "X-GitHub-Delivery", False, _github(header))
    assert callable(scheme)
    return _custom(scheme, webhook.secret)


def _custom(sign: Callable[[bytes, int, str], dict[str, str]], secret: str) -> Scheme:
    """A user's ``sign(body, timestamp, secret)``: its signature headers are those that change with the
    secret, and it has a timestamp when the headers change with the timestamp alone."""
    body = b'{"launchready": "probe"}'
    first = sign(body, 1_700_000_000, secret)
    other = sign(body, 1_700_000_000, str(another_secret(secret)))
    later = sign(body, 1_700_000_600, secret)
    signature = tuple(name for name, value in first.items() if other.get(name) != value)
    name = getattr(sign, "__name__", "callable")

    def signer(body: bytes, timestamp: int, secret: str, event_id: str) -> dict[str, str]:
        return dict(sign(body, timestamp, secret))
    return Scheme(name, signature or tuple(first), later != first, None, False, signer)


def another_secret(secret: str) -> Secret:
    """A secret of the same shape that the receiver does not know (``whsec_`` base64 for Standard
    Webhooks, hex otherwise)."""
    if secret.startswith("whsec_"):
        return Secret("whsec_" + base64.b64encode(secrets.token_bytes(24)).decode())
    return Secret(secrets.token_hex(max(16, len(secret) // 2)))


_DIGEST = re.compile(r"[A-Za-z0-9+/_-]{16,}={0,2}")


def garbled(value: str) -> str:
    """``value`` with each digest in it replaced by one of the same length and alphabet that no key
    makes: ``v1,<base64>`` keeps ``v1,``, ``t=...,v1=<hex>`` keeps ``t=`` and ``v1=``."""
    def zero(match: re.Match[str]) -> str:
        digest = match.group(0)
        if all(c in "0123456789abcdef" for c in digest.lower()):
            return ("f" if digest[0] == "0" else "0") * len(digest)
        stripped = digest.rstrip("=")
        return ("B" if stripped[0] == "A" else "A") * len(stripped) + "=" * (len(digest) - len(stripped))
    return _DIGEST.sub(zero, value)
