"""Public facade of the secret scanner (the engine lives in :mod:`pytest_launchready.checks.secrets`).

Tools and QA import from here; the internal layout may move, these names stay. :func:`scan_path`
and :class:`SecretFinding` are the stable entry points: a file or folder in, redacted findings out.
"""

from __future__ import annotations

from pytest_launchready.checks.secrets import RULE_IDS, RULES, Allowlist, Finding, fingerprint, scan_bytes, scan_file
from pytest_launchready.checks.secrets.public import SecretFinding, scan_path

__all__ = [
    "RULES", "RULE_IDS", "Allowlist", "Finding", "SecretFinding", "fingerprint", "scan_bytes", "scan_file", "scan_path",
]
