"""One function per file source of the secrets check: the tree, the bundles, the logs.

Each returns a :class:`SourceScan`: the findings not allowlisted, how many items were read, and what
was passed over (too large, binary, unreadable), so a case that read nothing can say so instead of
passing.
"""

from __future__ import annotations

import bisect
import os
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from pytest_launchready.checks.secrets.allowlist import Allowlist
from pytest_launchready.checks.secrets.files import SecretPaths, tree_files
from pytest_launchready.checks.secrets.scanner import MAX_FILE_BYTES, Finding, scan_bytes, scan_file


@dataclass
class SourceScan:
    """What one source gave: ``findings`` (allowlist applied), ``scanned`` items, ``passed_over`` paths."""

    findings: list[Finding] = field(default_factory=list)
    scanned: int = 0
    passed_over: list[str] = field(default_factory=list)
    how: str = ""


def scan_files(files: Mapping[str, str], allowlist: Allowlist, max_bytes: int | None = MAX_FILE_BYTES) -> SourceScan:
    """Scan each file (absolute path -> path shown); files over ``max_bytes`` and binary files are passed over."""
    result = SourceScan()
    for path, shown in files.items():
        if allowlist.skips_path(shown):
            continue
        findings = scan_file(path, shown, max_bytes)
        if findings is None:
            result.passed_over.append(shown)
            continue
        result.scanned += 1
        result.findings += allowlist.keep(findings)
    return result


def scan_tree(rootpath: str, allowlist: Allowlist) -> SourceScan:
    """The tracked files of the repository holding ``rootpath`` (every file outside git)."""
    tree = tree_files(rootpath)
    files = {os.path.join(tree.root, path): path for path in tree.paths}
    files = {path: shown for path, shown in files.items() if os.path.isfile(path) and not os.path.islink(path)}
    result = scan_files(files, allowlist)
    result.how = tree.how
    return result


def scan_bundles(paths: SecretPaths, allowlist: Allowlist) -> SourceScan:
    """Every file under the bundle and static folders, however large (read in chunks)."""
    result = scan_files(paths.bundles, allowlist, max_bytes=None)
    result.how = ", ".join(paths.looked_for)
    return result


def scan_log_files(paths: SecretPaths, allowlist: Allowlist) -> SourceScan:
    """The ``*.log`` files under the secret paths and the files of the tree's logs/ folder."""
    return scan_files(paths.logs, allowlist, max_bytes=None)


def scan_records(records: Sequence[str], allowlist: Allowlist) -> list[Finding]:
    """The findings in captured log records, each located as ``captured log record N (logger):line``."""
    if not records:
        return []
    text = "\n".join(records).encode("utf-8", errors="replace")
    starts, line = [], 1  # the first line of each record in the joined text
    for record in records:
        starts.append(line)
        line += record.count("\n") + 1
    findings = []
    for finding in scan_bytes(text, "captured logs"):
        index = bisect.bisect_right(starts, finding.line) - 1
        logger = records[index].split(" ", 1)[0]
        where = f"captured log record {index + 1} ({logger})"
        findings.append(Finding(finding.rule, where, finding.line - starts[index] + 1, finding.secret))
    return allowlist.keep(findings)
