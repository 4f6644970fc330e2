"""webhooks: each receiver accepts a valid signed delivery and rejects unsigned, badly signed,
altered, stale, future-dated and replayed ones.

The receivers are the POST routes with a webhook-like path segment
(:func:`pytest_launchready.routes.vocabulary.is_webhook_receiver`); how to sign for each comes from the
user's ``launchready_webhooks`` fixture (a list of :class:`~pytest_launchready.Webhook`). One test per
receiver and case: ``test_webhooks[POST /webhooks/billing: replayed]``. Every delivery carries a
fresh event id, so no case sees another's events. A rejection is a 4xx; a 2xx is the finding, and a
5xx (or any other answer) is a finding too: a receiver that crashes on a forged delivery may have
acted on it first. A valid delivery the receiver refuses is a set-up error (the fixture's secret or
scheme is wrong, or the receiver is broken): every other case of that receiver is then NOT RUN,
since a refusal of everything proves nothing.
"""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING, Any, Callable, Iterable

import httpx
import pytest

from pytest_launchready.checks import Case, Check, Plan
from pytest_launchready.checks.evidence import fail
from pytest_launchready.checks.finding import CRITICAL, HIGH, MEDIUM
from pytest_launchready.checks.webhooks import deliveries
from pytest_launchready.checks.webhooks.deliveries import Delivery
from pytest_launchready.checks.webhooks.records import Webhook
from pytest_launchready.checks.webhooks.signing import Scheme, another_secret, garbled, scheme_of
from pytest_launchready.errors import SetupError
from pytest_launchready.redact import MASK
from pytest_launchready.routes.vocabulary import is_webhook_receiver
from pytest_launchready.tenants.bodies import dummy_path_values, valid_body

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext
    from pytest_launchready.routes import Route

VALID, UNSIGNED, WRONG, CHANGED, OTHER_SECRET = "valid delivery", "unsigned", "wrong signature", "body changed after signing", "signed with another secret"
STALE, FUTURE, REPLAYED, RESIGNED = "stale timestamp", "future timestamp", "replayed", "re-signed replay"
#: The cases of one receiver, in the order they run.
KINDS = (VALID, UNSIGNED, WRONG, CHANGED, OTHER_SECRET, STALE, FUTURE, REPLAYED, RESIGNED)
#: Seconds beyond the tolerance at which the stale and future deliveries are dated.
MARGIN = 60

VERIFY = ("Verify the signature before doing anything with the delivery: recompute the HMAC-SHA256 over the raw request "
          "body bytes (not re-serialised JSON) with the webhook secret, compare with hmac.compare_digest (constant time), "
          "and answer 400/401 when the header is missing or does not match; use the provider's library where there is "
          "one (standardwebhooks, stripe.Webhook.construct_event, slack_sdk's SignatureVerifier).")
TOLERANCE = ("Check the signed timestamp: refuse (400) a delivery dated more than the tolerance (e.g. 300 s) before or "
             "after the server's clock, after the signature check, so an attacker cannot re-date it.")
REPLAY = ("Store each accepted event id (webhook-id, the body's event id, X-GitHub-Delivery) for at least the "
          "timestamp tolerance, e.g. a unique key in the database or a Redis SET NX with expiry, and refuse (409) a "
          "delivery whose id was already processed, even when it is re-signed with a fresh timestamp.")


def cases(plan: Plan) -> Iterable[Case]:
    """One case per webhook-like POST route and kind."""
    for route in plan.routes:
        if is_webhook_receiver(route):
            for kind in KINDS:
                yield Case(id=f"{route.key}: {kind}", route=route, variant=kind)


def run(ctx: RunContext, case: Case) -> None:
    """Send this case's delivery and judge the answer."""
    route = case.route
    assert route is not None
    webhook = _webhook(ctx, route)
    try:
        scheme = scheme_of(webhook)
    except Exception as exc:  # the user's sign callable: a set-up error, not a finding
        raise SetupError(f"the sign callable of the Webhook for {route.key} raised {type(exc).__name__} on a probe "
                         f"delivery: {ctx.redact(str(exc))}") from None
    ctx.redact.add(webhook.secret)
    sender = _Sender(ctx, route, webhook, scheme)
    baseline = ctx.shared(f"baseline {route.key}", lambda: sender.send(sender.signed()))
    if case.variant == VALID:
        if not 200 <= baseline.status_code < 300:
            raise SetupError(
                f"{route.key} refused a validly signed delivery ({scheme.name} scheme, as launchready_webhooks describes "
                f"it): {baseline.status_code} {ctx.redact(baseline.text[:200])!r}. Sent {sender.shown(baseline)}. Check the "
                "Webhook's secret, scheme, header and body; until the receiver accepts a valid delivery, rejecting the "
                "others proves nothing")
        return
    if not 200 <= baseline.status_code < 300:
        pytest.skip(f"the receiver refused a valid delivery ({baseline.status_code}; see test_webhooks[{route.key}: {VALID}]): "
                    "that it refuses this one too would prove nothing")
    _RUNS[case.variant](sender)


def _webhook(ctx: RunContext, route: Route) -> Webhook:
    """The user's Webhook for ``route``; NOT RUN without the fixture or without a record for it."""
    records = ctx.shared("records", lambda: _records(ctx))
    if records is None:
        pytest.skip("define the launchready_webhooks fixture (a list of pytest_launchready.Webhook: route, secret, "
                    "scheme) to send this receiver signed deliveries")
    webhook = records.get(route.key)
    if webhook is None:
        pytest.skip(f"launchready_webhooks gives no Webhook for {route.key} (it names {', '.join(sorted(records)) or 'none'})")
    return webhook


def _records(ctx: RunContext) -> dict[str, Webhook] | None:
    value = ctx.fixture("launchready_webhooks")
    if value is None:
        return None
    if not isinstance(value, (list, tuple)) or not all(isinstance(w, Webhook) for w in value):
        raise SetupError(f"launchready_webhooks must return a list of pytest_launchready.Webhook, not {type(value).__name__}")
    receivers = {r.key for r in ctx.routes if is_webhook_receiver(r)}
    unknown = sorted(w.route for w in value if w.route not in receivers)
    if unknown:
        raise SetupError(
            f"launchready_webhooks names {', '.join(unknown)}, which is not a discovered webhook receiver: the webhooks "
            "check tests the POST routes whose path has a webhook or hook segment, or a sender's name then events "
            f"({', '.join(sorted(receivers)) or 'none discovered'}); write the route as METHOD /path, as in the spec")
    for webhook in value:
        ctx.redact.add(webhook.secret)
    return {w.route: w for w in value}


class _Sender:
    """Signs and sends deliveries to one receiver, and judges the answers."""

    def __init__(self, ctx: RunContext, route: Route, webhook: Webhook, scheme: Scheme) -> None:
        self.ctx, self.route, self.webhook, self.scheme = ctx, route, webhook, scheme
        self.template = ctx.shared(f"body {route.key}", self._template)

    def _template(self) -> Any:
        body = self.webhook.body
        if callable(body):
            tenant = self.ctx.shared("tenant", lambda: self.ctx.fresh_tenant("webhooks")) if self.ctx.login_defined else None
            try:
                return body(tenant)
            except Exception as exc:  # the user's code: a set-up error, not a finding
                raise SetupError(f"the body of the Webhook for {self.route.key} raised {type(exc).__name__}: "
                                 f"{self.ctx.redact(str(exc))}") from None
        if body is not None:
            return body
        if self.route.body_schema:
            return valid_body(self.route.body_schema, f"{self.ctx.run_id}{self.ctx.rng.getrandbits(24):06x}")
        return {"id": "evt_launchready", "type": "launchready.test"}

    def signed(self, timestamp: int | None = None, event_id: str | None = None, secret: str | None = None) -> Delivery:
        """A delivery of a fresh event (or ``event_id``'s), dated ``timestamp`` (now), signed with ``secret``
        (the webhook's)."""
        event_id = event_id or deliveries.new_event_id("msg" if self.scheme.name == "standard" else "evt")
        body = deliveries.encode(deliveries.with_event_id(self.template, event_id))
        when = self._now() if timestamp is None else timestamp
        headers = self.scheme.sign(body, when, secret or self.webhook.secret, event_id)
        self.ctx.redact.add(*(headers.get(name) for name in self.scheme.signature_headers))
        return Delivery(body, {"content-type": "application/json", **headers})

    def _now(self) -> int:
        """A timestamp a second before the previous one this receiver was sent: two deliveries of a body
        with no event id then never share a signature, so a receiver that dedupes by signature sees
        distinct events. The drift stays under a quarter of the tolerance."""
        # A random start, so two xdist workers sending to one receiver in the same second do not collide.
        start = int(time.time()) - secrets.randbelow(1 + self.webhook.tolerance // 8)
        clock = self.ctx.shared(f"clock {self.route.key}", lambda: [start])
        now = int(time.time())
        when = clock[0] - 1 if now - clock[0] < self.webhook.tolerance // 4 else now
        clock[0] = when
        return when

    def send(self, delivery: Delivery) -> httpx.Response:
        path = self.route.path.format(**dummy_path_values(self.route)) if self.route.path_params else self.route.path
        return self.ctx.client.post(path, content=delivery.body, headers=delivery.headers)

    def shown(self, response: httpx.Response) -> str:
        """The headers that were sent, signatures masked."""
        signature = {name.lower() for name in self.scheme.signature_headers}
        sent = [f"{name}: {MASK if name.lower() in signature else self.ctx.redact(value)}"
                for name, value in response.request.headers.items()
                if name.lower() in signature or name.lower() not in _HTTPX_DEFAULTS]
        return "; ".join(sent) or "no headers"

    def rejected(self, response: httpx.Response, what: str, why: str, fix: str, severity: str) -> None:
        """Pass on a 4xx; fail on anything else, at ``severity`` for an acceptance and MEDIUM otherwise."""
        status = response.status_code
        if 400 <= status < 500:
            return
        accepted = 200 <= status < 300
        answer = "accepted it" if accepted else f"answered {status} instead of a 4xx"
        if status >= 500:
            why = (f"{why} A {status} is no rejection: the receiver broke on the delivery, possibly after acting on it; "
                   "verify the signature first and answer 400/401.")
        fail(f"{self.route.key} {answer} ({status}): {what}. Sent: {self.shown(response)}.", why, fix, response=response,
             redact=self.ctx.redact, headers=("content-type",), docs=CHECK.docs, severity=severity if accepted else MEDIUM)


#: Request headers httpx adds itself: not worth repeating in a message.
_HTTPX_DEFAULTS = frozenset({"host", "accept", "accept-encoding", "connection", "user-agent", "content-length"})


def _unsigned(s: _Sender) -> None:
    delivery = s.signed()
    signature = {name.lower() for name in s.scheme.signature_headers}
    headers = {k: v for k, v in delivery.headers.items() if k.lower() not in signature}
    s.rejected(s.send(Delivery(delivery.body, headers)), f"a delivery without {', '.join(s.scheme.signature_headers)}",
               "anyone who finds the URL can post events the app will act on (a paid invoice, a new subscription).",
               VERIFY, CRITICAL)


def _wrong(s: _Sender) -> None:
    delivery = s.signed()
    signature = {name.lower() for name in s.scheme.signature_headers}
    headers = {k: garbled(v) if k.lower() in signature else v for k, v in delivery.headers.items()}
    s.rejected(s.send(Delivery(delivery.body, headers)), "a delivery whose signature is well-formed but made by no key",
               "the receiver does not compare the signature with the one it computes: any value passes, so anyone can "
               "forge events.", VERIFY, CRITICAL)


def _changed(s: _Sender) -> None:
    """A delivery the receiver accepted, sent again with its body changed and a new event id (so that
    replay protection cannot be what refuses it): only verifying the signature over these bytes can."""
    delivery = s.signed()
    first = s.send(delivery)
    if not 200 <= first.status_code < 300:
        pytest.skip(f"a fresh valid delivery was refused ({first.status_code}): refusing its altered copy would prove nothing")
    event_id = deliveries.new_event_id("msg" if s.scheme.name == "standard" else "evt")
    fresh = deliveries.with_event_id(s.template, event_id)
    if deliveries.event_id_field(fresh) is not None:
        body, change = fresh, f"a new event id in field {deliveries.event_id_field(fresh)!r}"
    else:
        body, change = deliveries.tampered(fresh)
    raw = delivery.body + b" " if change == deliveries.SPACE_ADDED else deliveries.encode(body)
    headers = dict(delivery.headers)
    if s.scheme.id_header is not None:
        headers = {k: event_id if k.lower() == s.scheme.id_header.lower() else v for k, v in headers.items()}
    s.rejected(s.send(Delivery(raw, headers)), f"an accepted delivery sent again with its signature and a changed body ({change})",
               "the signature is not checked over the body that is processed: whoever sees one delivery can alter it "
               "(another amount, another customer) and send it on.", VERIFY, HIGH)


def _other_secret(s: _Sender) -> None:
    other = another_secret(s.webhook.secret)
    s.ctx.redact.add(other)
    s.rejected(s.send(s.signed(secret=other)), "a delivery signed correctly but with a secret the receiver does not hold",
               "the receiver accepts a signature made with any key (or with a key an attacker can choose): anyone can "
               "sign their own events.", VERIFY, CRITICAL)


def _dated(offset: int, label: str) -> Callable[[_Sender], None]:
    def run_dated(s: _Sender) -> None:
        if not s.scheme.has_timestamp:
            pytest.skip(f"the {s.scheme.name} scheme signs no timestamp, so a delivery cannot be dated {label}: a captured "
                        "delivery stays valid for ever (only the replay case protects this receiver)")
        seconds = s.webhook.tolerance + MARGIN
        s.rejected(s.send(s.signed(timestamp=int(time.time()) + offset * seconds)),
                   f"a validly signed delivery dated {seconds} s {label} (tolerance {s.webhook.tolerance} s)",
                   "without a tolerance on the signed timestamp, a delivery captured once (a log, a proxy) can be sent "
                   "again at any time, and one dated ahead stays valid for as long as it says.", TOLERANCE, MEDIUM)
    return run_dated


def _replayed(s: _Sender) -> None:
    delivery = s.signed()
    first = s.send(delivery)
    if not 200 <= first.status_code < 300:
        pytest.skip(f"the first copy of a fresh valid delivery was refused ({first.status_code}): a refused second copy "
                    "would prove nothing about replays")
    s.rejected(s.send(delivery), "the same valid delivery a second time (its first copy was accepted)",
               "an attacker who captures one delivery can repeat it within the tolerance, and the app acts twice "
               "(a credit applied twice, a plan upgraded again).", REPLAY, HIGH)


def _resigned(s: _Sender) -> None:
    if not s.scheme.has_timestamp:
        pytest.skip(f"the {s.scheme.name} scheme has no timestamp: a re-signed copy is the same delivery, which the "
                    "replayed case already sends")
    if s.scheme.id_header is None and deliveries.event_id_field(s.template) is None:
        pytest.skip(f"the {s.scheme.name} scheme carries no event id and the body has no event id field "
                    f"({', '.join(deliveries.EVENT_ID_FIELDS)}): a re-signed copy would be a new event, not a replay")
    event_id = deliveries.new_event_id("msg" if s.scheme.name == "standard" else "evt")
    now = int(time.time())
    first = s.send(s.signed(timestamp=now - min(30, s.webhook.tolerance // 2), event_id=event_id))
    if not 200 <= first.status_code < 300:
        pytest.skip(f"the first delivery of the event was refused ({first.status_code}): a refused re-signed copy "
                    "would prove nothing about replays")
    s.rejected(s.send(s.signed(timestamp=now, event_id=event_id)),
               "a copy of an accepted event, re-signed with a fresh timestamp but the same event id",
               "the receiver tells deliveries apart by signature or timestamp only: a sender retry, or anyone holding "
               "the secret's signatures, makes the app process one event twice.", REPLAY, HIGH)


_RUNS: dict[str, Callable[[_Sender], None]] = {
    UNSIGNED: _unsigned, WRONG: _wrong, CHANGED: _changed, OTHER_SECRET: _other_secret, STALE: _dated(-1, "in the past"),
    FUTURE: _dated(1, "in the future"), REPLAYED: _replayed, RESIGNED: _resigned,
}

CHECK = Check(
    name="webhooks",
    title="unsigned, badly signed, stale and replayed webhook deliveries are rejected",
    cases=cases,
    run=run,
    enable_hint="a POST route with webhook (or hook) in its path, and the launchready_webhooks fixture",
)
