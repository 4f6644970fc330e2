"""The exchange with one write route: send a probe, judge the answer, collect findings and warnings."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from pytest_launchready.checks import disclosure
from pytest_launchready.checks.finding import LOW
from pytest_launchready.checks.validation.faults import (FIX_CRASH, FIX_DISCLOSE, FIX_ENFORCE, FIX_EXPOSE, Fault, disclosure_severity,
                                                         is_secret)
from pytest_launchready.checks.validation.payloads import JSON
from pytest_launchready.checks.validation.payload import DECLARED, REQUIRED, Payload

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext
    from pytest_launchready.checks.validation.caller import Caller
    from pytest_launchready.routes import Route


@dataclass
class Session:
    """Sends probes to one route and judges each answer; collects findings and warnings."""

    ctx: RunContext
    route: Route
    caller: Caller
    path: str
    query: dict[str, Any]
    deadline: float
    findings: list[Fault] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    content_type: str = JSON
    sent: int = 0
    throttled: bool = False
    #: Why the valid body was refused (a 400/422), when it was: no payload's refusal then proves anything.
    refused_valid: str | None = None
    #: The status of every answer, in order.
    statuses: list[int] = field(default_factory=list)

    def send(self, probe: Payload) -> httpx.Response | None:
        """Send ``probe``; record a finding for a timeout, a crash or a disclosure. None on timeout."""
        headers = {"content-type": probe.content_type} if probe.content_type else {}
        self.sent += 1
        try:
            response = self.caller.client.request(self.route.method, self.path, params=self.query or None,
                                                  content=probe.content, headers=headers)
        except httpx.TimeoutException:
            self.findings.append(Fault(
                f"{probe.label}: no answer within {self.ctx.settings.timeout:g} s",
                "an invalid body must be rejected quickly; a hang is a denial of service one request away.", FIX_CRASH))
            return None
        self.statuses.append(response.status_code)
        found = disclosure.scan(response.content, response.status_code, response.headers.get("content-type", ""),
                                read=False, sent=probe.text)
        secret = [f for f in found if is_secret(f)]
        self.ctx.redact.add(*(f.evidence for f in secret))
        crashed = response.status_code >= 500
        if found:
            shown = ", ".join(f.describe() for f in found)
            self.findings.append(Fault(
                f"{probe.label}: answered {response.status_code}, disclosing {shown}",
                "responses must not reveal stack traces, file paths, SQL or credentials: they map the server for an attacker"
                + ("; and a 5xx means the body reached code that crashed on it." if crashed else "."),
                FIX_EXPOSE if secret else FIX_DISCLOSE, response, None if secret else found[0].evidence,
                disclosure_severity(found)))
        elif crashed:
            self.findings.append(Fault(
                f"{probe.label}: answered {response.status_code}",
                "an invalid body must get a 4xx naming the problem; a 5xx means it reached code that crashed on it.",
                FIX_CRASH, response))
        return response

    def judge(self, probe: Payload, response: httpx.Response) -> None:
        """A 2xx to a violation: a finding when a required field has no usable value, else a warning."""
        if not 200 <= response.status_code < 300:
            return
        if probe.violation == REQUIRED:
            self.findings.append(Fault(
                f"{probe.label}: accepted with {response.status_code}",
                "the body has no usable value for a required field, so the route's schema is not enforced.",
                FIX_ENFORCE, response, severity=LOW))
        elif probe.violation == DECLARED:
            self.warnings.append(f"{probe.label} was accepted with {response.status_code} (the schema declares otherwise)")

    def expired(self) -> bool:
        """True once the test's wall-clock budget is spent."""
        return time.monotonic() > self.deadline
