"""Judging what the forged variants of one case got back: FAIL, WARN or PASS."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx

from pytest_launchready.checks.evidence import fail
from pytest_launchready.checks.finding import CRITICAL, HIGH, MEDIUM
from pytest_launchready.checks.tokens.advice import DOCS, FIXES
from pytest_launchready.checks.tokens.probes import send

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext
    from pytest_launchready.checks.probe import Probe
    from pytest_launchready.tenants import Credentials


@dataclass
class Outcome:
    """What the forged variants of one case got back."""

    accepted: list[tuple[str, httpx.Response]] = field(default_factory=list)
    crashed: list[tuple[str, httpx.Response]] = field(default_factory=list)
    timed_out: list[str] = field(default_factory=list)
    other: list[tuple[str, int]] = field(default_factory=list)


def try_variants(ctx: RunContext, probe: Probe, credentials: Credentials, variants: dict[str, str]) -> Outcome:
    """Send each forged token in ``variants`` (name -> token) in place of ``credentials``' own, and sort the answers."""
    outcome = Outcome()
    ctx.redact.add(*variants.values())  # an accepted forgery is as good as a real token
    for name, token in variants.items():
        try:
            response = send(ctx, probe, credentials.with_token(token))
        except httpx.TimeoutException:
            outcome.timed_out.append(name)
            continue
        if response.is_success:
            outcome.accepted.append((name, response))
        elif response.status_code >= 500:
            outcome.crashed.append((name, response))
        elif response.status_code not in ctx.settings.deny_status:
            outcome.other.append((name, response.status_code))
    return outcome


def judge(ctx: RunContext, case_id: str, probe: Probe, outcome: Outcome, forged_how: str, why: str) -> None:
    """FAIL on any acceptance, crash or hang; WARN on a refusal with an unexpected status; else PASS."""
    deny = "/".join(map(str, sorted(ctx.settings.deny_status)))
    bad = outcome.accepted or outcome.crashed
    if bad or outcome.timed_out:
        parts = []
        if outcome.accepted:
            parts.append("accepted (2xx): " + "; ".join(f"{n} -> {r.status_code}" for n, r in outcome.accepted))
        if outcome.crashed:
            parts.append("crashed (5xx, not failing closed): " + "; ".join(f"{n} -> {r.status_code}" for n, r in outcome.crashed))
        if outcome.timed_out:
            parts.append(f"no answer within {ctx.settings.timeout:g} s: " + "; ".join(outcome.timed_out))
        what = (f"Sent {probe.describe()} as tenant A with a forged token ({forged_how}). With the real token this request gets "
                f"2xx; each forged variant must get {deny}.\n" + "\n".join(f"  {p}" for p in parts))
        reason = why if outcome.accepted else "a forged token must be refused cleanly with " + deny + "; a crash or a hang is not failing closed."
        # A forgery accepted is anyone being anyone; an expired token accepted is a stolen one that never dies.
        severity = (HIGH if case_id == "expired" else CRITICAL) if outcome.accepted else MEDIUM
        fail(what, reason, FIXES[case_id], response=bad[0][1] if bad else None, redact=ctx.redact,
             headers=("content-type", "www-authenticate"), docs=DOCS, severity=severity)
    if outcome.other:
        shown = "; ".join(f"{n} -> {status}" for n, status in outcome.other)
        ctx.warn(f"{probe.route_key} refused a forged token of tenant A ({forged_how}) with a status outside launchready_deny_status "
                 f"({deny}): {shown}. Answer 401 so clients and monitoring see an authentication failure, or add the "
                 "status to launchready_deny_status.")
