"""Capture the log records of the run, so the ``logs`` case can scan what the app logged.

A :class:`logging.Handler` on the root logger is installed in ``pytest_configure`` when the secrets
check is selected (``Check.configure``) and lives in ``config.stash`` under :data:`CAPTURE_KEY`. It
sees the records that reach the root logger at the levels the logging configuration lets through
(pytest's ``log_level`` ini option lowers that for the run). Records are kept as formatted text up to
:data:`MAX_CAPTURED_CHARS`; later records are counted but dropped.
"""

from __future__ import annotations

import logging

import pytest

#: Text kept from captured records at most (later records are counted in ``dropped``).
MAX_CAPTURED_CHARS = 20_000_000


class LogCapture(logging.Handler):
    """Keeps each record as ``logger LEVEL: message`` (with its traceback), for scanning."""

    def __init__(self, max_chars: int = MAX_CAPTURED_CHARS) -> None:
        super().__init__(level=logging.NOTSET)
        self.records: list[str] = []
        self.dropped = 0
        self._chars = 0
        self._max_chars = max_chars
        self._formatter = logging.Formatter()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = f"{record.name} {record.levelname}: {record.getMessage()}"
            if record.exc_info:
                text += "\n" + self._formatter.formatException(record.exc_info)
            if record.stack_info:
                text += "\n" + record.stack_info
        except Exception:  # noqa: BLE001 - a bad record must not break the app's logging
            self.handleError(record)
            return
        if self._chars + len(text) > self._max_chars:
            self.dropped += 1
            return
        self._chars += len(text)
        self.records.append(text)

    def __repr__(self) -> str:
        return f"<LogCapture {len(self.records)} records>"


CAPTURE_KEY = pytest.StashKey[LogCapture]()


def install(config: pytest.Config) -> None:
    """Start capturing the run's log records (removed again when pytest unconfigures)."""
    if CAPTURE_KEY in config.stash:
        return
    handler = LogCapture()
    root = logging.getLogger()
    root.addHandler(handler)
    config.stash[CAPTURE_KEY] = handler
    config.add_cleanup(lambda: root.removeHandler(handler))


def captured(config: pytest.Config) -> LogCapture | None:
    """The run's capture handler, or None when it was not installed."""
    return config.stash.get(CAPTURE_KEY, None)
