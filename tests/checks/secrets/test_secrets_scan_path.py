"""``pytest_launchready.secrets.scan_path``: the public entry point for tools and QA."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import pytest_launchready
from pytest_launchready import secrets
from pytest_launchready.checks.secrets import fingerprint
from support.gitrepo import commit, git, write
from support.secrets_corpus import Keys, _families

MAKE = _families(Keys(seed=53))
GITHUB = MAKE["github"]()
STRIPE = MAKE["stripe"]()
PW = MAKE["password"]()


def test_the_facade_exports_scan_path_and_secret_finding() -> None:
    assert {"scan_path", "SecretFinding"} <= set(secrets.__all__)
    assert "SecretFinding" in pytest_launchready.__all__
    assert pytest_launchready.SecretFinding is secrets.SecretFinding


def test_a_folder_sorted_by_path_and_line_with_redacted_previews(tmp_path: Path) -> None:
    write(tmp_path, {
        "b/settings.py": f"DEBUG = False\nSTRIPE = '{STRIPE}'\n",
        "a.env": f"X=1\nGITHUB_TOKEN={GITHUB}\nDB_URL=postgres://app:{PW}@db/app\n",
        "c.env": f"STRIPE={STRIPE}\n",  # a file of the folder itself, after b/: the walk meets it first
        "placeholders.env": "API_KEY=<your-api-key>\nGITHUB_TOKEN=${GITHUB_TOKEN}\nDB_PASSWORD=changeme\n",
        "node_modules/lib/index.js": f"k='{STRIPE}'",
        "image.png": "\0PNG" + GITHUB,
    })
    found = secrets.scan_path(tmp_path)
    assert [(f.path, f.line, f.rule) for f in found] == [
        ("a.env", 2, "github-token"), ("a.env", 3, "database-url"), ("b/settings.py", 2, "stripe-live-key"),
        ("c.env", 1, "stripe-live-key"),
    ]
    first = found[0]
    assert first.fingerprint == fingerprint("github-token", GITHUB)
    assert first.preview == f"{GITHUB[:4]}... ({len(GITHUB)} chars)"
    assert all(len(f.preview.split("...")[0]) <= 4 for f in found)


def test_a_finding_carries_no_raw_secret(tmp_path: Path) -> None:
    write(tmp_path, {"app.env": f"GITHUB_TOKEN={GITHUB}\n"})
    (finding,) = secrets.scan_path(tmp_path / "app.env")
    assert [f.name for f in dataclasses.fields(finding)] == ["path", "line", "rule", "fingerprint", "preview"]
    assert GITHUB not in repr(finding) and GITHUB not in str(vars(finding))
    assert finding.path == str(tmp_path / "app.env")
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.line = 2  # type: ignore[misc]


def test_working_files_only_not_the_git_history(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    commit(tmp_path, "add", {"settings.py": f"TOKEN = '{GITHUB}'\n"})
    commit(tmp_path, "remove", {"settings.py": "TOKEN = None\n"})
    write(tmp_path, {"untracked.env": f"STRIPE={STRIPE}\n"})
    assert [(f.path, f.rule) for f in secrets.scan_path(tmp_path)] == [("untracked.env", "stripe-live-key")]


def test_no_allowlist_applies(tmp_path: Path) -> None:
    allowed = fingerprint("github-token", GITHUB)
    write(tmp_path, {"pytest.ini": f"[pytest]\nlaunchready_secret_allowlist =\n    {allowed}\n    *.env\n",
                     "app.env": f"GITHUB_TOKEN={GITHUB}\n"})
    assert [f.fingerprint for f in secrets.scan_path(tmp_path)] == [allowed]


def test_a_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no file or folder"):
        secrets.scan_path(tmp_path / "nope")
