"""The CI recipes of docs/examples parse, and what they run is real: every pytest option they pass
exists, the SARIF they upload and the files they keep are the ones the run writes, the checklist
step can fail the job, and every launchready_ name docs/ci.md mentions is a setting or a fixture."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

DOCS = Path(__file__).parent.parent / "docs"
GITHUB, GITLAB = DOCS / "examples" / "github-actions.yml", DOCS / "examples" / "gitlab-ci.yml"


def commands(document: Any) -> Iterator[tuple[dict[str, Any], str]]:
    """(the step or job, one shell command) for every ``run:`` and ``script:`` line in ``document``."""
    if isinstance(document, dict):
        for key, value in document.items():
            if key == "run" and isinstance(value, str):
                yield from ((document, line) for line in value.splitlines() if line.strip())
            elif key == "script" and isinstance(value, list):
                yield from ((document, str(line)) for line in value)
            else:
                yield from commands(value)
    elif isinstance(document, list):
        for item in document:
            yield from commands(item)


def pytest_runs(path: Path) -> list[tuple[dict[str, Any], list[str]]]:
    """The pytest commands of a recipe, as (step or job, arguments after ``pytest``)."""
    runs = []
    for owner, line in commands(yaml.safe_load(path.read_text())):
        words = shlex.split(line)
        if "pytest" in words:
            runs.append((owner, words[words.index("pytest") + 1:]))
    return runs


@pytest.fixture(scope="module")
def help_text() -> str:
    """``pytest --help`` with the plugin and xdist loaded: every option a recipe may pass."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "pytest", "--help", "-p", "no:cacheprovider"], capture_output=True,
                          text=True, check=True, cwd=DOCS)
    return done.stdout


@pytest.mark.parametrize("recipe", [GITHUB, GITLAB], ids=["github-actions", "gitlab-ci"])
def test_every_option_a_recipe_passes_is_real(recipe: Path, help_text: str) -> None:
    runs = pytest_runs(recipe)
    assert len(runs) == 2  # pull requests, and staging
    for _, args in runs:
        assert args[0] == "--launchready"
        for arg in args:
            flag = arg.split("=", 1)[0]
            if flag.startswith("-"):
                assert re.search(rf"(^\s+|, ){re.escape(flag)}[ =,\n]", help_text, re.M), f"{recipe.name}: {flag} is not a pytest option"
        values = dict(arg.split("=", 1) for arg in args if "=" in arg)
        assert values["--launchready-sarif"].endswith(".sarif") and values["--launchready-report"].endswith(".json")
        assert values["--launchready-html"].endswith(".html")


def test_github_uploads_the_sarif_the_run_writes_and_fails_on_the_verdict() -> None:
    workflow = yaml.safe_load(GITHUB.read_text())
    assert workflow["permissions"]["security-events"] == "write"
    for name, job in workflow["jobs"].items():
        steps = job["steps"]
        [(checklist, args)] = [(step, args) for step, args in pytest_runs(GITHUB) if step in steps]
        written = {arg.split("=", 1)[1] for arg in args if arg.startswith(("--launchready-sarif=", "--launchready-report=", "--launchready-html="))}
        assert "continue-on-error" not in checklist and "if" not in checklist, f"{name}: the verdict must fail the job"
        later = steps[steps.index(checklist) + 1:]
        uploads = [s for s in later if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@")]
        assert [s["with"]["sarif_file"] for s in uploads] == [p for p in written if p.endswith(".sarif")]
        assert all(s["if"].startswith("always()") for s in uploads)
        [artifact] = [s for s in later if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
        assert artifact["if"].startswith("always()")
        assert all(path.startswith(artifact["with"]["path"]) for path in written)


def test_gitlab_keeps_what_the_run_writes_also_when_it_fails() -> None:
    pipeline = yaml.safe_load(GITLAB.read_text())
    for job, args in pytest_runs(GITLAB):
        written = [arg.split("=", 1)[1] for arg in args if arg.startswith(("--launchready-sarif=", "--launchready-report=", "--launchready-html="))]
        assert job["artifacts"]["when"] == "always" and "allow_failure" not in job
        assert all(any(path.startswith(kept) for kept in job["artifacts"]["paths"]) for path in written)
    assert pipeline["launchready"]["artifacts"]["reports"]["junit"] == "launchready/junit.xml"


def test_the_ci_page_names_only_real_settings_and_fixtures() -> None:
    from pytest_launchready.config.table import INI_SETTINGS

    configuration = (DOCS / "configuration.md").read_text()
    fixtures = set(re.findall(r"^\| `(launchready_\w+)` \|", configuration, re.M))
    known = {s.name for s in INI_SETTINGS} | fixtures
    named = set(re.findall(r"\blaunchready_\w+", (DOCS / "ci.md").read_text()))
    assert {"launchready_allow_hosts", "launchready_cleanup"} <= named
    assert named <= known, f"docs/ci.md names what does not exist: {sorted(named - known)}"
    for option in set(re.findall(r"--launchready[\w-]*", (DOCS / "ci.md").read_text())):
        assert f"`{option}" in configuration, f"docs/ci.md names an option configuration.md does not list: {option}"
