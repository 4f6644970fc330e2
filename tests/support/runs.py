"""What each test of an inner pytest run did: by node id, by case id (the part between the brackets of
a generated test's id), or by outcome."""

from __future__ import annotations

from pathlib import Path
from typing import Callable
from xml.etree import ElementTree

import pytest


def case_id(nodeid: str) -> str:
    """``GET /items`` for ``launchready::test_auth[GET /items]``."""
    return nodeid.split("[", 1)[-1].removesuffix("]")


def short_id(nodeid: str) -> str:
    """``test_auth[GET /items]`` for ``launchready::test_auth[GET /items]``."""
    return nodeid.removeprefix("launchready::")


def short_ids(outcomes: Outcomes, outcome: str) -> list[str]:
    """The short ids (:func:`short_id`) of the tests with that outcome, sorted."""
    return [short_id(nodeid) for nodeid in outcomes.ids(outcome)]


def generated_ids(check: str, *keys: str) -> list[str]:
    """The node ids of ``check``'s generated tests for these case ids, sorted."""
    return sorted(f"launchready::test_{check}[{key}]" for key in keys)


class Outcomes:
    """Each test's outcome by node id: passed, failed, skipped, error or xfailed (waived); and every report.

    Registered as a plugin of the inner run (so it must stay hashable: not a dataclass).
    """

    def __init__(self) -> None:
        self.by_id: dict[str, str] = {}
        self.reports: list[pytest.TestReport] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.reports.append(report)
        if report.when == "call" or report.outcome != "passed":
            if hasattr(report, "wasxfail"):
                outcome = "xfailed"
            elif report.failed and report.when != "call":
                outcome = "error"
            else:
                outcome = report.outcome
            if self.by_id.get(report.nodeid) in (None, "passed", "skipped"):
                self.by_id[report.nodeid] = outcome

    def ids(self, outcome: str) -> list[str]:
        """Sorted node ids with that outcome."""
        return sorted(nodeid for nodeid, seen in self.by_id.items() if seen == outcome)


class CaseRun:
    """One in-process run (``pytester.runpytest_inprocess(*args)``), read by case id."""

    def __init__(self, pytester: pytest.Pytester, *args: str) -> None:
        outcomes = Outcomes()
        self.result = pytester.runpytest_inprocess(*args, plugins=[outcomes])
        self.reports = outcomes.reports
        self.ret = self.result.ret
        self.stdout = self.result.stdout
        self.output = self.result.stdout.str()

    def ids(self, outcome: str) -> list[str]:
        """The case ids with this outcome, sorted: failed and passed count the call, skipped any phase,
        and error a failed setup."""
        found = []
        for r in self.reports:
            if outcome == "error" and r.when == "setup" and r.failed:
                found.append(case_id(r.nodeid))
            elif r.outcome == outcome and (r.when == "call" or outcome == "skipped"):
                found.append(case_id(r.nodeid))
        return sorted(found)

    def messages(self) -> list[str]:
        """Each failed test's assertion message (pytest's 'E   ' margin removed)."""
        return ["\n".join(exception_lines(r.longreprtext)) for r in self.reports if r.failed]

    def message_text(self) -> str:
        """Every failure's assertion message lines, as one text."""
        return "\n".join(line for r in self.reports if r.failed for line in exception_lines(r.longreprtext))

    def reasons(self) -> dict[str, str]:
        """Skipped case id -> the reason shown."""
        return {case_id(r.nodeid): str(r.longrepr[2]) for r in self.reports if r.skipped and isinstance(r.longrepr, tuple)}

    def warnings(self) -> list[str]:
        """The WARN texts the generated tests recorded."""
        from pytest_launchready.report.protocol import WARN_PROPERTY

        return [str(v) for r in self.reports if r.when == "call" for k, v in r.user_properties if k == WARN_PROPERTY]


def exception_lines(text: str) -> list[str]:
    """The exception's lines of a failure's text, margin removed.

    A finding's failure hides every plugin frame, and pytest then marks only the first line
    (``E   AssertionError: ...``, the rest indented by 4); a failure with frames marks every line (``E       ``).
    """
    lines = text.splitlines()
    if any(line.startswith("E       ") for line in lines):
        return [line[8:] for line in lines if line.startswith("E ")]
    found: list[str] = []
    for line in lines:
        if line.startswith("E   "):
            found.append(line[4:])
        elif found and line.startswith("    ") or found and line == "":
            found.append(line[4:])
        elif found:
            break
    return found


def outcomes(result: pytest.RunResult) -> dict[str, list[str]]:
    """Node ids by outcome, from the run's own report recorder: failed (any phase), passed (the call), skipped."""
    reports = result.reprec.getreports("pytest_runtest_logreport")  # type: ignore[attr-defined]
    return {
        "failed": sorted(r.nodeid for r in reports if r.failed),
        "passed": sorted(r.nodeid for r in reports if r.passed and r.when == "call"),
        "skipped": sorted(r.nodeid for r in reports if r.skipped),
    }


def run_cases(pytester: pytest.Pytester, *args: str) -> tuple[pytest.RunResult, dict[str, list[str]]]:
    """Run the generated tests in-process; outcome -> sorted case ids."""
    result = pytester.runpytest_inprocess("--launchready", "-p", "no:cacheprovider", *args)
    return result, {kind: sorted(case_id(nodeid) for nodeid in ids) for kind, ids in outcomes(result).items()}


def skip_reasons(result: pytest.RunResult, key: Callable[[str], str] = case_id) -> dict[str, str]:
    """``key(node id)`` -> the reason the test was skipped."""
    reasons = {}
    for report in result.reprec.getreports("pytest_runtest_logreport"):  # type: ignore[attr-defined]
        if report.skipped:
            reasons[key(report.nodeid)] = str(report.longrepr[2]).removeprefix("Skipped: ")
    return reasons


def junit_verdicts(path: Path) -> dict[str, str]:
    """Case id -> ``passed``, ``failed``, ``error`` or a skipped test's reason, from a ``--junitxml`` file
    (which xdist's controller writes too, so runs with and without ``-n`` compare)."""
    verdicts = {}
    for case in ElementTree.parse(path).getroot().iter("testcase"):
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error"):
                outcome = "failed" if child.tag == "failure" else "error"
            elif child.tag == "skipped":
                outcome = child.get("message", "skipped")
        verdicts[case_id(case.get("name", ""))] = outcome
    return verdicts
