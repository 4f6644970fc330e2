"""The secrets check's sources that are files of the user's repository: the tree, its git history and
the built bundles. None of them needs the target, so each scans to an :class:`Outcome` that can be
made in the test's own process or ahead of it in another (:mod:`pytest_launchready.checks.secrets.background`),
and that travels between the two as JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

from pytest_launchready.checks.secrets.allowlist import Allowlist
from pytest_launchready.checks.secrets.scanner import Finding

#: The case ids of the sources this module scans.
REPOSITORY_SOURCES = ("tree", "history", "bundles")


@dataclass
class Outcome:
    """What scanning one source gave: the findings not allowlisted and ``scope``, what was read (for
    the failure message); or ``skip``, why nothing was read; and ``warnings`` for the user."""

    findings: list[Finding] = field(default_factory=list)
    scope: str = ""
    skip: str | None = None
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The outcome as JSON-ready data (the secrets included: it only crosses a pipe between our processes)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Outcome:
        """The outcome :meth:`to_json` gave."""
        findings = [Finding(**finding) for finding in data["findings"]]
        return cls(findings, data["scope"], data["skip"], list(data["warnings"]))


def scan_source(source: str, rootpath: str, allowlist_entries: Iterable[str], configured_paths: Iterable[str]) -> Outcome:
    """Scan ``source`` (one of :data:`REPOSITORY_SOURCES`) of the repository at ``rootpath``, with
    ``launchready_secret_allowlist`` and ``launchready_secret_paths`` as given."""
    allowlist = Allowlist.parse(allowlist_entries)
    if source == "tree":
        return _tree(rootpath, allowlist)
    if source == "history":
        return _history(rootpath, allowlist)
    if source == "bundles":
        return _bundles(rootpath, allowlist, tuple(configured_paths))
    raise ValueError(f"not a repository source: {source!r}")


def _tree(rootpath: str, allowlist: Allowlist) -> Outcome:
    from pytest_launchready.checks.secrets.sources import scan_tree

    result = scan_tree(rootpath, allowlist)
    if not result.scanned:
        return Outcome(skip=f"no text file to scan ({result.how})")
    return Outcome(result.findings, f"the tracked files ({result.scanned} files read, {result.how})")


def _history(rootpath: str, allowlist: Allowlist) -> Outcome:
    from pytest_launchready.checks.secrets.files import git_toplevel
    from pytest_launchready.checks.secrets.history import scan_history

    top = git_toplevel(rootpath)
    if top is None:
        return Outcome(skip=f"no git history: {rootpath} is not in a git repository")
    result = scan_history(top, allowlist.skips_path)
    if not result.blobs_scanned:
        return Outcome(skip=f"no commit to scan in {top}" if not result.commits else f"no text blob to scan in {top}")
    scope = f"the git history of {top} ({result.commits} commits, {result.blobs_scanned} distinct files read)"
    return Outcome(allowlist.keep(result.findings), scope)


def _bundles(rootpath: str, allowlist: Allowlist, configured: tuple[str, ...]) -> Outcome:
    from pytest_launchready.checks.secrets.files import secret_paths
    from pytest_launchready.checks.secrets.sources import scan_bundles

    paths = secret_paths(rootpath, configured)
    warnings = [f"launchready_secret_paths entries that match nothing: {', '.join(paths.missing)}"] if paths.missing else []
    result = scan_bundles(paths, allowlist)
    if not result.scanned:
        return Outcome(skip=f"no text file to scan in {result.how}", warnings=warnings)
    return Outcome(result.findings, f"the built bundles and static files ({result.scanned} files read in {result.how})",
                   warnings=warnings)
