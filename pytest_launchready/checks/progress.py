"""A progress line on the terminal for the cases that take seconds (a rate-limit burst, the weak-key
guess, the load run), so a quiet terminal never looks hung.

Lines go through pytest's terminal reporter with output capture suspended, as pytest's live logging
does. Nothing is shown with ``-q`` or from xdist workers (their terminal is not the user's), and
lines come at most once a second while the work goes on, plus one when it ends.
"""

from __future__ import annotations

import contextlib
import time
from typing import Callable

import pytest

#: Seconds between two progress lines of the same work.
EVERY = 1.0


def terminal_line(config: pytest.Config) -> Callable[[str], None]:
    """``show(line)`` writing one line on the terminal; a no-op with -q, on xdist workers or without a terminal."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or config.option.verbose < 0 or hasattr(config, "workerinput"):
        return lambda line: None

    def show(line: str) -> None:
        context = capture.global_and_fixture_disabled() if capture is not None else contextlib.nullcontext()
        with context:
            reporter.write_line(line)
    return show


class Progress:
    """``done`` of ``total`` ``unit`` for the work called ``label``: the first update, then at most one
    line every :data:`EVERY` seconds, and :meth:`finish`."""

    def __init__(self, show: Callable[[str], None], label: str, total: int, unit: str) -> None:
        self._show, self.label, self.total, self.unit = show, label, total, unit
        self._started = time.monotonic()
        self._last: float | None = None

    def update(self, done: int) -> None:
        """Report ``done`` so far, unless a line went out less than a second ago."""
        now = time.monotonic()
        if self._last is not None and now - self._last < EVERY:
            return
        self._last = now
        self._show(f"  {self.label}: {done:,}/{self.total:,} {self.unit}, {now - self._started:.1f} s")

    def finish(self, done: int, outcome: str = "done") -> None:
        """The closing line: what was done in how long."""
        self._show(f"  {self.label}: {done:,}/{self.total:,} {self.unit} in {time.monotonic() - self._started:.1f} s, {outcome}")
