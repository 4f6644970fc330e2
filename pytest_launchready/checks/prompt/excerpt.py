"""The excerpt a :class:`~pytest_launchready.checks.prompt.leaks.Leak` quotes: enough to see the leak,
never the canary, and never more than a few words of the prompt.
"""

from __future__ import annotations

import re

from pytest_launchready.checks.prompt.normalise import compact, compact_map

MASK = "[canary]"
#: Characters quoted either side of a canary, and the most of a prompt's text an excerpt quotes.
CONTEXT, QUOTE = 24, 40
_SPACE = re.compile(r"\s+")


def canary_spans(text: str, canary: str | None) -> list[tuple[int, int]]:
    """Every span of ``text`` that reads as ``canary`` once case, spacing and punctuation are ignored."""
    if not canary:
        return []
    flat, where = compact_map(text)
    needle = compact(canary)
    spans = []
    start = flat.find(needle) if needle else -1
    while start >= 0:
        spans.append((where[start], where[start + len(needle) - 1] + 1))
        start = flat.find(needle, start + 1)
    for match in re.finditer(re.escape(canary), text, re.IGNORECASE):
        spans.append(match.span())
    return sorted(set(spans))


def window(text: str, start: int, end: int, masked: list[tuple[int, int]]) -> str:
    """``text[start:end]`` on one line with every span in ``masked`` (or its part inside) shown as [canary]."""
    pieces: list[str] = []
    at = start
    for low, high in masked:
        if high <= start or low >= end or low < at:
            continue
        pieces += [text[at:low], MASK]
        at = min(high, end)
    pieces.append(text[at:end])
    return _SPACE.sub(" ", "".join(pieces)).strip()


def around(text: str, start: int, end: int, canary: str | None) -> str:
    """The canary at ``text[start:end]`` masked, with a little context either side."""
    spans = sorted(set(canary_spans(text, canary)) | {(start, end)})
    low, high = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
    quoted = window(text, low, high, spans)
    return ("…" if low else "") + quoted + ("…" if high < len(text) else "")


def opening(text: str, start: int, end: int, canary: str | None) -> str:
    """The first few words of ``text[start:end]`` (a part of the prompt), canary masked, then an ellipsis."""
    stop = min(end, start + QUOTE)
    if stop < end:
        space = text.rfind(" ", start, stop)
        stop = space if space > start else stop
    return window(text, start, stop, canary_spans(text, canary)) + ("…" if stop < end else "")


def listed(terms: tuple[str, ...], canary: str | None, limit: int = 5) -> str:
    """Up to ``limit`` of ``terms``, any that is part of the canary shown as [canary]."""
    flat = compact(canary) if canary else ""
    shown = [MASK if flat and len(c := compact(t)) >= 3 and c in flat else t for t in terms]
    return ", ".join(dict.fromkeys(shown[:limit])) + (", …" if len(terms) > limit else "")
