"""Scan the repository's sources (tree, history, bundles) in a child process while the rest of the
checklist talks to the target.

They are the checklist's largest piece of pure CPU (seconds on a real repository: every tracked file,
every blob of the history), and the one that never waits on the app. In one pytest process the client
and the app take turns on one core, so the scan runs beside them, on another, from the moment the
process knows its tests until the secrets tests ask for the outcome. A thread would not do: our rules
are Python regexes, which hold the GIL against the request loop.

Only a process that runs its tests alone starts it: an xdist worker shares the cores with the other
workers already, and the controller runs no test. The child gets its job on stdin and answers with
JSON on stdout, a pipe between our own processes (the findings hold the secrets, which never touch
the disk). Whatever goes wrong in the child (it crashed, it said nothing readable) the test scans in
its own process instead, so the verdict never depends on this shortcut.

    python -m pytest_launchready.checks.secrets.background   (job as JSON on stdin)
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pytest_launchready.checks.secrets.engines import warm
from pytest_launchready.checks.secrets.repository import REPOSITORY_SOURCES, Outcome, scan_source

if TYPE_CHECKING:
    from pytest_launchready.config.settings import Settings

#: Seconds a secrets test waits for the child at most: beyond the history's own git timeouts.
WAIT_SECONDS = 900
#: The child: this module run as a program.
CHILD_COMMAND = (sys.executable, "-m", "pytest_launchready.checks.secrets.background")
BACKGROUND_KEY = pytest.StashKey["BackgroundScan"]()
#: The folder that holds the pytest_launchready package: the child's working folder.
PACKAGE_PARENT = str(Path(__file__).resolve().parents[3])


class BackgroundScan:
    """The child scanning ``sources``; :meth:`outcome` waits for it once and hands out each source's outcome."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self._process = process
        self._outcomes: dict[str, Outcome] | None = None
        #: Why the child gave nothing, without anything it read (a traceback's exception type at most).
        self.failure = ""
        #: Whether a test has warned of :attr:`failure` (once per run).
        self.told = False

    @classmethod
    def start(cls, rootpath: str, allowlist: tuple[str, ...], secret_paths: tuple[str, ...],
              sources: tuple[str, ...]) -> BackgroundScan | None:
        """Start the child; None when it cannot be started (the tests then scan in their own process)."""
        job = {"rootpath": rootpath, "allowlist": list(allowlist), "secret_paths": list(secret_paths),
               "sources": list(sources)}
        try:
            # From our package's folder, not the user's: ``python -m`` puts the working folder first on
            # sys.path, where a dataclasses.py or sitecustomize.py of the repository would run in the child.
            # A session of its own, so that stopping it also stops the git processes it started.
            process = subprocess.Popen(CHILD_COMMAND, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, cwd=PACKAGE_PARENT, start_new_session=True)
            assert process.stdin is not None
            process.stdin.write(json.dumps(job).encode())
            process.stdin.close()
            process.stdin = None  # written and closed: communicate() must not flush it
        except OSError:
            return None
        return cls(process)

    def outcome(self, source: str) -> Outcome | None:
        """``source``'s outcome, waiting for the child at most :data:`WAIT_SECONDS`; None when the child
        failed (:attr:`failure` says how) or never scanned ``source``."""
        if self._outcomes is None:
            self._outcomes = {}  # asked once: a child that failed is not waited for again
            self._outcomes = self._collect()
        return self._outcomes.get(source)

    def _collect(self) -> dict[str, Outcome]:
        try:
            out, errors = self._process.communicate(timeout=WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            self.stop()
            self.failure = f"it did not finish in {WAIT_SECONDS} s"
            return {}
        except (OSError, ValueError) as exc:
            self.stop()
            self.failure = f"its answer could not be read ({type(exc).__name__})"
            return {}
        if self._process.returncode != 0:
            last = errors.decode(errors="replace").strip().splitlines()[-1:] or [""]
            raised = last[0].split(":", 1)[0].strip()
            named = f" ({raised[:80]})" if raised.isidentifier() else ""
            self.failure = f"it exited with {self._process.returncode}{named}"
            return {}
        try:
            return {source: Outcome.from_json(data) for source, data in json.loads(out).items()}
        except (ValueError, KeyError, TypeError) as exc:
            self.failure = f"its answer could not be read ({type(exc).__name__})"
            return {}

    def stop(self) -> None:
        """Kill the child and what it started, if it still runs (the session ended before a secrets test asked)."""
        if self._process.poll() is None:
            try:
                os.killpg(self._process.pid, signal.SIGKILL)
            except (AttributeError, OSError):  # no process groups (Windows), or already gone
                self._process.kill()
            self._process.communicate()


def start_for(session: pytest.Session, settings: Settings) -> None:
    """Start the background scan for the repository sources among the tests this process will run, and
    build the Kingfisher engine in a thread, when it runs them alone (no xdist, not collect-only)."""
    config = session.config
    if hasattr(config, "workerinput") or config.option.collectonly or BACKGROUND_KEY in config.stash:
        return
    cases = _runnable_cases(session.items)
    if cases:
        # Every secrets test scans with the engine here too (the logs, the responses, the messages' engine names).
        thread = warm()
        config.add_cleanup(lambda: thread.join(timeout=60))
    sources = tuple(source for source in REPOSITORY_SOURCES if source in cases)
    if not sources:
        return
    scan = BackgroundScan.start(str(settings.rootpath), tuple(settings.secret_allowlist), tuple(settings.secret_paths),
                                sources)
    if scan is not None:
        config.stash[BACKGROUND_KEY] = scan
        config.add_cleanup(scan.stop)


def _runnable_cases(items: list[pytest.Item]) -> set[str]:
    """The secrets case ids among ``items`` that will scan (NOT RUN cases are skipped at set-up)."""
    found = set()
    for item in items:
        case = getattr(getattr(item, "callspec", None), "params", {}).get("launchready_case")
        if getattr(item, "originalname", "") == "test_secrets" and case is not None and case.not_run is None:
            found.add(case.id)
    return found


def main() -> None:
    """The child: read the job from stdin, scan each source, print the outcomes as JSON."""
    job = json.load(sys.stdin)
    outcomes = {source: scan_source(source, job["rootpath"], job["allowlist"], job["secret_paths"]).to_json()
                for source in job["sources"]}
    sys.stdout.write(json.dumps(outcomes))


if __name__ == "__main__":
    main()
