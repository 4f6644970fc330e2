"""Run every rule over whole file contents and turn hits into :class:`Finding` objects.

Files are scanned as bytes, whole (no per-line loop): line numbers are counted only for the hits.
A finding keeps the secret so it can be fingerprinted and registered for redaction, but its repr,
its location and every message built from it show a preview at most (first 4 characters, length).
"""

from __future__ import annotations

import bisect
import hashlib
import os
from dataclasses import dataclass, field
from typing import BinaryIO, Iterable, Iterator

from pytest_launchready.redact import preview
from pytest_launchready.checks.secrets.engines import provider_engine
from pytest_launchready.checks.secrets.filters import is_stand_in
from pytest_launchready.checks.secrets.rules import RULES, Rule

#: Files larger than this are skipped in the tree and history (bundles are read in chunks instead).
MAX_FILE_BYTES = 5 * 1024 * 1024
#: Large files are read in chunks of this size, overlapping so that no secret is cut in two.
CHUNK_BYTES = 16 * 1024 * 1024
_OVERLAP = 16 * 1024
#: Only the start of a file is checked for a NUL byte (the mark of a binary file).
_BINARY_SNIFF = 8192


def fingerprint(rule: str, secret: str) -> str:
    """The allowlist key of a secret: first 16 hex digits of sha256 over ``rule:secret``."""
    return hashlib.sha256(f"{rule}:{secret}".encode()).hexdigest()[:16]


@dataclass(frozen=True, repr=False)
class Finding:
    """One secret found: where (``path``, 1-based ``line``, ``commit`` for history) and by which rule."""

    rule: str
    path: str
    line: int
    secret: str = field(compare=True, repr=False)  # never in a repr (--showlocals)
    commit: str = ""

    @property
    def fingerprint(self) -> str:
        """What to put in ``launchready_secret_allowlist`` to accept this secret everywhere."""
        return fingerprint(self.rule, self.secret)

    @property
    def preview(self) -> str:
        """First 4 characters and the length: all that may ever be shown of the secret."""
        return preview(self.secret)

    @property
    def location(self) -> str:
        """``path:line``, prefixed with the short commit id for history findings."""
        where = f"{self.path}:{self.line}"
        return f"commit {self.commit[:12]} {where}" if self.commit else where

    def describe(self) -> str:
        """One redacted line for a failure message."""
        return f"{self.location}: {self.rule} ({self.preview}), fingerprint {self.fingerprint}"

    def __repr__(self) -> str:
        return f"Finding({self.rule!r}, {self.location!r}, fingerprint={self.fingerprint!r})"


def is_binary(data: bytes) -> bool:
    """True when ``data`` holds a NUL byte near its start: images, archives, compiled files."""
    return b"\0" in data[:_BINARY_SNIFF]


def find_secrets(data: bytes, path: str = "", rules: Iterable[Rule] = RULES, providers: bool = True) -> list[tuple[int, str, bytes]]:
    """``(offset, rule id, secret)`` for each secret in ``data`` (the contents of ``path``), in offset order.

    Our rules run first, then Kingfisher's catalogue (when installed and ``providers``). One
    finding per secret: when two rules report overlapping secrets, the first keeps it (ours before
    Kingfisher's, and among ours the first in :data:`RULES`, the more specific), so a secret
    allowlisted by its fingerprint keeps the rule id, and so the fingerprint, it had before
    Kingfisher joined. One placeholder filter then runs over every engine's findings.
    """
    lower = data.lower()
    hits: dict[int, tuple[str, bytes]] = {}
    for rule in rules:
        for offset, secret in rule.find(data, lower):
            hits.setdefault(offset, (rule.id, secret))
    engine = provider_engine() if providers else None
    if engine is not None and not is_binary(data):
        taken = _Spans((offset, offset + len(secret)) for offset, (_, secret) in hits.items())
        for start, end, rule_id, secret in sorted(engine.find(data, path), key=lambda s: (s[0], s[0] - s[1])):
            if start not in hits and not taken.overlaps(start, end):
                hits[start] = (rule_id, secret)
                taken.add(start, end)
    return [
        (offset, rule_id, secret)
        for offset, (rule_id, secret) in sorted(hits.items())
        if not is_stand_in(data, offset, secret)
    ]


class _Spans:
    """Byte spans already taken by a finding, to tell whether another overlaps one of them."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self._spans = sorted(spans)
        self._longest = max((end - start for start, end in self._spans), default=0)

    def overlaps(self, start: int, end: int) -> bool:
        # only spans starting after start - longest can reach start
        low = bisect.bisect_left(self._spans, (start - self._longest,))
        high = bisect.bisect_left(self._spans, (max(end, start + 1),))
        return any(s < max(end, start + 1) and start < e for s, e in self._spans[low:high])

    def add(self, start: int, end: int) -> None:
        bisect.insort(self._spans, (start, end))
        self._longest = max(self._longest, end - start)


def scan_bytes(data: bytes, path: str, commit: str = "", first_line: int = 1) -> list[Finding]:
    """The findings in ``data`` (the contents of ``path``); binary data gives none."""
    if is_binary(data):
        return []
    return unique(_findings(data, find_secrets(data, path), path, commit, first_line))


def unique(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per (path, line, secret), the first kept: the same key twice on a line, or found by
    two engines at different offsets, is one finding."""
    seen: set[tuple[str, int, str]] = set()
    kept = []
    for finding in findings:
        key = (finding.path, finding.line, finding.secret)
        if key not in seen:
            seen.add(key)
            kept.append(finding)
    return kept


def _findings(
    data: bytes, hits: list[tuple[int, str, bytes]], path: str, commit: str, first_line: int
) -> Iterator[Finding]:
    line, counted = first_line, 0
    for offset, rule_id, secret in hits:
        line += data.count(b"\n", counted, offset)
        counted = offset
        yield Finding(rule_id, path, line, secret.decode("utf-8", errors="replace"), commit)


def scan_file(path: str, shown_as: str, max_bytes: int | None = MAX_FILE_BYTES) -> list[Finding] | None:
    """The findings in the file at ``path`` (reported as ``shown_as``).

    None when the file was not scanned: unreadable, binary, or larger than ``max_bytes`` (None for no
    limit; files over :data:`CHUNK_BYTES` are then read in overlapping chunks).
    """
    try:
        size = os.path.getsize(path)
        if max_bytes is not None and size > max_bytes:
            return None
        with open(path, "rb") as handle:
            if size <= CHUNK_BYTES:
                data = handle.read()
                return None if is_binary(data) else unique(_findings(data, find_secrets(data, shown_as), shown_as, "", 1))
            return _scan_chunks(handle, shown_as)
    except OSError:
        return None


def _scan_chunks(handle: BinaryIO, shown_as: str) -> list[Finding] | None:
    findings: list[Finding] = []
    seen: set[int] = set()
    base, first_line, tail = 0, 1, b""  # tail: the end of the previous chunk, scanned again
    while chunk := handle.read(CHUNK_BYTES):
        if base == 0 and is_binary(chunk):
            return None
        data = tail + chunk
        start = base - len(tail)
        hits = find_secrets(data, shown_as)
        for (offset, _, _), finding in zip(hits, _findings(data, hits, shown_as, "", first_line)):
            if start + offset not in seen:
                seen.add(start + offset)
                findings.append(finding)
        tail = data[-_OVERLAP:]
        first_line += data.count(b"\n", 0, len(data) - len(tail))
        base += len(chunk)
    return unique(findings)
