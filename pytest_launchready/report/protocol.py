"""How a generated test's result travels from the test to the scorecard.

pytest carries ``user_properties`` on every report, across xdist too, so that is where the plugin
puts what the scorecard reads: which check and route a test belongs to, its warnings, whether it was
waived or failed by ``--launchready-strict``. Skip reasons carry a prefix that says which kind of
skip it is. This module is the one place those keys and labels are written down.
"""

from __future__ import annotations

from typing import Any

#: The check a generated test belongs to (set at collection).
CHECK_PROPERTY = "launchready_check"
#: The route key (``GET /items/{id}``) it tests, or "" when it does not count as a route.
ROUTE_PROPERTY = "launchready_route"
#: The kind of case (the check's ``Case.variant``: ``read``, ``write``, ``expired``, ``tree``...): SARIF's
#: rules are one per check and kind.
KIND_PROPERTY = "launchready_kind"
#: How many distinct routes the check has cases for (the coverage denominator).
TOTAL_PROPERTY = "launchready_routes_total"
#: A weakness the check found (one property per warning): WARN in the scorecard.
WARN_PROPERTY = "launchready_warn"
#: A failed test's finding, as JSON (:meth:`pytest_launchready.checks.finding.Finding.as_dict`).
FINDING_PROPERTY = "launchready_finding"
#: A failed test's severity (critical, high, medium, low): JUnit XML readers see it without parsing JSON.
SEVERITY_PROPERTY = "launchready_severity"
#: Set to :data:`WARNED` on a test that passed with warnings: JUnit XML has no WARN outcome of its own.
OUTCOME_PROPERTY = "launchready_outcome"
WARNED = "warned"
#: The reason of a waiver that turned a failure into WAIVED.
WAIVED_PROPERTY = "launchready_waived"
#: What a measuring test measured, one line (the load check's p50/p95/p99, requests/s, errors): shown in the
#: scorecard's notes and the JSON report, pass or fail.
FIGURES_PROPERTY = "launchready_figures"
#: Set on a NOT RUN test that ``--launchready-strict`` failed: a FAIL of the check, not a crash.
STRICT_PROPERTY = "launchready_strict_fail"

#: Skip-reason prefixes: a route public or shared by design (listed, never a gap), and a case the
#: check could not test (a gap, with the reason).
BY_DESIGN_PREFIX = "BY DESIGN: "
NOT_RUN_PREFIX = "NOT RUN: "
#: A route's test skipped because its fault is exactly the one ``test_<check>[app-wide]`` fails for:
#: tested (it counts in coverage), reported once there.
COVERED_PREFIX = "COVERED: "
#: The ``wasxfail`` text of a waived failure starts with this.
WAIVED_PREFIX = "waived"


def prop_value(properties: list[tuple[str, object]], key: str) -> Any:
    """The value of the first ``(key, value)`` pair, or None."""
    return next((value for name, value in properties if name == key), None)


def prop_values(properties: list[tuple[str, object]], key: str) -> list[str]:
    """Every value stored under ``key``, in order."""
    return [str(value) for name, value in properties if name == key]
