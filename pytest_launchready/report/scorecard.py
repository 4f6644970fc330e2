"""Test reports -> the launch scorecard: one row per check, as a terminal table and as JSON.

Everything comes from test reports (their ``user_properties``), so the scorecard is the same with
or without xdist. A check that tested nothing is NOT RUN with its reason, never PASS.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable

import pytest

from pytest_launchready.config.check_names import CHECK_MODULES, CHECK_NAMES
from pytest_launchready.target.errors import STOPPED, RequestFailed
from pytest_launchready.report.protocol import (
    BY_DESIGN_PREFIX,
    COVERED_PREFIX,
    FIGURES_PROPERTY,
    FINDING_PROPERTY,
    NOT_RUN_PREFIX,
    ROUTE_PROPERTY,
    STRICT_PROPERTY,
    TOTAL_PROPERTY,
    WAIVED_PREFIX,
    WARN_PROPERTY,
    prop_values,
)

PASS, FAIL, WARN, NOT_RUN, ERROR, WAIVED = "PASS", "FAIL", "WARN", "NOT RUN", "ERROR", "WAIVED"
BY_DESIGN = "BY DESIGN"  # listed, never a verdict of its own
#: A route whose fault test_<check>[app-wide] reports: tested, never a verdict of its own.
COVERED = "COVERED"
#: Worst first: a check's verdict is the worst of its tests.
_SEVERITY = (ERROR, FAIL, WAIVED, WARN, PASS, COVERED, NOT_RUN, BY_DESIGN)


@dataclass
class _Test:
    route: str = ""
    total_routes: int = 0
    outcome: str = ""  # nothing reported yet
    reason: str = ""
    warnings: list[str] = field(default_factory=list)
    untested: bool = False  # a NOT RUN that --launchready-strict turned into a failure
    figures: str = ""  # what a measuring test measured (load), shown whatever its outcome


@dataclass
class Row:
    """One scorecard line."""

    check: str
    verdict: str
    tested: int
    total: int
    unit: str
    notes: str
    failed: list[str] = field(default_factory=list)
    #: How many of its tests were NOT RUN: a PASS with gaps says so in the verdict column.
    not_run: int = 0
    #: ``notes`` in its parts, each a whole sentence: the terminal puts each on its own line.
    note_parts: list[str] = field(default_factory=list)

    #: What the errors were: ``set-up``, ``request failed`` or ``target down`` (never a finding).
    error_kind: str = "set-up"

    @property
    def label(self) -> str:
        """The verdict as the terminal shows it: ``ERROR (set-up)``, ``PASS (2 not run)``."""
        if self.verdict == ERROR:
            return f"{ERROR} ({self.error_kind})"
        if self.verdict in (PASS, WARN) and self.not_run:
            return f"{self.verdict} ({self.not_run} not run)"
        return self.verdict


class Scorecard:
    """Collects per-test outcomes from reports (controller side) and turns them into rows."""

    def __init__(self) -> None:
        self._tests: dict[str, dict[str, _Test]] = {}
        #: The findings of failed tests, in the order their reports came in.
        self.findings: list[dict[str, Any]] = []

    def record(self, check: str, report: pytest.TestReport) -> None:
        """Fold one phase report of a generated test into its test's outcome."""
        props = dict((k, v) for k, v in report.user_properties if isinstance(k, str))
        test = self._tests.setdefault(check, {}).setdefault(report.nodeid, _Test())
        test.route = str(props.get(ROUTE_PROPERTY, "") or "")
        test.total_routes = int(str(props.get(TOTAL_PROPERTY, 0) or 0))
        test.warnings = prop_values(report.user_properties, WARN_PROPERTY)
        test.untested = test.untested or STRICT_PROPERTY in props
        test.figures = test.figures or str(props.get(FIGURES_PROPERTY, "") or "")
        if report.when == "call" and report.failed and FINDING_PROPERTY in props:
            self.findings.append({"test": report.nodeid.split("::", 1)[-1], **json.loads(str(props[FINDING_PROPERTY]))})
        if report.when == "call" or report.outcome != "passed":
            outcome = _outcome(report, bool(test.warnings))
            if outcome is not None and (not test.outcome or _SEVERITY.index(outcome) <= _SEVERITY.index(test.outcome)):
                test.outcome = outcome
                test.reason = _reason(report)

    def rows(self, selected: Iterable[str]) -> list[Row]:
        """One row per check of DESIGN.md, in order."""
        chosen = set(selected)
        return [self._row(name, chosen) for name in CHECK_NAMES]

    def _row(self, name: str, chosen: set[str]) -> Row:
        # Sorted by node id: under xdist reports arrive in any order, and the scorecard must not vary.
        tests = dict(sorted(self._tests.get(name, {}).items()))
        if name not in CHECK_MODULES:
            return Row(name, NOT_RUN, 0, 0, "", "not built in this version")
        if not tests:
            why = "not selected (--launchready-checks)" if name not in chosen else "no test of this check ran (deselected by -k/-m?)"
            return Row(name, NOT_RUN, 0, 0, "", why)
        values = list(tests.values())
        verdict = min((t.outcome or NOT_RUN for t in values), key=_SEVERITY.index)
        verdict = {BY_DESIGN: NOT_RUN, COVERED: PASS}.get(verdict, verdict)
        counted = [t for t in values if t.outcome != BY_DESIGN]
        route_tests = [t for t in counted if t.route]
        if route_tests:
            total = max(t.total_routes for t in values)
            tested = len({t.route for t in route_tests if _exercised(t)})
            unit = "routes"
        else:
            total, tested, unit = len(counted), sum(_exercised(t) for t in counted), "tests"
        if tested == 0 and verdict == NOT_RUN:
            unit = ""
        failed = [nodeid.split("::", 1)[-1] for nodeid, t in tests.items() if t.outcome in (FAIL, ERROR)]
        parts = _notes(verdict, tests)
        not_run = sum(t.outcome == NOT_RUN for t in values)
        return Row(name, verdict, tested, total, unit, "; ".join(parts), failed, not_run, parts,
                   _error_kind([t.reason for t in values if t.outcome == ERROR]))


def _error_kind(reasons: list[str]) -> str:
    """``target down`` when the target stopped answering, ``request failed`` when every error is a
    request that got no answer, else ``set-up``."""
    if any(reason.startswith(STOPPED) for reason in reasons):
        return "target down"
    if reasons and all(reason.startswith(RequestFailed.label) for reason in reasons):
        return "request failed"
    return "set-up"


def _exercised(test: _Test) -> bool:
    """Whether the test counts as tested: a set-up error or a case that could not run did not test the route."""
    return test.outcome not in (NOT_RUN, ERROR) and not test.untested


def _outcome(report: pytest.TestReport, warned: bool) -> str | None:
    if hasattr(report, "wasxfail") and str(getattr(report, "wasxfail", "")).startswith(WAIVED_PREFIX):
        return WAIVED
    if report.failed:
        strict = any(k == STRICT_PROPERTY for k, _ in report.user_properties)
        return FAIL if report.when == "call" or strict else ERROR
    if report.skipped:
        if COVERED_PREFIX in str(report.longrepr):
            return COVERED
        return BY_DESIGN if BY_DESIGN_PREFIX in str(report.longrepr) else NOT_RUN
    if report.when == "call":
        return WARN if warned else PASS
    return None


def _reason(report: pytest.TestReport) -> str:
    if report.failed and report.when != "call":  # an error: its one line (set-up, a request, the target down)
        lines = report.longreprtext.strip().splitlines()
        return lines[0] if lines else ""
    if hasattr(report, "wasxfail"):
        return str(report.wasxfail)
    if report.skipped and isinstance(report.longrepr, tuple):
        reason = str(report.longrepr[2]).removeprefix("Skipped: ")
        return reason.removeprefix(NOT_RUN_PREFIX).removeprefix(BY_DESIGN_PREFIX).removeprefix(COVERED_PREFIX)
    return ""


def _notes(verdict: str, tests: dict[str, _Test]) -> list[str]:
    """The row's notes, each a whole sentence: nothing is cut, at most a list is shortened with a count."""
    def ids(outcome: str) -> list[str]:
        return [nodeid.split("::", 1)[-1] for nodeid, t in tests.items() if t.outcome == outcome]

    parts = []
    for outcome, label in ((ERROR, "set-up error"), (FAIL, "failed"), (WAIVED, "waived")):
        found = ids(outcome)
        wide = [i for i in found if i.endswith("[app-wide]")]  # the case id checks/appwide.py gives
        if wide:
            # Findings and routes both: one app-wide finding stands for every route it covers.
            covered = sum(t.outcome == COVERED for t in tests.values())
            found = wide + [i for i in found if i not in wide]
            label = f"finding{'s' * (len(found) > 1)}" if outcome == FAIL else label
            detail = (f"app-wide, {covered} routes" if len(found) == 1
                      else f"{len(wide)} app-wide on {covered} routes, {len(found) - len(wide)} per route")
            parts.append(f"{len(found)} {label} ({detail}): {_first(found)}")
        elif found:
            parts.append(f"{len(found)} {label}{'s' * (outcome == ERROR and len(found) > 1)}: {_first(found)}")
    warned = [w for t in tests.values() for w in t.warnings]
    if warned:
        more = f" (+{len(warned) - 1} more)" if len(warned) > 1 else ""
        parts.append(f"{len(warned)} warning{'s' * (len(warned) > 1)}: {warned[0]}{more}")
    reasons = sorted({t.reason for t in tests.values() if t.outcome == NOT_RUN and t.reason})
    skipped = sum(t.outcome == NOT_RUN for t in tests.values())
    if skipped:
        label = "" if verdict == NOT_RUN else f"{skipped} not run: "
        shown = reasons[:_REASONS_SHOWN]
        parts.append(label + (shown[0] if shown else "no reason given"))
        parts += shown[1:]
        if len(reasons) > _REASONS_SHOWN:
            extra = len(reasons) - _REASONS_SHOWN
            parts.append(f"(+{extra} more reason{'s' * (extra > 1)}: -rs lists each test's)")
    # Measured figures, the overall one first: a pass shows what it measured, a failure how far off it was.
    measured = sorted(((nodeid.split("::", 1)[-1], t.figures) for nodeid, t in tests.items() if t.figures),
                      key=lambda item: (not item[0].endswith("[overall]"), item[0]))
    parts += [f"{test_id.split('[', 1)[-1].removesuffix(']')}: {figures}" for test_id, figures in measured]
    # Gaps before what is public on purpose: the gaps are what a reader must act on.
    designed: dict[str, int] = {}
    for test in tests.values():
        if test.outcome == BY_DESIGN:
            designed[test.reason] = designed.get(test.reason, 0) + 1
    # One count per reason: "12 by design: public" under one reason misread the 4 that were staff-only.
    parts += [f"{count} by design: {reason}" for reason, count in sorted(designed.items(), key=lambda kv: (-kv[1], kv[0]))]
    return parts


#: NOT RUN reasons a row lists, one a line.
_REASONS_SHOWN = 3


def _first(ids: list[str], count: int = 2) -> str:
    return ", ".join(ids[:count]) + (f" (+{len(ids) - count} more)" if len(ids) > count else "")


_COLOURS = {PASS: {"green": True}, FAIL: {"red": True, "bold": True}, ERROR: {"red": True, "bold": True},
            WARN: {"yellow": True}, WAIVED: {"yellow": True}, NOT_RUN: {}}


def render(rows: list[Row]) -> list[tuple[str, dict[str, Any]]]:
    """Terminal lines and their markup: one row per check, each further note on a line of its own
    under the notes column (the terminal wraps a long one; the scorecard never cuts a sentence)."""
    width = max(9, *(len(row.label) + 2 for row in rows)) if rows else 9
    indent = " " * (17 + width + 15)
    lines: list[tuple[str, dict[str, Any]]] = [(f"{'check':<17}{'verdict':<{width}}{'coverage':<15}notes", {"bold": True})]
    for row in rows:
        coverage = f"{row.tested}/{row.total} {row.unit}" if row.unit else "-"
        parts = row.note_parts or [row.notes]
        markup = _COLOURS.get(row.verdict, {})
        lines.append((f"{row.check:<17}{row.label:<{width}}{coverage:<15}{parts[0]}".rstrip(), markup))
        lines += [(indent + part, markup) for part in parts[1:]]
    counts = {v: sum(r.verdict == v for r in rows) for v in _SEVERITY}
    summary = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
    lines.append((f"launch verdict: {'NOT READY' if counts[FAIL] or counts[ERROR] else 'no blocking finding'} ({summary})",
                  {"bold": True, "red": bool(counts[FAIL] or counts[ERROR])}))
    return lines
