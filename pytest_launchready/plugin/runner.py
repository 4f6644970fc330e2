"""Runs one generated test: prepare the check's context, call the check, carry its warnings."""

from __future__ import annotations

import json

import pytest

from pytest_launchready.checks import Case, Check
from pytest_launchready.checks.context import RunContext
from pytest_launchready.checks.finding import finding_of
from pytest_launchready.plugin.state import get_state
from pytest_launchready.report.protocol import FINDING_PROPERTY, WARN_PROPERTY


def run_case(check: Check, case: Case, request: pytest.FixtureRequest) -> None:
    """Run ``case`` of ``check``: a finding raises AssertionError, an untestable case skips.

    Warnings and the finding go on the test's ``user_properties`` (they travel to the xdist
    controller's scorecard), warnings also when the check then fails.
    """
    __tracebackhide__ = True
    state = get_state(request.config)
    ctx = RunContext(request, case, check.name, run_id=state.run_id, login_defined=state.login_defined,
                     shared=state.shared, worker=state.worker)
    try:
        check.run(ctx, case)
    except AssertionError as error:
        found = finding_of(error)
        if found is not None:
            finding = found.located(check.name, case.route.key if case.route is not None else case.id)
            # Each field masked before dumping: JSON escaping could hide a secret from a pass over the dump.
            fields = {key: ctx.redact(value) for key, value in finding.as_dict().items()}
            request.node.user_properties.append((FINDING_PROPERTY, json.dumps(fields)))
        raise
    finally:
        request.node.user_properties.extend((WARN_PROPERTY, message) for message in ctx.warnings)
