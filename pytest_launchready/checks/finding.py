"""A finding as data: what a check proved, told once and rendered by every output.

A check raises the ``AssertionError`` that :func:`finding_error` makes (through
:func:`pytest_launchready.checks.evidence.fail`); its message is the text pytest shows, and its
:class:`Finding` (:func:`finding_of`) travels on the test's report so the
scorecard and the JSON report (and later SARIF) render the same facts. Every field is redacted
before it is stored here: a finding never holds a secret.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Iterable

CRITICAL, HIGH, MEDIUM, LOW = "critical", "high", "medium", "low"
#: Worst first.
SEVERITIES: tuple[str, ...] = (CRITICAL, HIGH, MEDIUM, LOW)


@dataclass(frozen=True)
class Finding:
    """One proven fault.

    ``title`` says what was sent and what is wrong, ``evidence`` what came back (status, the headers
    that matter, a body excerpt), ``reproduce`` the curl command (credentials masked), ``why`` why it
    is a failure and ``fix`` the fix path. ``severity`` is one of :data:`SEVERITIES`, chosen by the
    check for what the fault lets an attacker do. ``also`` lists the other findings of the same test,
    each under its own title, so that two faults never read as one. ``locations`` are the files and
    lines the fault sits at, ``(path, line)`` with the path relative to the repository root, when it
    is in a file (a secret in the tree); SARIF points code scanning there. ``check`` and ``route`` are
    filled in by the plugin.
    """

    title: str
    why: str
    fix: str
    severity: str
    evidence: str = ""
    reproduce: str = ""
    docs: str = ""
    also: str = ""
    locations: tuple[tuple[str, int], ...] = ()
    check: str = ""
    route: str = ""

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity {self.severity!r} is not one of {', '.join(SEVERITIES)}")

    def message(self) -> str:
        """The failure text: ``[SEVERITY] title`` / came back / why / reproduce / fix / docs."""
        lines = [f"[{self.severity.upper()}] {self.title}"]
        if self.evidence:
            lines += ["", "What came back:", self.evidence]
        lines += ["", f"Why this fails: {self.why}"]
        if self.reproduce:
            lines += ["", "Reproduce:", "  " + self.reproduce]
        lines += ["", f"Fix: {self.fix}"]
        if self.also:
            lines += ["", self.also]
        if self.docs:
            lines.append(f"Docs: {self.docs}")
        return "\n".join(lines)

    def located(self, check: str, route: str) -> Finding:
        """This finding, attributed to ``check`` and ``route``."""
        return dataclasses.replace(self, check=check, route=route)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping of every field."""
        return dataclasses.asdict(self)


def worst(severities: Iterable[str]) -> str:
    """The worst of ``severities`` (LOW for none)."""
    return min(severities, key=SEVERITIES.index, default=LOW)


def finding_error(finding: Finding) -> AssertionError:
    """The failure a check raises for ``finding``: a plain ``AssertionError`` with the finding's text.

    Plain, so that pytest's summary line reads ``AssertionError: [HIGH] Sent GET /items ...`` as for
    any failed assertion; the finding rides along as an attribute.
    """
    error = AssertionError(finding.message())
    error.launchready_finding = finding  # type: ignore[attr-defined]
    return error


def finding_of(error: BaseException) -> Finding | None:
    """The :class:`Finding` a check's failure carries, or None for any other exception."""
    finding = getattr(error, "launchready_finding", None)
    return finding if isinstance(finding, Finding) else None
