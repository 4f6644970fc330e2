"""``launchready_secret_allowlist``: accepted findings, by fingerprint or by path glob.

An entry of 16 hex digits is a fingerprint (shown in each failure) and accepts that secret wherever
it appears; anything else is a glob over the path shown in the failure (``tests/fixtures/*``,
``*.min.js.map``), where ``*`` also crosses ``/``. Text after `` #`` is a comment.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Iterable

from pytest_launchready.checks.secrets.scanner import Finding

_FINGERPRINT = re.compile(r"[0-9a-f]{16}")


@dataclass(frozen=True)
class Allowlist:
    """The accepted fingerprints and path globs."""

    fingerprints: frozenset[str] = frozenset()
    globs: tuple[str, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> Allowlist:
        """Split the setting's lines into fingerprints and globs."""
        fingerprints, globs = set(), []
        for entry in entries:
            value = entry.split(" #", 1)[0].strip()
            if not value:
                continue
            if _FINGERPRINT.fullmatch(value.lower()):
                fingerprints.add(value.lower())
            else:
                globs.append(value)
        return cls(frozenset(fingerprints), tuple(globs))

    def skips_path(self, path: str) -> bool:
        """True when every finding in ``path`` is accepted, so the file need not be read."""
        return any(fnmatch.fnmatchcase(path, pattern) for pattern in self.globs)

    def allows(self, finding: Finding) -> bool:
        """True when ``finding`` is accepted by its fingerprint or its path."""
        return finding.fingerprint in self.fingerprints or self.skips_path(finding.path)

    def keep(self, findings: Iterable[Finding]) -> list[Finding]:
        """The findings that are not accepted."""
        return [f for f in findings if not self.allows(f)]
