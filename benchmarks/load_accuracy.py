"""Does the load check measure what an independent measurement sees, and drive as much as locust alone?

One server (uvicorn in its own process on 127.0.0.1) with one route that takes about 20 ms, measured
three ways in the same run, at the same concurrency and the same think time (50-250 ms per user):

1. the load check: ``pytest --launchready --launchready-checks=load`` against it (live), its p95 and
   requests/s read from the JSON report;
2. a plain timing loop: N threads, each with its own ``httpx.Client``, timing every request
   (``time.perf_counter``) for the same duration after the same ramp;
3. standalone locust: ``locust --headless`` with a minimal locustfile (the same route, users, think
   time and duration), its requests/s read from its CSV.

Prints the p95 ratio (load check / timing loop; goal: within 10%) and the requests/s ratio (load
check / standalone locust; goal: >= 0.8).

    python benchmarks/load_accuracy.py [--users 25] [--duration 15]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

APP = '''
import asyncio
from fastapi import FastAPI, Header, HTTPException

app = FastAPI()
TOKENS = set()

@app.post("/auth/login", openapi_extra={"security": []})
def login(body: dict) -> dict:
    token = f"tok-{body['org']}-{len(TOKENS)}"
    TOKENS.add(token)
    return {"access_token": token}

@app.get("/work")
async def work(authorization: str = Header(default="")) -> dict:
    if authorization.removeprefix("Bearer ") not in TOKENS:
        raise HTTPException(401)
    await asyncio.sleep(0.02)
    return {"done": True}
'''

CONFTEST = '''
import pytest
from pytest_launchready import Credentials

@pytest.fixture(scope="session")
def launchready_login(launchready_client):
    def login(tenant, role):
        token = launchready_client.post("/auth/login", json={"org": tenant}).json()["access_token"]
        return Credentials(headers={"Authorization": f"Bearer {token}"})
    return login
'''

LOCUSTFILE = '''
import itertools, os
from locust import FastHttpUser, between, task
TOKENS = os.environ["BENCH_TOKENS"].split(",")
_n = itertools.count()

class Plain(FastHttpUser):
    wait_time = between(0.05, 0.25)
    def on_start(self):
        self.headers = {"Authorization": "Bearer " + TOKENS[next(_n) % len(TOKENS)]}
    @task
    def work(self):
        self.client.get("/work", headers=self.headers, name="GET /work")
'''


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "benchapp:app", "--host", "127.0.0.1", "--port", str(port),
                               "--log-level", "warning"], cwd=folder)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.post(f"{url}/auth/login", json={"org": "probe"})
            return server, url
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit("uvicorn did not start")


def load_check(folder: Path, url: str, users: int, duration: int) -> tuple[float, float]:
    (folder / "pytest.ini").write_text(
        f"[pytest]\nlaunchready_base_url = {url}\nlaunchready_public_routes =\n    POST /auth/login\n"
        "launchready_exclude_routes =\n    GET /docs\n    GET /docs/oauth2-redirect\n    GET /redoc\n    GET /openapi.json\n"
        f"launchready_load = true\nlaunchready_load_users = {users}\nlaunchready_load_duration = {duration}\n"
        "launchready_load_routes =\n    1: GET /work\n")
    (folder / "conftest.py").write_text(CONFTEST)
    report = folder / "report.json"
    subprocess.run([sys.executable, "-m", "pytest", "--launchready", "--launchready-checks=load", "-q", "-p", "no:cacheprovider",
                    f"--launchready-report={report}"], cwd=folder, capture_output=True, timeout=duration + 300)
    figures = next(t["figures"] for t in json.loads(report.read_text())["tests"] if t["id"] == "test_load[GET /work]")
    p95 = float(figures.split("p95 ")[1].split(" ms")[0])
    rps = float(figures.split(" requests, ")[1].split("/s")[0])
    return p95, rps


def timing_loop(url: str, users: int, duration: int) -> float:
    tokens = [httpx.post(f"{url}/auth/login", json={"org": f"loop{i}"}).json()["access_token"] for i in range(users)]
    samples: list[float] = []
    lock = threading.Lock()
    ramp = 3.0
    start = time.monotonic()
    measure_from, stop_at = start + ramp, start + ramp + duration

    def user(index: int) -> None:
        time.sleep(ramp * index / users)
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {tokens[index]}"}) as client:
            while time.monotonic() < stop_at:
                began = time.perf_counter()
                client.get("/work")
                took = (time.perf_counter() - began) * 1000
                if time.monotonic() >= measure_from:
                    with lock:
                        samples.append(took)
                time.sleep(random.uniform(0.05, 0.25))

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statistics.quantiles(samples, n=100)[94]


def standalone_locust(folder: Path, url: str, users: int, duration: int) -> float:
    tokens = [httpx.post(f"{url}/auth/login", json={"org": f"locust{i}"}).json()["access_token"] for i in range(users)]
    (folder / "plain_locustfile.py").write_text(LOCUSTFILE)
    rate = max(1.0, users / 3)
    run_time = duration + int(users / rate) + 1
    subprocess.run([sys.executable, "-m", "locust", "-f", "plain_locustfile.py", "--headless", "-u", str(users), "-r", f"{rate:g}",
                    "-t", f"{run_time}s", "--host", url, "--csv", "plain", "--reset-stats", "--only-summary",
                    "--loglevel", "WARNING"], cwd=folder, env={**os.environ, "BENCH_TOKENS": ",".join(tokens)},
                   capture_output=True, timeout=run_time + 60)
    row = next(r for r in csv.DictReader((folder / "plain_stats.csv").read_text().splitlines()) if r["Name"] == "GET /work")
    return float(row["Requests/s"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=25)
    parser.add_argument("--duration", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "benchapp.py").write_text(APP)
        server, url = serve(folder)
        try:
            check_p95, check_rps = load_check(folder, url, args.users, args.duration)
            loop_p95 = timing_loop(url, args.users, args.duration)
            locust_rps = standalone_locust(folder, url, args.users, args.duration)
        finally:
            server.terminate()
            server.wait(10)
    print(f"{args.users} users, {args.duration} s at full load, GET /work (~20 ms), think time 50-250 ms")
    print(f"p95: load check {check_p95:.0f} ms, timing loop {loop_p95:.1f} ms: ratio {check_p95 / loop_p95:.2f} (goal 0.90-1.10)")
    print(f"requests/s: load check {check_rps:.1f}, standalone locust {locust_rps:.1f}: ratio {check_rps / locust_rps:.2f} (goal >= 0.80)")


if __name__ == "__main__":
    main()
