"""Public facade of the prompt-leak detector (the engine lives in :mod:`pytest_launchready.checks.prompt`).

Tools and QA import from here; the internal layout may move, these names stay.
"""

from __future__ import annotations

from pytest_launchready.checks.prompt.leaks import Leak, detect_leak

__all__ = ["Leak", "detect_leak"]
