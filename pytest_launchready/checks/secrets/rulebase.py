"""What every detector shares: the :class:`Rule` interface, hits, and :class:`TokenRule` for fixed-shape keys.

Every pattern starts with a literal (``sk_live_``, ``AKIA``, ``://``), so the regex engine jumps from
one occurrence of that literal to the next instead of trying each position: one pattern per literal
is several times faster than one big alternation in Python's ``re`` (measured in
benchmarks/secrets_scan.py). Patterns run over whole files as bytes; keyword rules run over a
lower-cased copy so their keywords match in any case without ``re.IGNORECASE``.
"""

from __future__ import annotations

import re
from typing import Iterator

from pytest_launchready.checks.secrets.entropy import shannon_entropy
from pytest_launchready.checks.secrets.placeholders import is_placeholder

#: A hit: the byte offset where the secret starts, and the secret.
Hit = tuple[int, bytes]

ALNUM = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def text(value: bytes) -> str:
    """``value`` decoded as UTF-8, undecodable bytes replaced."""
    return value.decode("utf-8", errors="replace")


class Rule:
    """A detector: ``id`` (shown in failures and used in fingerprints) and what it matches."""

    id: str = ""
    description: str = ""

    def find(self, data: bytes, lower: bytes) -> Iterator[Hit]:
        """Yield ``(offset, secret)`` for each secret in ``data`` (``lower`` is ``data.lower()``)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<rule {self.id}>"


class TokenRule(Rule):
    """A provider key with a fixed shape: a literal prefix, then random characters.

    Each pattern has a ``body`` group, the random part, which must reach ``min_entropy`` and not be a
    placeholder. The default, 2.5 bits per character, is below what 1 in 10,000 random 16-character
    AWS key ids or 32-digit hex ids score, and above ``000...``-style stand-ins. The byte before the match must not be a letter or digit (``task-...`` is not ``sk-``).
    """

    def __init__(self, id: str, description: str, patterns: tuple[bytes, ...], min_entropy: float = 2.5) -> None:
        self.id = id
        self.description = description
        self.min_entropy = min_entropy
        self._compiled = tuple(re.compile(p) for p in patterns)

    def find(self, data: bytes, lower: bytes) -> Iterator[Hit]:
        for pattern in self._compiled:
            for match in pattern.finditer(data):
                start = match.start()
                if start and data[start - 1] in ALNUM:
                    continue
                body = text(match.group("body"))
                if shannon_entropy(body) < self.min_entropy or is_placeholder(body):
                    continue
                yield start, match.group(0)


