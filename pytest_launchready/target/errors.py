"""The target layer's errors (no httpx import: hooks may name them cheaply)."""

from __future__ import annotations


class TargetError(Exception):
    """The target cannot be loaded or reached; the message says what to change."""
