"""Public facade of the secret scanner (the engine lives in :mod:`pytest_launchready.checks.secrets`).

Tools and QA import from here; the internal layout may move, these names stay.
"""

from __future__ import annotations

from pytest_launchready.checks.secrets import RULE_IDS, RULES, Allowlist, Finding, fingerprint, scan_bytes, scan_file

__all__ = ["RULES", "RULE_IDS", "Allowlist", "Finding", "fingerprint", "scan_bytes", "scan_file"]
