"""``scan_path``: the secrets check's engine for tools and QA, over a file or a folder of working files."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pytest_launchready.checks.secrets.files import walk_files
from pytest_launchready.checks.secrets.scanner import Finding, scan_file


@dataclass(frozen=True)
class SecretFinding:
    """One secret found by :func:`scan_path`; it carries no raw secret, only what may be shown.

    ``path``: the file (relative to the folder scanned, with ``/``; the path given for a file);
    ``line``: 1-based; ``rule``: the rule id (ours, such as ``github-token``, or Kingfisher's, such as
    ``betterleaks.gitlab-pat``); ``fingerprint``: what ``launchready_secret_allowlist`` accepts;
    ``preview``: the first 4 characters and the length (``ghp_... (40 chars)``).
    """

    path: str
    line: int
    rule: str
    fingerprint: str
    preview: str

    @classmethod
    def of(cls, finding: Finding) -> SecretFinding:
        """The shareable part of a scanner finding."""
        return cls(finding.path, finding.line, finding.rule, finding.fingerprint, finding.preview)


def scan_path(path: str | os.PathLike[str]) -> list[SecretFinding]:
    """The secrets in the file or folder at ``path``, sorted by path and line.

    The same engine as ``test_secrets[tree]`` (our rules, plus Kingfisher's catalogue when installed),
    with its placeholder filter and without any allowlist. A folder is walked on disk, tracked or not
    (its git history is not read), skipping ``.git``, virtualenvs, ``node_modules`` and caches;
    binary files are passed over and large files read in chunks. Nothing goes over the network.
    Raises FileNotFoundError when ``path`` does not exist.
    """
    root = Path(path)
    if root.is_file():
        files = {str(root): os.fspath(path)}
    elif root.is_dir():
        files = {str(root / relative): relative for relative in walk_files(root)}
    else:
        raise FileNotFoundError(f"scan_path: no file or folder at {os.fspath(path)!r}")
    found = []
    for full, shown in files.items():
        found += scan_file(full, shown, max_bytes=None) or []
    return sorted((SecretFinding.of(f) for f in found), key=lambda f: (f.path, f.line, f.rule, f.fingerprint))
