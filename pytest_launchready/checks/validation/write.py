"""One write test: a valid body (the baseline), privileged fields, then the generated invalid bodies.

Each answer is judged by :class:`~pytest_launchready.checks.validation.session.Session`; the test
fails with every finding listed, is NOT RUN when a valid body cannot reach the route or the
must-reject payloads could not all be sent, and passes with warnings otherwise.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import httpx
import pytest

from pytest_launchready.checks.validation import payloads
from pytest_launchready.checks.validation.caller import Caller, address, who_calls
from pytest_launchready.checks.validation.common import unique
from pytest_launchready.checks.validation.faults import fail_with
from pytest_launchready.checks.validation.mass_assignment import try_mass_assignment
from pytest_launchready.checks.validation.payload import NONE, REQUIRED, Payload
from pytest_launchready.checks.validation.session import Session
from pytest_launchready.tenants.bodies import body_content_type
from pytest_launchready.routes import vocabulary
from pytest_launchready.tenants import bodies

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext
    from pytest_launchready.routes import Route

#: Answers to the valid body that mean validation refused it (not the credentials, not a conflict).
REFUSED_AS_INVALID = (400, 422)
#: Wall-clock budget of one test; the loop stops there (every request also has launchready_timeout).
ITEM_SECONDS = 60.0


def run_write(ctx: RunContext, route: Route, docs: str) -> None:
    """Send the baseline, privileged fields and every probe to ``route``; fail with the findings."""
    target = ctx.target
    refused = target.refusal("invalid bodies")
    if refused is not None:
        pytest.skip(refused)
    schema = route.body_schema or {}
    content_type = body_content_type(route)
    caller = who_calls(ctx, route, route.key)
    path, query = address(ctx, route, caller)
    session = Session(ctx, route, caller, path, query, time.monotonic() + ITEM_SECONDS, content_type=content_type)
    known = caller.tenant.ids if caller.tenant is not None else {}
    base = bodies.valid_body(schema, unique(ctx), known)
    baseline = session.send(Payload("a valid body", "valid", bodies.encode(base, content_type), content_type, NONE))
    if baseline is not None and not session.findings:
        _gate(route, caller, baseline)
    if baseline is not None and baseline.is_success and not session.findings:
        try_mass_assignment(session, schema, content_type, base, baseline)
    elif baseline is not None and baseline.status_code in REFUSED_AS_INVALID and not vocabulary.is_login_like(route):
        # A login, a code check or a reset refuses made-up credentials, often with a 400: that is its answer.
        session.refused_valid = (f"{route.key} refused the plugin's valid body with {baseline.status_code} "
                                 f"({ctx.redact(_excerpt(baseline))})")
    probes = payloads.all_probes(schema, base, route.body_required, seed=f"{ctx.settings.fuzz_seed}:{route.key}",
                                 content_type=content_type)
    required_total = sum(p.violation == REQUIRED for p in probes)
    required_sent = 0
    for probe in probes:
        if session.expired():
            break
        response = session.send(probe)
        if response is None:
            continue
        if response.status_code == 429:
            session.throttled = True
            break
        required_sent += probe.violation == REQUIRED
        session.judge(probe, response)
    _report(session, probes, required_sent, required_total, docs)


def _gate(route: Route, caller: Caller, baseline: httpx.Response) -> None:
    """Skip when a valid body cannot reach the route at all: every probe would test nothing."""
    status = baseline.status_code
    if status == 429:
        pytest.skip(f"{route.key} answered 429 to the first request: rate-limited before any payload was tried")
    if status in (405, 415):
        pytest.skip(f"{route.key} answered {status} to a valid body: the method or the declared content type is not "
                    "served there, so no payload would reach validation")
    if not route.public and status in (401, 403):
        pytest.skip(f"{route.key} denied a valid body from {caller.who} with {status}: the fuzz would only test the "
                    "denial (give launchready_tenant_role access, or test it with its own tenant)")
    if route.path_params and status == 404:
        pytest.skip(f"{route.key} answered 404 to a valid body at {baseline.request.url.path}: the seeded ids were not found")


def _excerpt(response: httpx.Response) -> str:
    return " ".join(response.text[:160].split())


def _report(session: Session, probes: list[Payload], required_sent: int, required_total: int, docs: str) -> None:
    route, ctx = session.route, session.ctx
    if session.findings:
        notes = "".join(f"\n  (warning) {w}" for w in session.warnings[:5])
        if session.refused_valid:
            notes += f"\n  (not tried) privileged fields: {session.refused_valid}"
        notes = (f"This test sent {session.sent} requests: a valid body, privileged fields, then invalid bodies generated "
                 f"from the schema.{notes}")
        fail_with(session.findings, f"Sent {route.method} {session.path} as {session.caller.who}", ctx.redact, docs, notes=notes)
    denied = [s for s in session.statuses if s in (401, 403)]
    signed_only = route.public and not vocabulary.is_login_like(route)  # a login's 401 to made-up credentials is its answer
    if signed_only and session.statuses and session.statuses[0] in (401, 403) and not any(200 <= s < 300 for s in session.statuses):
        # A signature check (a webhook) refuses the valid body too: the few other answers are the framework's
        # JSON parser, which runs before it, so the route's own schema was never reached.
        pytest.skip(f"public route {route.key} answered {session.statuses[0]} to the valid body and {len(denied)} of "
                    f"{len(session.statuses)} requests in all, before any validation (a signature or credential check, as "
                    "on a webhook): no payload reached the schema, so nothing was validated. Test it with correctly "
                    "signed requests of your own (the webhooks check tests a receiver's signatures, not its payload "
                    "validation)")
    if session.refused_valid:
        pytest.skip(f"{session.refused_valid}: the invalid bodies' refusals prove nothing, and privileged fields (mass "
                    "assignment) were not tried. If the answer names a rule the schema does not state, add it to your OpenAPI "
                    "spec (a pattern, a format, an example); a value only your app can make (an invite token, a one-time "
                    "code) means this route is tested by hand or in a test of your own")
    if required_sent < required_total:
        cause = "the route answered 429 (rate-limited)" if session.throttled else f"the {ITEM_SECONDS:g} s budget ran out"
        pytest.skip(f"only {required_sent} of {required_total} must-reject payloads were sent before {cause}: cannot tell")
    for warning in session.warnings[:5]:
        ctx.warn(f"{route.key}: {warning}")
