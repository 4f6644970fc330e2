"""The target layer's errors and its record of a target that stopped answering (no httpx import)."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from typing import Callable

from pytest_launchready.errors import SetupError


class TargetError(Exception):
    """The target cannot be loaded or reached; the message says what to change."""


class TargetStoppedError(SetupError):
    """The target stopped answering mid-run: the test that met it, and every later one, is an error.

    Not an ``httpx`` error on purpose: checks that turn transport errors into findings must not
    catch it, and not an ``AssertionError``: it is no finding about the app.
    """

    label = ""  # its message says it all


class RequestFailed(SetupError):
    """A request got no answer (the connection failed, and could not be retried) while the target still
    answers others: nothing came back to judge, so the test is an error told in one line, never a
    finding and never a traceback."""

    label = "request failed (not a finding): "


#: How the errors of a target that stopped answering begin.
STOPPED = "the target stopped answering"


@dataclass(frozen=True)
class TargetDown:
    """When the target stopped answering, and the request that found out."""

    at: dt.datetime
    cause: str

    @property
    def message(self) -> str:
        """The one line every test after that point reports."""
        return f"{STOPPED} at {self.at:%H:%M:%S}: every later test is an error (last request: {self.cause})"


#: Reachability re-checks after a timed-out request before the target counts as hung.
HUNG_PROBES = 3


class Liveness:
    """Whether the target still answers, shared by every client of one target.

    ``probe()`` re-checks reachability on a fresh connection (True when anything answers). Only a
    target that answered once can stop answering: before that an error stays what it is (the
    reachability check at start-up reports it).
    """

    def __init__(self, probe: Callable[[], bool] = lambda: True) -> None:
        self.probe = probe
        self.answered = False
        self.down: TargetDown | None = None
        self._lock = threading.Lock()

    def confirm_down(self, cause: str) -> TargetStoppedError | None:
        """After a transport error that survived its retry: the error to raise if the target is down."""
        if self.down is None and (not self.answered or self.probe()):
            return None
        return self.mark_down(cause)

    def confirm_hung(self, cause: str) -> None:
        """After a request timed out: the target is down when fresh requests get no answer either, each
        bounded by the timeout, HUNG_PROBES in a row: a server that kills and restarts a stuck worker
        (gunicorn's 30 s worker timeout) answers again within that grace, and keeps its later tests."""
        if self.down is None and self.answered and not any(self.probe() for _ in range(HUNG_PROBES)):
            self.mark_down(f"{cause}, and {HUNG_PROBES} fresh requests to / in a row got none either")

    def mark_down(self, cause: str) -> TargetStoppedError:
        """Record that the target stopped answering now (the first record wins)."""
        with self._lock:
            if self.down is None:
                self.down = TargetDown(dt.datetime.now(), " ".join(cause.split()))
        return TargetStoppedError(self.down.message)
