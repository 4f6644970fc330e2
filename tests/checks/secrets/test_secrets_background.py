"""The repository scans (tree, history, bundles) run in a child process while the other checks run: the
child's outcome is the in-process scan's, and whatever goes wrong with it, the test scans in its own
process and the verdict stays the same."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from pytest_launchready.checks.secrets import background
from pytest_launchready.checks.secrets.repository import REPOSITORY_SOURCES, scan_source
from support.gitrepo import commit, git, write
from support.paths import load_sample_generator

KEYS = load_sample_generator().Keys(seed=41)
ARGS = ("--launchready", "--launchready-checks=secrets", "-rA")
TREE, HISTORY, BUNDLES = (f"launchready::test_secrets[{case}]" for case in REPOSITORY_SOURCES)
Run = Callable[..., Any]


def leaky_repository(root: Path) -> None:
    """A key in the tree, another only in the history, a third in a bundle, and a clean file."""
    git(root, "init", "-q", "-b", "main")
    write(root, {".gitignore": "dist/\n"})
    commit(root, "settings", {"app/settings.py": f"GITHUB_TOKEN = '{KEYS.github()}'\n", "app/old.py": f"KEY = '{KEYS.stripe()}'\n"})
    commit(root, "drop old", {"app/old.py": None, "app/main.py": "print('hello')\n"})
    write(root, {"dist/app.js": f'const k="{KEYS.openai()}";'})


def child_writing(marker: Path, then: str = "") -> tuple[str, ...]:
    """A stand-in child that appends its pid to ``marker`` (so the test sees it started), then runs ``then``."""
    return (sys.executable, "-c", f"import os; open({str(marker)!r}, 'a').write(f'{{os.getpid()}}\\n'); {then}")


def test_the_child_outcome_is_the_in_process_outcome(tmp_path: Path) -> None:
    leaky_repository(tmp_path)
    allowlist, paths = ("app/main.py",), ("dist", "no-such-folder")
    scan = background.BackgroundScan.start(str(tmp_path), allowlist, paths, REPOSITORY_SOURCES)
    assert scan is not None
    for source in REPOSITORY_SOURCES:
        here = scan_source(source, str(tmp_path), allowlist, paths)
        assert here.findings, f"{source}: the repository must give findings, or the comparison shows nothing"
        assert scan.outcome(source) == here
    assert scan.failure == ""
    assert scan.outcome("bundles").warnings == ["launchready_secret_paths entries that match nothing: no-such-folder"]


def test_a_crashing_child_leaves_the_scan_to_the_test(pytester: pytest.Pytester, run_launchready: Run,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    leaky_repository(pytester.path)
    marker = pytester.path / "started"
    monkeypatch.setattr(background, "CHILD_COMMAND", child_writing(marker, "raise SystemExit(3)"))
    result, outcomes = run_launchready(*ARGS)
    assert marker.exists(), "the child must have been started, or this tests the plain in-process scan"
    assert outcomes.ids("failed") == [BUNDLES, HISTORY, TREE]
    result.stdout.fnmatch_lines(["*Found 1 secret in the tracked files*", "*app/settings.py:1: github-token*"])
    told = [line for line in result.stdout.lines if "LaunchreadyWarning: secrets: the background scan of the repository" in line]
    assert len(told) == 1 and "(it exited with 3)" in told[0], result.stdout.str()


def test_a_child_that_hangs_is_killed_and_the_test_scans(pytester: pytest.Pytester, run_launchready: Run,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    leaky_repository(pytester.path)
    marker = pytester.path / "started"
    monkeypatch.setattr(background, "CHILD_COMMAND", child_writing(marker, "import time; time.sleep(120)"))
    monkeypatch.setattr(background, "WAIT_SECONDS", 5)  # long enough for the stand-in to start on a busy machine
    _, outcomes = run_launchready(*ARGS)
    assert outcomes.ids("failed") == [BUNDLES, HISTORY, TREE]
    pid = int(marker.read_text().split()[0])
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


@pytest.mark.parametrize(("how", "failing"), [
    (("--collect-only",), []),
    (("-p", "xdist", "-n", "1"), [BUNDLES, HISTORY, TREE]),
    (("-k", "logs or responses"), []),  # no repository source among the tests: nothing to scan ahead
], ids=["collect-only", "xdist", "no-repository-source"])
def test_no_child_when_it_would_not_help(pytester: pytest.Pytester, run_launchready: Run, monkeypatch: pytest.MonkeyPatch,
                                         how: tuple[str, ...], failing: list[str]) -> None:
    leaky_repository(pytester.path)
    marker = pytester.path / "started"
    # In this process the calls are seen as they are made (a child killed at once may not write its marker);
    # xdist workers are processes of their own: the stand-in child reaches them through the project's conftest.
    starts: list[tuple[Any, ...]] = []
    start = background.BackgroundScan.start
    monkeypatch.setattr(background.BackgroundScan, "start", classmethod(lambda cls, *args: starts.append(args) or start(*args)))
    monkeypatch.setattr(background, "CHILD_COMMAND", background.CHILD_COMMAND)
    pytester.makeconftest(f"from pytest_launchready.checks.secrets import background\n"
                          f"background.CHILD_COMMAND = {child_writing(marker)!r}\n")
    _, plain = run_launchready(*ARGS)
    assert starts and marker.exists() and plain.ids("failed") == [BUNDLES, HISTORY, TREE]
    starts.clear()
    marker.unlink()
    result, outcomes = run_launchready(*ARGS, *how)
    assert not starts and not marker.exists()
    assert outcomes.ids("failed") == failing
    if how[0] == "--collect-only":
        result.stdout.fnmatch_lines(["*<Function test_secrets?tree?>*"])


def test_the_child_runs_no_code_of_the_repository(pytester: pytest.Pytester, run_launchready: Run) -> None:
    """``python -m`` puts its working folder first on sys.path: started in the repository, the child
    would import the repository's ``dataclasses.py`` instead of the standard library's."""
    leaky_repository(pytester.path)
    marker = pytester.path / "imported"
    write(pytester.path, {"dataclasses.py": f"open({str(marker)!r}, 'w').write('ran')\nraise SystemExit(9)\n"})
    result, outcomes = run_launchready(*ARGS)
    assert not marker.exists()
    assert outcomes.ids("failed") == [BUNDLES, HISTORY, TREE]
    assert "background scan of the repository gave nothing" not in result.stdout.str()
