"""The JSON report (``--launchready-report=PATH``): the whole story of a run, in the shape of
``docs/report.schema.json``.

Top level: ``verdict``, ``target`` (what was tested and how it was reached), ``versions``,
``started_at``, ``checks`` (the scorecard rows) and ``tests`` (one entry per generated test, with its
outcome and, when it failed or warned, the finding: severity, title, route, redacted evidence, fix,
docs link and a fingerprint stable across runs). Like the scorecard it is built from test reports on
the controller, so it is the same with or without xdist. ``scorecard`` and ``findings`` are the
keys of the first version of this file, kept as aliases.
"""

from __future__ import annotations

import json
import platform
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Iterable

import pytest

from pytest_launchready.report.fingerprint import fingerprint
from pytest_launchready.report.protocol import (
    BY_DESIGN_PREFIX,
    COVERED_PREFIX,
    FIGURES_PROPERTY,
    FINDING_PROPERTY,
    KIND_PROPERTY,
    NOT_RUN_PREFIX,
    ROUTE_PROPERTY,
    STRICT_PROPERTY,
    WAIVED_PREFIX,
    WARN_PROPERTY,
    prop_value,
    prop_values,
)

FORMAT_VERSION = 2
PASSED, FAILED, WARNED, NOT_RUN, BY_DESIGN, WAIVED, ERROR, COVERED = (
    "passed", "failed", "warned", "not_run", "by_design", "waived", "error", "covered")
#: Worst first: a test's outcome is the worst of its phases'.
OUTCOMES = (ERROR, FAILED, WAIVED, WARNED, COVERED, PASSED, NOT_RUN, BY_DESIGN)
#: What a WARN is worth: a weakness that fails only with --launchready-strict.
WARN_SEVERITY = "low"
_WARN_FIX = ("Each warning names its fix. A WARN fails only with --launchready-strict; accept one in "
             "launchready_waivers with the reason.")


@dataclass
class _Entry:
    check: str
    route: str = ""
    kind: str = ""
    outcome: str = ""
    reason: str = ""
    message: str = ""
    warnings: list[str] = field(default_factory=list)
    finding: dict[str, Any] | None = None
    figures: str = ""


class TestLog:
    """Per-test outcomes, findings and warnings, folded from the reports of the generated tests."""

    __test__ = False  # not a test class, whatever pytest's python_classes says

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}

    def record(self, check: str, report: pytest.TestReport) -> None:
        """Fold one phase report of a generated test into its entry."""
        entry = self._entries.setdefault(report.nodeid, _Entry(check))
        props = report.user_properties
        entry.route = entry.route or str(prop_value(props, ROUTE_PROPERTY) or "")
        entry.kind = entry.kind or str(prop_value(props, KIND_PROPERTY) or "")
        warnings = prop_values(props, WARN_PROPERTY)
        if len(warnings) >= len(entry.warnings):  # the teardown report carries every warning of the test
            entry.warnings = warnings
        entry.figures = entry.figures or str(prop_value(props, FIGURES_PROPERTY) or "")
        found = prop_value(props, FINDING_PROPERTY)
        if found is not None and entry.finding is None:
            entry.finding = json.loads(str(found))
        if report.when != "call" and report.outcome == "passed":
            return
        outcome, reason, message = _outcome(report, entry)
        if not entry.outcome or OUTCOMES.index(outcome) <= OUTCOMES.index(entry.outcome):
            entry.outcome, entry.reason, entry.message = outcome, reason, message

    def tests(self) -> list[dict[str, Any]]:
        """One JSON entry per test, sorted by node id (xdist delivers reports in any order)."""
        return [_as_json(nodeid, entry) for nodeid, entry in sorted(self._entries.items())]


def _outcome(report: pytest.TestReport, entry: _Entry) -> tuple[str, str, str]:
    wasxfail = str(getattr(report, "wasxfail", ""))
    if wasxfail.startswith(WAIVED_PREFIX):
        return WAIVED, wasxfail.removeprefix(WAIVED_PREFIX).removeprefix(":").strip(), ""
    if report.skipped:
        text = str(report.longrepr[2]) if isinstance(report.longrepr, tuple) else str(report.longrepr)
        text = text.removeprefix("Skipped: ")
        if text.startswith(BY_DESIGN_PREFIX):
            return BY_DESIGN, text.removeprefix(BY_DESIGN_PREFIX), ""
        if text.startswith(COVERED_PREFIX):
            # Tested, and showing the fault one app-wide test reports: neither a pass nor a gap.
            return COVERED, text.removeprefix(COVERED_PREFIX), ""
        return NOT_RUN, text.removeprefix(NOT_RUN_PREFIX), ""
    if report.failed:
        crash = getattr(report.longrepr, "reprcrash", None)
        lines = report.longreprtext.strip().splitlines()
        message = str(getattr(crash, "message", "") or (lines[-1] if lines else ""))
        if any(k == STRICT_PROPERTY for k, _ in report.user_properties):
            return FAILED, str(report.longrepr), ""  # NOT RUN made a failure by --launchready-strict
        if report.when == "call" and (entry.finding is not None or entry.warnings):
            return FAILED, "", ""
        return ERROR, "", message  # set-up failed, or the check itself crashed: no finding to show
    return (WARNED if entry.warnings else PASSED), "", ""


def _as_json(nodeid: str, entry: _Entry) -> dict[str, Any]:
    test_id = nodeid.split("::", 1)[-1]
    case = test_id.split("[", 1)[1].removesuffix("]") if "[" in test_id else ""
    route = str((entry.finding or {}).get("route") or entry.route or case)
    data: dict[str, Any] = {"id": test_id, "nodeid": nodeid, "check": entry.check, "route": route,
                            "kind": entry.kind, "outcome": entry.outcome or NOT_RUN}
    if entry.reason:
        data["reason"] = entry.reason
    if entry.message:
        data["message"] = entry.message
    if entry.figures:
        data["figures"] = entry.figures
    if entry.finding is not None:
        finding = entry.finding
        data.update({key: finding.get(key, "") for key in ("severity", "title", "evidence", "reproduce", "why", "fix", "docs")})
        data["fingerprint"] = finding.get("fingerprint") or fingerprint(entry.check, route, data["title"])
        if finding.get("locations"):
            data["locations"] = finding["locations"]
    elif data["outcome"] in (FAILED, WARNED):
        # A WARN (or a strict failure of one) is no proven fault: told as a low finding from its text.
        title = _shorten(entry.warnings[0] if entry.warnings else entry.reason or "failed")
        data.update({"severity": WARN_SEVERITY, "title": title, "evidence": "\n".join(entry.warnings), "reproduce": "",
                     "why": entry.reason or "a weakness, not a proven hole", "fix": _WARN_FIX,
                     "docs": f"docs/checks/{entry.check}.md", "fingerprint": fingerprint(entry.check, route, title)})
    data["warnings"] = entry.warnings
    return data


def _shorten(text: str, limit: int = 160) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 3].rstrip() + "..."


def versions() -> dict[str, str]:
    """The plugin's, Python's and pytest's versions."""
    try:
        plugin = version("pytest-launchready")
    except PackageNotFoundError:  # run from a source tree that is not installed
        plugin = "unknown"
    return {"plugin": plugin, "python": platform.python_version(), "pytest": pytest.__version__}


def build(rows: Iterable[Any], log: TestLog, *, target: dict[str, str], started_at: str, exit_status: int,
          findings: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The report as a JSON-ready mapping; ``rows`` are the scorecard's (dataclasses)."""
    checks = [asdict(row) for row in rows]
    tests = log.tests()
    counts = {outcome: sum(t["outcome"] == outcome for t in tests) for outcome in OUTCOMES}
    blocking = counts[FAILED] or counts[ERROR]
    return {
        "format_version": FORMAT_VERSION,
        "verdict": "not_ready" if blocking else "no_blocking_finding",
        "exit_status": int(exit_status),
        "target": target,
        "versions": versions(),
        "started_at": started_at,
        "counts": counts,
        "checks": checks,
        "tests": tests,
        # The first version's keys, for readers written against it.
        "scorecard": checks,
        "findings": sorted(findings or [], key=lambda f: str(f.get("test", ""))),
    }


def write(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` as indented JSON, creating the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")
