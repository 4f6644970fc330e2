"""Run locust once, headless, in subprocesses, and read back what it measured.

Locust gevent-patches the process it runs in, so it never runs inside pytest: ``python -m locust``
with ``locustfile.py`` and a plan file, either one process or a master with N local workers (locust's
own distributed mode, on 127.0.0.1). Stats are reset when the ramp ends (``--reset-stats``), so the
figures are those at full load. Every run is bounded: the subprocesses are killed at their deadline.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
THROTTLED = "throttled (429)"
#: Seconds past the planned run time before the subprocesses are killed (start-up, stop, CSV writing).
GRACE = 60.0
POLL = 2.0
_READY = re.compile(r"\(index \d+\) reported as ready\.")


@dataclass(frozen=True)
class Figures:
    """What one route (or all of them, ``Aggregated``) did at full load; times in milliseconds."""

    name: str
    requests: int
    errors: int
    throttled: int
    p50: float
    p95: float
    p99: float
    rps: float

    @property
    def error_rate(self) -> float:
        """Errors (throttling aside) per request."""
        return self.errors / self.requests if self.requests else 0.0

    def line(self) -> str:
        """``412 requests, 13.7/s, p50 12 ms, p95 48 ms, p99 90 ms, 0 errors (0.0%)``."""
        throttled = f", {self.throttled} throttled (429)" if self.throttled else ""
        return (f"{self.requests} requests, {self.rps:.1f}/s, p50 {self.p50:.0f} ms, p95 {self.p95:.0f} ms, "
                f"p99 {self.p99:.0f} ms, {self.errors} errors ({self.error_rate:.1%}){throttled}")


@dataclass
class LoadResult:
    """The whole run: figures per route name and overall, and where locust's reports are."""

    routes: dict[str, Figures] = field(default_factory=dict)
    overall: Figures | None = None
    users: int = 0
    sessions: int = 0
    workers: int = 0
    workers_connected: int = 0
    csv_prefix: str = ""
    html: str = ""
    error: str = ""

    def to_json(self) -> str:
        """The result as JSON, for the other xdist workers."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> LoadResult:
        """A result written by :meth:`to_json`."""
        data = json.loads(text)
        routes = {name: Figures(**figures) for name, figures in data.pop("routes").items()}
        overall = data.pop("overall")
        return cls(routes=routes, overall=Figures(**overall) if overall else None, **data)


def run_locust(base_url: str, plan: dict[str, Any], *, users: int, duration: int, workers: int, out_dir: Path,
               progress: Callable[[str], None]) -> LoadResult:
    """Run the plan against ``base_url`` with ``users`` users for ``duration`` s at full load."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rate = max(1.0, users / 3)  # a ramp of about three seconds
    run_time = duration + math.ceil(users / rate) + 1
    prefix, html, log = out_dir / "locust", out_dir / "locust.html", out_dir / "locust.log"
    plan = {**plan, "workers": max(1, workers)}
    fd, plan_path = tempfile.mkstemp(prefix="launchready-load-", suffix=".json")  # mode 0600: it holds session tokens
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(plan, file)
        env = {**os.environ, "LAUNCHREADY_LOAD_PLAN": plan_path, "PYTHONUNBUFFERED": "1"}
        common = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE)]
        main = [*common, "--headless", "-u", str(users), "-r", f"{rate:g}", "-t", f"{run_time}s", "--host", base_url,
                "--csv", str(prefix), "--html", str(html), "--reset-stats", "--only-summary", "--stop-timeout", "3",
                "--exit-code-on-error", "0", "--loglevel", "INFO", "--logfile", str(log)]
        extra: list[subprocess.Popen[bytes]] = []
        if workers:
            port = _free_port()
            main += ["--master", "--expect-workers", str(workers), "--master-bind-host", "127.0.0.1",
                     "--master-bind-port", str(port)]
            extra = [subprocess.Popen([*common, "--worker", "--master-host", "127.0.0.1", "--master-port", str(port),
                                       "--loglevel", "WARNING"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                     for _ in range(workers)]
        master = subprocess.Popen(main, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        error = _wait(master, extra, run_time + GRACE, prefix, progress)
    finally:
        os.unlink(plan_path)
    result = read_stats(prefix)
    result.users, result.sessions, result.workers = users, len(plan["sessions"]), workers
    result.workers_connected = len(_READY.findall(log.read_text(errors="replace"))) if log.exists() else 0
    result.csv_prefix, result.html = str(prefix), str(html)
    result.error = error or ("" if result.overall else "locust wrote no statistics")
    return result


def _wait(master: subprocess.Popen[bytes], workers: list[subprocess.Popen[bytes]], budget: float, prefix: Path,
          progress: Callable[[str], None]) -> str:
    deadline, shown = time.monotonic() + budget, ""
    try:
        while master.poll() is None:
            if time.monotonic() > deadline:
                master.kill()
                return f"locust did not finish within {budget:.0f} s and was stopped"
            time.sleep(POLL)
            line = _progress_line(prefix)
            if line and line != shown:
                progress(line)
                shown = line
        stderr = (master.stderr.read() if master.stderr else b"").decode(errors="replace")
        if master.returncode not in (0, None) and not Path(f"{prefix}_stats.csv").exists():
            return f"locust exited with {master.returncode}: {stderr.strip().splitlines()[-1] if stderr.strip() else ''}"
        return ""
    finally:
        for process in workers:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _progress_line(prefix: Path) -> str:
    path = Path(f"{prefix}_stats_history.csv")
    if not path.exists():
        return ""
    rows = [row for row in csv.DictReader(path.read_text().splitlines()) if row.get("Name") == "Aggregated"]
    if not rows:
        return ""
    last = rows[-1]
    if last.get("User Count") in ("0", None):  # before the first user starts, or after the last stopped
        return ""
    return (f"load: {last.get('User Count', '?')} users, {float(last.get('Requests/s') or 0):.0f} req/s, "
            f"p95 {last.get('95%', 'N/A')} ms so far")


def read_stats(prefix: Path) -> LoadResult:
    """Figures per route from locust's ``<prefix>_stats.csv`` and ``_failures.csv``."""
    result = LoadResult()
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        return result
    throttled: dict[str, int] = {}
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        for row in csv.DictReader(failures.read_text().splitlines()):
            if THROTTLED in row.get("Error", ""):
                throttled[row["Name"]] = throttled.get(row["Name"], 0) + int(row.get("Occurrences") or 0)
    for row in csv.DictReader(stats.read_text().splitlines()):
        name = row["Name"]
        held = throttled.get(name, sum(throttled.values()) if name == "Aggregated" else 0)
        figures = Figures(name=name, requests=int(row["Request Count"]), errors=int(row["Failure Count"]) - held,
                          throttled=held, p50=_ms(row.get("50%")), p95=_ms(row.get("95%")), p99=_ms(row.get("99%")),
                          rps=float(row.get("Requests/s") or 0))
        if name == "Aggregated":
            result.overall = figures
        else:
            result.routes[name] = figures
    return result


def _ms(value: str | None) -> float:
    try:
        return float(value or 0)
    except ValueError:  # "N/A" when a route got no request
        return 0.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
