"""Runs one generated test: prepare the check's context, call the check, carry its warnings."""

from __future__ import annotations

import json

import pytest

from pytest_launchready.checks import Case, Check
from pytest_launchready.checks.appwide import Covered
from pytest_launchready.checks.context import RunContext
from pytest_launchready.checks.finding import finding_of
from pytest_launchready.plugin.state import get_state
from pytest_launchready.report.fingerprint import fingerprint
from pytest_launchready.report.protocol import (COVERED_PREFIX, FIGURES_PROPERTY, FINDING_PROPERTY, OUTCOME_PROPERTY,
                                                SEVERITY_PROPERTY, WARN_PROPERTY, WARNED)


def run_case(check: Check, case: Case, request: pytest.FixtureRequest) -> None:
    """Run ``case`` of ``check``: a finding raises AssertionError, an untestable case skips.

    Warnings and the finding go on the test's ``user_properties`` (they travel to the xdist
    controller's scorecard and show in JUnit XML as ``<property>``), warnings also when the check
    then fails; a test that passed with warnings is marked ``launchready_outcome = warned``, a
    finding's severity goes in ``launchready_severity``.
    """
    __tracebackhide__ = True
    state = get_state(request.config)
    ctx = RunContext(request, case, check.name, run_id=state.run_id, login_defined=state.login_defined,
                     shared=state.shared, worker=state.worker)
    try:
        try:
            check.run(ctx, case)
        except Covered as covered:
            pytest.skip(COVERED_PREFIX + str(covered))
    except AssertionError as error:
        found = finding_of(error)
        if found is not None:
            finding = found.located(check.name, case.route.key if case.route is not None else case.id)
            # Each field masked before dumping: JSON escaping could hide a secret from a pass over the dump.
            fields = {key: ctx.redact(value) if isinstance(value, str) else value for key, value in finding.as_dict().items()}
            fields["locations"] = [{"path": ctx.redact(path), "line": line} for path, line in finding.locations]
            fields["fingerprint"] = fingerprint(finding.check, finding.route, fields["title"])
            request.node.user_properties.append((SEVERITY_PROPERTY, finding.severity))
            request.node.user_properties.append((FINDING_PROPERTY, json.dumps(fields)))
            if not request.config.option.fulltrace:
                # The finding says what was sent and what came back; the check's frames would only push it
                # below a page of plugin source. --full-trace keeps them, for whoever debugs a check.
                raise error.with_traceback(None) from None
        raise
    except Exception as error:
        failed = _request_failed(error)
        if failed is None:
            raise
        raise failed from None
    else:
        if ctx.warnings:
            request.node.user_properties.append((OUTCOME_PROPERTY, WARNED))
    finally:
        request.node.user_properties.extend((WARN_PROPERTY, message) for message in ctx.warnings)
        if ctx.figures:
            request.node.user_properties.append((FIGURES_PROPERTY, ctx.figures))


def _request_failed(error: Exception) -> Exception | None:
    """An httpx error that escaped the check, as one line: which request, which error."""
    import httpx

    from pytest_launchready.target.errors import RequestFailed

    if not isinstance(error, httpx.HTTPError):
        return None
    try:
        request = error.request
        sent = f"{request.method} {request.url.copy_with(query=None)}"
    except RuntimeError:  # an httpx error raised before any request was bound to it
        sent = "a request"
    detail = " ".join(str(error).split())[:200]
    return RequestFailed(f"{sent} got no answer: {type(error).__name__}{': ' + detail if detail else ''}")
