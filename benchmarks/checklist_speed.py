"""How fast is the whole checklist on a live app, alone, under ``-n 2``, and against Schemathesis?

One demo server (uvicorn in its own process on 127.0.0.1, the vulnerable demo, its keys made for the run and
passed through the environment so the plugin and the server share them), measured in the same run, in alternating
rounds so both sides see the same noise:

1. ``pytest --launchready pytest_launchready/demo`` against it (live: ``--launchready-url``), one process;
2. the same with ``-n 2``;
3. ``st run --checks all`` (Schemathesis, default phases) on a second demo server of the same build (so its
   requests cannot throttle or fill the one the checklist runs measure), when
   the ``st`` command is installed (``pip install schemathesis``, best in a venv of its own passed as ``--st PATH``:
   a benchmark tool, not a dependency).

Prints each wall time (median over rounds), the ``-n 2`` speed-up (goal: >= 1.6x), the checklist's time
over Schemathesis's (goal: <= 0.5x), what each found, and where the single-process run spends its time
(the test time of each check, from its JUnit report, plus pytest's start-up and collection).

The load check is opt-in and stays off here (the goals are about the checklist without load). One
untimed warm-up run comes first, and Python writes its bytecode caches as it does by default (this
machine's ``PYTHONDONTWRITEBYTECODE=1`` is dropped for the runs), so every round starts as a user's
second run does: compiled modules and hypothesis's character tables on disk.

    python benchmarks/checklist_speed.py [--rounds 3] [--st PATH | --no-schemathesis]
"""

from __future__ import annotations

import argparse
import base64
import collections
import os
import re
import resource
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
# Made once per run: the demo server and the plugin must sign, plant and verify with the same values.
DEMO_ENV = {
    "DEMO_JWT_SECRET": secrets.token_urlsafe(32),
    "DEMO_PROMPT_CANARY": secrets.token_hex(8),
    "DEMO_WEBHOOK_SECRET": "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode(),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_demo() -> tuple[subprocess.Popen[bytes], str]:
    """The vulnerable demo on uvicorn at a free loopback port (its own process: it must not share our CPU time)."""
    port = free_port()
    env = run_env()
    env.pop("LAUNCHREADY_DEMO_SECURE", None)
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "pytest_launchready.demo.app:app", "--host", "127.0.0.1",
                               "--port", str(port), "--log-level", "warning"], env=env, cwd=REPO)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return server, url
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the demo server did not start on 127.0.0.1")


def server_cpu(server: subprocess.Popen[bytes]) -> float:
    """CPU seconds the server process has used so far (user + system, from /proc)."""
    fields = Path(f"/proc/{server.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    """CPU seconds of every finished child process (pytest and its xdist workers), user + system."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_env() -> dict[str, str]:
    """The environment of every measured process: the demo's keys, and Python's default bytecode caching."""
    env = {**os.environ, **DEMO_ENV}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_checklist(url: str, out: Path, *xdist: str) -> tuple[float, Path]:
    """One live run of the checklist; its wall time and its JUnit report."""
    junit = out / f"junit-{len(list(out.iterdir()))}.xml"
    command = [sys.executable, "-m", "pytest", "--launchready", "pytest_launchready/demo", "-o", "launchready_app=",
               f"--launchready-url={url}", "-p", "no:cacheprovider", "-q", f"--junitxml={junit}", *xdist]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=run_env(), capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"the checklist run ended with exit code {done.returncode}:\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    return elapsed, junit


def run_schemathesis(st: str, url: str, folder: Path) -> tuple[float, str]:
    """``st run --checks all`` on the server's schema: its wall time and its summary line of failures."""
    command = [st, "run", f"{url}/openapi.json", "--checks", "all", "--url", url]
    started = time.perf_counter()
    done = subprocess.run(command, env=run_env(), cwd=folder, capture_output=True, text=True, timeout=1800)
    elapsed = time.perf_counter() - started
    lines = [line for line in done.stdout.splitlines() if re.search(r"\d+ (failures?|unique|passed|errors?)", line)]
    return elapsed, lines[-1].strip() if lines else f"exit code {done.returncode}"


def verdicts(junit: Path) -> tuple[int, int, dict[str, float]]:
    """Failed and total tests of a JUnit report, and the test time spent per check."""
    failed, total, per_check = 0, 0, collections.Counter[str]()
    for case in ET.parse(junit).iter("testcase"):
        total += 1
        failed += case.find("failure") is not None or case.find("error") is not None
        check = re.match(r"test_([a-z_]+)", case.get("name", ""))
        per_check[check.group(1) if check else case.get("name", "?")] += float(case.get("time", 0))
    return failed, total, dict(per_check)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-schemathesis", action="store_true")
    parser.add_argument("--st", default="st", help="the Schemathesis command (e.g. from a venv of its own)")
    args = parser.parse_args()
    schemathesis = not args.no_schemathesis and shutil.which(args.st) is not None
    single, double, st_times = [], [], []
    server, url = serve_demo()
    # Schemathesis gets a server of its own: its requests spend the demo's per-address budgets (accept-invite
    # answered it 429), and the next checklist run then had set-up errors instead of its tests, and was faster for it.
    st_server, st_url = serve_demo() if schemathesis else (None, "")
    try:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder)
            run_checklist(url, out, "-n", "2")  # warm-up: bytecode and hypothesis caches, for every round alike
            for _ in range(args.rounds):
                before = children_cpu(), server_cpu(server)
                elapsed, junit = run_checklist(url, out)
                single.append(elapsed)
                last_single = elapsed  # the run whose JUnit report is read below
                cpu1 = children_cpu() - before[0], server_cpu(server) - before[1]
                before = children_cpu(), server_cpu(server)
                elapsed, junit2 = run_checklist(url, out, "-n", "2")
                double.append(elapsed)
                cpu2 = children_cpu() - before[0], server_cpu(server) - before[1]
                if schemathesis:
                    elapsed, st_summary = run_schemathesis(args.st, st_url, out)
                    st_times.append(elapsed)
            failed, total, per_check = verdicts(junit)
            failed2, total2, _ = verdicts(junit2)
    finally:
        for process in (server, st_server):
            if process is not None:
                process.terminate()
                process.wait(timeout=10)
    one, two = statistics.median(single), statistics.median(double)
    print(f"checklist, one process: {one:.1f} s (median of {args.rounds}; {failed} of {total} tests failed)")
    print(f"checklist, -n 2:        {two:.1f} s ({failed2} of {total2} tests failed)")
    print(f"-n 2 speed-up: {one / two:.2f}x (goal: >= 1.6x)")
    print(f"CPU of the last round: one process {cpu1[0]:.1f} s plugin + {cpu1[1]:.1f} s server; "
          f"-n 2 {cpu2[0]:.1f} s plugin + {cpu2[1]:.1f} s server (2 cores: -n 2 cannot beat "
          f"(plugin + server CPU) / 2 = {(cpu2[0] + cpu2[1]) / 2:.1f} s)")
    if schemathesis:
        st = statistics.median(st_times)
        print(f"schemathesis st run --checks all: {st:.1f} s ({st_summary})")
        print(f"checklist / schemathesis: {one / st:.2f}x (goal: <= 0.5x)")
    else:
        print("schemathesis: not measured (pip install schemathesis, or --no-schemathesis was given)")
    accounted = sum(per_check.values())
    print(f"where the last one-process run's time goes ({last_single:.1f} s: {accounted:.1f} s in tests, "
          f"{last_single - accounted:.1f} s start-up, collection, scorecard):")
    for check, seconds in sorted(per_check.items(), key=lambda item: -item[1]):
        print(f"  {check:18} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
