"""The value the plugin's default optional fixtures return when the user did not define them."""

from __future__ import annotations

from typing import Any


class _NotProvided:
    """Falsy stand-in for an optional user fixture that is not defined."""

    def __repr__(self) -> str:
        return "NOT_PROVIDED"

    def __bool__(self) -> bool:
        return False


NOT_PROVIDED: Any = _NotProvided()
