"""The secrets check as users run it: ``pytest --launchready --launchready-checks=secrets`` in real repos."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from pytest_launchready.checks.secrets import fingerprint
from support.gitrepo import commit, git, write
from support.paths import APPS, SAMPLES, load_sample_generator

GENERATE = load_sample_generator()
KEYS = GENERATE.Keys(seed=23)

ARGS = ("--launchready", "--launchready-checks=secrets", "-rA", "--showlocals")  # locals must not leak either
TREE, HISTORY, BUNDLES, LOGS, RESPONSES = (f"launchready::test_secrets[{case}]" for case in
                                           ("tree", "history", "bundles", "logs", "responses"))
Run = Callable[..., Any]


def project(pytester: pytest.Pytester, ini: str = "") -> Path:
    """A git repository holding the pytest root, with clean code and look-alike placeholders committed."""
    pytester.makeini(f"[pytest]\n{ini}")
    root = pytester.path
    git(root, "init", "-q", "-b", "main")
    write(root, {".gitignore": "dist/\nlogs/\n"})
    commit(root, "start", {
        "app/main.py": (SAMPLES / "clean" / "code.py").read_text(),
        ".env.example": (SAMPLES / "clean" / "placeholders.env").read_text(),
        "README.md": (SAMPLES / "clean" / "README.md").read_text(),
    })
    return root


def outcomes_of(run_launchready: Run, *args: str) -> tuple[pytest.RunResult, dict[str, list[str]]]:
    result, outcomes = run_launchready(*ARGS, *args)
    return result, {kind: outcomes.ids(kind) for kind in ("passed", "failed", "skipped")}


def test_clean_repository_passes_every_source(pytester: pytest.Pytester, run_launchready: Run) -> None:
    root = project(pytester)
    write(root, {"dist/assets/index.js": GENERATE._minified(KEYS, 2000), "logs/app.log": "INFO started\nINFO ready\n"})
    result, seen = outcomes_of(run_launchready)
    assert seen == {"passed": [BUNDLES, HISTORY, LOGS, TREE], "failed": [], "skipped": [RESPONSES]}
    result.stdout.fnmatch_lines(["SKIPPED*no target: set launchready_app or launchready_base_url*"])
    result.stdout.fnmatch_lines(["secrets * PASS *"])


def test_key_deleted_from_the_tree_still_fails_history(pytester: pytest.Pytester, run_launchready: Run) -> None:
    root = project(pytester)
    token = KEYS.github()
    added = commit(root, "add settings", {"app/settings.py": f"import os\n\nGITHUB_TOKEN = '{token}'\n"})
    commit(root, "remove settings", {"app/settings.py": None})

    result, seen = outcomes_of(run_launchready)
    assert seen["failed"] == [HISTORY]
    assert TREE in seen["passed"] and BUNDLES in seen["skipped"] and RESPONSES in seen["skipped"]
    result.stdout.fnmatch_lines([
        "*Found 1 secret in the git history of*",
        f"*commit {added[:12]} app/settings.py:3: github-token (ghp_... (40 chars)), fingerprint "
        f"{fingerprint('github-token', token)}*",
        "*Fix: rotate each key first*git filter-repo*",
    ])
    assert token not in result.stdout.str() + result.stderr.str()
    assert token[4:] not in result.stdout.str()


def test_key_in_the_tree_fails_tree_and_history(pytester: pytest.Pytester, run_launchready: Run) -> None:
    root = project(pytester)
    key = KEYS.stripe()
    commit(root, "billing", {"app/billing.py": f"import stripe\nstripe.api_key = '{key}'\n"})
    result, seen = outcomes_of(run_launchready)
    assert seen["failed"] == [HISTORY, TREE]
    result.stdout.fnmatch_lines(["*app/billing.py:2: stripe-live-key (sk_l... (107 chars))*"])
    assert key not in result.stdout.str()


def test_bundle_with_a_key_fails_bundles(pytester: pytest.Pytester, run_launchready: Run) -> None:
    root = project(pytester)
    key = KEYS.openai()
    write(root, {"dist/assets/index.js": GENERATE._minified(KEYS, 500) + f'const k="{key}";' + GENERATE._minified(KEYS, 500)})
    result, seen = outcomes_of(run_launchready)
    assert seen["failed"] == [BUNDLES]
    assert {TREE, HISTORY} <= set(seen["passed"])
    result.stdout.fnmatch_lines(["*Found 1 secret in the built bundles*", "*dist/assets/index.js:1: openai-api-key*"])
    assert key not in result.stdout.str()


def test_configured_secret_paths_replace_the_defaults(pytester: pytest.Pytester, run_launchready: Run) -> None:
    root = project(pytester, ini="launchready_secret_paths =\n    web/out\n    missing-folder\n")
    key = KEYS.google()
    write(root, {"web/out/main.js": f'maps("{key}")', "dist/clean.js": "x"})
    result, seen = outcomes_of(run_launchready)
    assert seen["failed"] == [BUNDLES]
    result.stdout.fnmatch_lines(["*web/out/main.js:1: google-api-key*"])


def test_no_bundle_folder_is_not_run_with_its_reason(pytester: pytest.Pytester, run_launchready: Run) -> None:
    project(pytester)
    result, seen = outcomes_of(run_launchready)
    assert BUNDLES in seen["skipped"]
    result.stdout.fnmatch_lines(["SKIPPED*none of the default bundle folders (dist, build, .next, static, public) exists*"])


def test_allowlist_by_fingerprint_and_by_path_glob(pytester: pytest.Pytester, run_launchready: Run) -> None:
    accepted, fixture_key = KEYS.google(), KEYS.github()
    root = project(pytester, ini=(
        f"launchready_secret_allowlist =\n    {fingerprint('google-api-key', accepted)}  # public Maps key, referrer-locked\n"
        "    tests/fixtures/*\n"
    ))
    commit(root, "maps and fixtures", {"app/maps.js": f"const key = '{accepted}';\n",
                                       "tests/fixtures/tokens.json": f'{{"token": "{fixture_key}"}}\n'})
    _, seen = outcomes_of(run_launchready)
    assert seen["failed"] == [] and {TREE, HISTORY} <= set(seen["passed"])


def test_allowlist_does_not_hide_other_secrets(pytester: pytest.Pytester, run_launchready: Run) -> None:
    accepted, other = KEYS.google(), KEYS.google()
    root = project(pytester, ini=f"launchready_secret_allowlist = {fingerprint('google-api-key', accepted)}\n")
    commit(root, "maps", {"app/maps.js": f"const a = '{accepted}';\nconst b = '{other}';\n"})
    result, seen = outcomes_of(run_launchready)
    assert seen["failed"] == [HISTORY, TREE]
    result.stdout.fnmatch_lines(["*app/maps.js:2: google-api-key*"])
    assert "app/maps.js:1:" not in result.stdout.str()


def test_log_files_and_captured_log_records(pytester: pytest.Pytester, run_launchready: Run) -> None:
    root = project(pytester)
    in_file, in_record = KEYS.slack(), KEYS.password()
    write(root, {"logs/worker.log": f"INFO start\nERROR slack post failed token={in_file}\n"})
    pytester.makeconftest(f'''
import logging
import pytest

@pytest.fixture(autouse=True, scope="session")
def app_logs_during_the_run():
    logging.getLogger("myapp.db").warning("connecting to postgres://app:{in_record}@db.internal/app")
''')
    result, seen = outcomes_of(run_launchready)
    assert seen["failed"] == [LOGS]
    result.stdout.fnmatch_lines([
        "*Found 2 secrets in the log files (1 read) and the * log records captured during the run*",
        "*logs/worker.log:2: slack-token*",
        "*captured log record * (myapp.db):1: database-url*",
    ])
    output = result.stdout.str()
    assert in_file not in output and in_record not in output  # pytest's "Captured log" shows the mask
    result.stdout.fnmatch_lines(["*WARNING*myapp.db*connecting to postgres://app:[[]REDACTED[]]@db.internal/app*"])


def test_no_log_at_all_is_not_run(pytester: pytest.Pytester, run_launchready: Run) -> None:
    project(pytester)
    result, seen = outcomes_of(run_launchready)
    assert LOGS in seen["skipped"]
    result.stdout.fnmatch_lines(["SKIPPED*no log file*and no log record captured during the run*"])


def test_outside_git_tree_is_walked_and_history_not_run(pytester: pytest.Pytester, run_launchready: Run) -> None:
    pytester.makeini("[pytest]\n")
    key = KEYS.sendgrid()
    write(pytester.path, {"src/mail.py": f"SENDGRID = '{key}'\n", ".venv/lib/x.py": f"SENDGRID = '{key}'\n"})
    (pytester.path / ".venv" / "pyvenv.cfg").write_text("home = /usr\n")
    result, seen = outcomes_of(run_launchready)
    assert seen["failed"] == [TREE] and HISTORY in seen["skipped"]
    result.stdout.fnmatch_lines(["*every file under * (not a git repository)*", "*src/mail.py:1: sendgrid-api-key*"])
    assert ".venv" not in result.stdout.str().split("short test summary")[0].split("Found 1 secret")[1].split("Why")[0]


def test_collected_ids(pytester: pytest.Pytester) -> None:
    project(pytester)
    result = pytester.runpytest_inprocess("--launchready", "--launchready-checks=secrets", "-p", "no:cacheprovider",
                                          "--collect-only", "-q")
    result.stdout.fnmatch_lines([
        "launchready::test_secrets[[]tree[]]",
        "launchready::test_secrets[[]history[]]",
        "launchready::test_secrets[[]bundles[]]",
        "launchready::test_secrets[[]responses[]]",
        "launchready::test_secrets[[]logs[]]",  # last: the capture then covers the responses probes
    ])


LEAKY_APP = (APPS / "secrets_leaky.py").read_text()


@pytest.mark.parametrize(("mode", "failed"), [("config", True), ("error", True), ("clean", False)])
def test_responses_of_an_in_process_app(
    pytester: pytest.Pytester, run_launchready: Run, monkeypatch: pytest.MonkeyPatch, mode: str, failed: bool
) -> None:
    pytest.importorskip("fastapi")
    key = KEYS.stripe() if mode == "config" else KEYS.password()
    monkeypatch.setenv("SECRETS_TEST_KEY", key)
    monkeypatch.setenv("SECRETS_TEST_MODE", mode)
    pytester.makepyfile(**{f"leaky_{mode}": LEAKY_APP})
    project(pytester, ini=f"launchready_app = leaky_{mode}:app\n"
                          "launchready_public_routes =\n    GET /health\n    POST /auth/login\n")
    result, seen = outcomes_of(run_launchready)
    if failed:
        assert seen["failed"] == [RESPONSES]
        where = "GET /config.js -> 200:1: stripe-live-key" if mode == "config" else "POST /auth/login -> 422:1: database-url"
        result.stdout.fnmatch_lines(["*Found 1 secret in the responses to * anonymous requests*", f"*{where}*"])
    else:
        assert seen["failed"] == [] and RESPONSES in seen["passed"]
    assert key not in result.stdout.str()
