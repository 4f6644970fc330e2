"""Capture the log records of the run, so the ``logs`` case can scan what the app logged.

A :class:`logging.Handler` on the root logger is installed in ``pytest_configure`` when the secrets
check is selected (``Check.configure``) and lives in ``config.stash`` under :data:`CAPTURE_KEY`. It
sees the records that reach the root logger at the levels the logging configuration lets through
(pytest's ``log_level`` ini option lowers that for the run). Records are kept as formatted text up to
:data:`MAX_CAPTURED_CHARS`; later records are counted but dropped.

Installed before pytest adds its own log handlers, it sees each record first: a record holding a
secret is kept as it was for the ``logs`` case, then masked in place, so pytest's "Captured log"
sections (and any root handler after this one) never print the secret.
"""

from __future__ import annotations

import logging

import pytest

from pytest_launchready.redact import MASK
from pytest_launchready.checks.secrets.scanner import find_secrets

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
            message = record.getMessage()
            trace = self._formatter.formatException(record.exc_info) if record.exc_info else record.exc_text or ""
            text = f"{record.name} {record.levelname}: {message}"
            for extra in (trace, record.stack_info):
                if extra:
                    text += "\n" + extra
            secrets = {s.decode("utf-8", errors="replace") for _, _, s in find_secrets(text.encode("utf-8", "replace"))}
            if secrets:
                _mask(record, message, trace, secrets)
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


def _mask(record: logging.LogRecord, message: str, trace: str, secrets: set[str]) -> None:
    """Replace each secret in the record's message, traceback and stack with the mask, for later handlers."""
    for secret in sorted(secrets, key=len, reverse=True):
        message, trace = message.replace(secret, MASK), trace.replace(secret, MASK)
        if record.stack_info:
            record.stack_info = record.stack_info.replace(secret, MASK)
    record.msg, record.args = message, None
    if trace:
        record.exc_text = trace  # formatters reuse exc_text instead of formatting exc_info again


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
