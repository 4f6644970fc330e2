"""Whether a chatbot's answer leaks its system prompt: the detector behind the prompt check.

(Interim: only the verbatim canary is found; the full detector replaces this module.)
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Leak", "detect_leak"]


@dataclass(frozen=True)
class Leak:
    """How an answer leaked: ``kind`` (``canary``, ...), a redacted ``excerpt`` and a ``score`` in 0..1."""

    kind: str
    excerpt: str
    score: float


def detect_leak(answer: str, *, canary: str | None = None, system_prompt: str | None = None) -> Leak | None:
    """The leak in ``answer`` of ``canary`` or of ``system_prompt``, or None when it holds neither."""
    if not canary and not system_prompt:
        raise ValueError("detect_leak needs a canary or a system_prompt to look for")
    if canary and canary in answer:
        start = answer.index(canary)
        excerpt = answer[max(0, start - 40) : start] + "[canary]" + answer[start + len(canary) : start + len(canary) + 40]
        return Leak("canary", excerpt, 1.0)
    return None
