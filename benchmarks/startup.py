"""pytest start-up cost of the plugin: enabled, installed but not enabled, and disabled.

Runs ``pytest --collect-only -q`` on a small project in a temp dir, interleaving the three modes
(this machine is noisy, so every mode sees the same noise), and prints medians as ratios against
the disabled baseline measured in the same run. Goal: installed-but-not-enabled <= 1.02x disabled.

    python benchmarks/startup.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_TEST = "def test_one():\n    assert True\n"
PROJECT_INI = """[pytest]
launchready_app = pytest_launchready.demo.app:app
launchready_public_routes =
    GET /health
    POST /auth/signup
    POST /auth/login
"""

MODES = {
    "disabled (-p no:launchready)": ["-p", "no:launchready"],
    "installed, not enabled": [],
    "enabled (--launchready, collect only)": ["--launchready", "--launchready-checks=auth"],
}


def run_once(project: Path, extra: list[str]) -> float:
    """Seconds one ``pytest --collect-only`` takes, start to exit."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *extra],
                   cwd=project, check=False, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        (project / "test_small.py").write_text(PROJECT_TEST)
        (project / "pytest.ini").write_text(PROJECT_INI)
        for extra in MODES.values():  # warm caches (bytecode, file system) before measuring
            run_once(project, extra)
        times: dict[str, list[float]] = {mode: [] for mode in MODES}
        for _ in range(args.rounds):
            for mode, extra in MODES.items():
                times[mode].append(run_once(project, extra))
    baseline = statistics.median(times["disabled (-p no:launchready)"])
    print(f"pytest start-up, median of {args.rounds} interleaved rounds")
    for mode, values in times.items():
        median = statistics.median(values)
        print(f"  {mode:<40} {median * 1000:8.1f} ms   {median / baseline:5.3f}x disabled")


if __name__ == "__main__":
    main()
