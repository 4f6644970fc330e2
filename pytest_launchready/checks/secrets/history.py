"""Scan every blob reachable from any ref once: a key committed and later removed still counts.

``git rev-list --all --objects`` names each reachable object once (with the first path it was seen
at), ``git cat-file --batch-check`` gives types and sizes, and one ``git cat-file --batch`` process
streams the contents of the text-sized blobs. Only for blobs that hold a secret is the commit that
added them looked up (``git log --find-object``), so the cost is one read of each distinct blob.
"""

from __future__ import annotations

import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator

from pytest_launchready.checks.secrets.scanner import MAX_FILE_BYTES, Finding, scan_bytes

_TIMEOUT = 300
#: Commits are looked up for this many blobs with findings at most (each lookup walks the history).
MAX_COMMIT_LOOKUPS = 50


@dataclass
class HistoryScan:
    """What the history scan saw: ``findings``, and how many blobs it read, skipped as too large, or in all."""

    findings: list[Finding] = field(default_factory=list)
    blobs_scanned: int = 0
    blobs_too_large: int = 0
    commits: int = 0


def _git(top: Path, *args: str, data: bytes | None = None) -> bytes:
    result = subprocess.run(["git", "-C", str(top), *args], input=data, capture_output=True, timeout=_TIMEOUT, check=True)
    return result.stdout


def scan_history(
    top: Path, skip_path: Callable[[str], bool] | None = None, max_bytes: int = MAX_FILE_BYTES
) -> HistoryScan:
    """Scan every distinct blob reachable from any ref of the repository at ``top``.

    ``skip_path(path) -> bool`` drops blobs by path before they are read (allowlisted globs).
    """
    scan = HistoryScan()
    listing = _git(top, "rev-list", "--all", "--objects")
    if not listing.strip():
        return scan
    checked = _git(top, "cat-file", "--batch-check=%(objecttype) %(objectname) %(objectsize) %(rest)", data=listing)
    blobs: dict[str, str] = {}
    for line in checked.decode("utf-8", errors="surrogateescape").splitlines():
        kind, sha, size, path = (line.split(" ", 3) + [""])[:4]
        if kind == "commit":
            scan.commits += 1
        if kind != "blob" or (skip_path is not None and skip_path(path)):
            continue
        if int(size) > max_bytes:
            scan.blobs_too_large += 1
            continue
        blobs[sha] = path
    found: dict[str, list[Finding]] = {}
    for sha, data in _read_blobs(top, blobs):
        scan.blobs_scanned += 1
        findings = scan_bytes(data, blobs[sha])
        if findings:
            found[sha] = findings
    for number, (sha, findings) in enumerate(found.items()):
        commit = _adding_commit(top, sha) if number < MAX_COMMIT_LOOKUPS else ""
        scan.findings += [Finding(f.rule, f.path, f.line, f.secret, commit or "(not looked up)") for f in findings]
    return scan


def _read_blobs(top: Path, blobs: dict[str, str]) -> Iterator[tuple[str, bytes]]:
    """``(sha, contents)`` of each blob, streamed from one ``git cat-file --batch``."""
    if not blobs:
        return
    process = subprocess.Popen(
        ["git", "-C", str(top), "cat-file", "--batch"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )
    assert process.stdin is not None and process.stdout is not None
    # The writer runs in a thread: git's output would fill the pipe while we are still writing.
    writer = threading.Thread(target=_write_names, args=(process.stdin, blobs), daemon=True)
    writer.start()
    try:
        for _ in range(len(blobs)):
            header = process.stdout.readline().split()
            if len(header) < 3:  # "<sha> missing"
                continue
            data = process.stdout.read(int(header[2]))
            process.stdout.read(1)  # the newline after each object
            yield header[0].decode(), data
    finally:
        writer.join(timeout=_TIMEOUT)
        process.stdout.close()
        process.kill()
        process.wait(timeout=_TIMEOUT)


def _write_names(stdin: IO[bytes], names: Iterable[str]) -> None:
    try:
        stdin.write("".join(f"{name}\n" for name in names).encode())
        stdin.close()
    except (BrokenPipeError, OSError):
        pass


def _adding_commit(top: Path, blob: str) -> str:
    """The oldest commit that added ``blob`` on any ref ('' when git cannot tell)."""
    try:
        out = _git(top, "log", "--all", "--format=%H", f"--find-object={blob}")
    except (OSError, subprocess.SubprocessError):
        return ""
    commits = out.decode().split()
    return commits[-1] if commits else ""
