"""Secret detection for the ``secrets`` check: rules, scanning, sources, allowlist and log capture.

- :mod:`.rules` — the detectors (:data:`~.rules.RULES`), each with its own rule id;
- :mod:`.scanner` — :class:`~.scanner.Finding` and scanning of bytes and files;
- :mod:`.files`, :mod:`.sources`, :mod:`.history`, :mod:`.responses` — what is scanned;
- :mod:`.allowlist` — ``launchready_secret_allowlist``; :mod:`.capture` — the run's log records.
"""

from __future__ import annotations

from pytest_launchready.checks.secrets.allowlist import Allowlist
from pytest_launchready.checks.secrets.rules import RULE_IDS, RULES
from pytest_launchready.checks.secrets.scanner import Finding, fingerprint, scan_bytes, scan_file

__all__ = ["RULES", "RULE_IDS", "Allowlist", "Finding", "fingerprint", "scan_bytes", "scan_file"]
