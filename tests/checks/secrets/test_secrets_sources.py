"""What the secrets check reads: real git repositories, folders, log records and an in-process app."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

import pytest

from pytest_launchready.routes import Route
from pytest_launchready.checks.secrets import Allowlist, fingerprint
from pytest_launchready.checks.secrets import scanner as scanner_module
from pytest_launchready.checks.secrets.capture import LogCapture
from pytest_launchready.checks.secrets.files import existing_secret_paths, git_toplevel, secret_paths
from pytest_launchready.checks.secrets.history import scan_history
from pytest_launchready.checks.secrets.sources import scan_bundles, scan_files, scan_records, scan_tree
from support.gitrepo import commit, git
from support.paths import APPS, load_sample_generator

GENERATE = load_sample_generator()
KEYS = GENERATE.Keys(seed=11)
NOTHING = Allowlist()


def make_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    return path


def test_history_names_the_commit_that_added_a_removed_key(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    token = KEYS.github()
    commit(repo, "readme", {"README.md": "# app\n"})
    added = commit(repo, "settings", {"config/settings.py": f"import os\n\nGITHUB_TOKEN = '{token}'\n"})
    commit(repo, "read it from the environment", {"config/settings.py": "import os\n\nGITHUB_TOKEN = os.environ['GITHUB_TOKEN']\n"})

    scan = scan_history(repo)
    assert [(f.rule, f.path, f.line, f.commit, f.secret) for f in scan.findings] == [
        ("github-token", "config/settings.py", 3, added, token)
    ]
    assert scan.commits == 3
    assert scan_tree(str(repo), NOTHING).findings == []


def test_history_covers_every_ref_and_reads_each_blob_once(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    commit(repo, "one", {"a.txt": "same\n", "b.txt": "same\n"})
    commit(repo, "two", {"c.txt": "same\n", "d.txt": "other\n"})
    git(repo, "checkout", "-q", "-b", "experiment")
    key = KEYS.stripe()
    side = commit(repo, "try stripe", {"pay.py": f"KEY = '{key}'\n"})
    git(repo, "checkout", "-q", "main")

    scan = scan_history(repo)
    assert scan.blobs_scanned == 3  # "same\n", "other\n", pay.py: identical contents are one blob
    assert [(f.rule, f.path, f.commit) for f in scan.findings] == [("stripe-live-key", "pay.py", side)]
    assert scan_tree(str(repo), NOTHING).findings == []  # not on the checked-out branch


def test_history_of_a_repository_without_commits(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    scan = scan_history(repo)
    assert (scan.commits, scan.blobs_scanned, scan.findings) == (0, 0, [])


def test_history_skips_allowlisted_paths_and_large_blobs(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    commit(repo, "fixtures", {"tests/fixtures/keys.txt": f"{KEYS.github()}\n", "big.txt": "x" * 2000 + f" {KEYS.github()}\n"})
    scan = scan_history(repo, skip_path=Allowlist.parse(["tests/fixtures/*"]).skips_path, max_bytes=1000)
    assert (scan.findings, scan.blobs_scanned, scan.blobs_too_large) == ([], 0, 1)


def test_tree_reads_tracked_files_of_the_whole_repository(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    tracked, untracked = KEYS.github(), KEYS.github()
    commit(repo, "init", {"frontend/src/api.js": f"const t = '{tracked}';\n", "backend/pyproject.toml": "[project]\n"})
    (repo / "backend" / "scratch.py").write_text(f"T = '{untracked}'\n")

    scan = scan_tree(str(repo / "backend"), NOTHING)  # pytest's root is a subfolder of the repository
    assert [(f.path, f.secret) for f in scan.findings] == [("frontend/src/api.js", tracked)]
    assert scan.scanned == 2 and "git ls-files" in scan.how


def test_tree_outside_git_walks_the_folder_but_not_virtualenvs_or_dependencies(tmp_path: Path) -> None:
    root = tmp_path / "project"
    key = KEYS.stripe()
    for folder in ("node_modules/pkg", ".venv/lib", "env2/lib", "__pycache__", ".git", "src"):
        (root / folder).mkdir(parents=True)
        (root / folder / "leak.py").write_text(f"K = '{key}'\n")
    (root / "env2" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    assert git_toplevel(root) is None
    scan = scan_tree(str(root), NOTHING)
    assert [f.path for f in scan.findings] == ["src/leak.py"]
    assert "not a git repository" in scan.how


def test_large_files_are_passed_over_in_the_tree_and_read_in_chunks_in_bundles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = KEYS.github()
    big = tmp_path / "dist" / "app.js"
    big.parent.mkdir()
    lines = ["var x = 1;"] * 300_000
    lines[250_000] = f'fetch("/api", {{token: "{key}"}});'
    big.write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(scanner_module, "CHUNK_BYTES", 100_000)  # many chunks, the key near a boundary or not

    tree = scan_files({str(big): "dist/app.js"}, NOTHING, max_bytes=1_000_000)
    assert (tree.findings, tree.passed_over) == ([], ["dist/app.js"])
    bundles = scan_bundles(secret_paths(tmp_path), NOTHING)
    assert [(f.path, f.line, f.rule) for f in bundles.findings] == [("dist/app.js", 250_001, "github-token")]


def test_chunk_boundary_inside_a_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = KEYS.github()
    path = tmp_path / "bundle.js"
    prefix = "a" * 99_990 + "\n"
    path.write_text(prefix + f"t='{key}'\n" + "b\n" * 60_000)
    monkeypatch.setattr(scanner_module, "CHUNK_BYTES", 100_000)
    findings = scanner_module.scan_file(str(path), "bundle.js", max_bytes=None)
    assert findings is not None and [(f.line, f.secret) for f in findings] == [(2, key)]


def test_binary_files_are_passed_over(tmp_path: Path) -> None:
    path = tmp_path / "logo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\0\0" + KEYS.github().encode())
    scan = scan_files({str(path): "logo.png"}, NOTHING)
    assert (scan.scanned, scan.passed_over, scan.findings) == (0, ["logo.png"], [])


def test_secret_paths_defaults_only_those_that_exist(tmp_path: Path) -> None:
    (tmp_path / "dist" / "assets").mkdir(parents=True)
    (tmp_path / "dist" / "assets" / "index.js").write_text("x")
    (tmp_path / "dist" / "server.log").write_text("y")
    (tmp_path / ".next" / "cache").mkdir(parents=True)
    (tmp_path / ".next" / "cache" / "big.pack").write_text("z")
    (tmp_path / ".next" / "static.js").write_text("z")
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "app.log.1").write_text("w")

    assert existing_secret_paths(tmp_path) == (("dist", "build", ".next", "static", "public"), ("dist", ".next"))
    paths = secret_paths(tmp_path)
    assert sorted(paths.bundles.values()) == [".next/static.js", "dist/assets/index.js"]  # .next/cache skipped
    assert sorted(paths.logs.values()) == ["dist/server.log", "logs/app.log.1"]
    assert paths.missing == ()


def test_secret_paths_configured_files_folders_and_globs(tmp_path: Path) -> None:
    (tmp_path / "web" / "out").mkdir(parents=True)
    (tmp_path / "web" / "out" / "main.js").write_text("x")
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "api.log").write_text("y")
    (tmp_path / "dist").mkdir()  # a default, but the setting replaces the defaults
    (tmp_path / "dist" / "ignored.js").write_text("z")

    configured = ["web/out", "var/*.log", "nowhere"]
    assert existing_secret_paths(tmp_path, configured) == (tuple(configured), ("web/out", "var/*.log"))
    paths = secret_paths(tmp_path, configured)
    assert list(paths.bundles.values()) == ["web/out/main.js"]
    assert list(paths.logs.values()) == ["var/api.log"]
    assert paths.missing == ("nowhere",)


def test_allowlist_fingerprints_globs_and_comments() -> None:
    key = KEYS.github()
    allow = Allowlist.parse([f"{fingerprint('github-token', key).upper()}  # CI fixture", "tests/*", "*.min.js", "", "  "])
    assert allow.globs == ("tests/*", "*.min.js")
    from pytest_launchready.checks.secrets import Finding

    assert allow.allows(Finding("github-token", "src/app.py", 1, key))
    assert not allow.allows(Finding("generic-secret", "src/app.py", 1, key))  # the fingerprint names the rule too
    assert allow.allows(Finding("github-token", "tests/unit/data.py", 1, KEYS.github()))
    assert allow.allows(Finding("github-token", "web/dist/app.min.js", 1, KEYS.github()))
    assert not allow.allows(Finding("github-token", "src/app.py", 1, KEYS.github()))


class Collect(logging.Handler):
    """A handler after the capture, as pytest's own log handlers are: keeps the formatted lines."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_captured_log_records_are_scanned_located_and_masked_for_later_handlers() -> None:
    handler, later = LogCapture(), Collect()
    logger = logging.getLogger("secrets_test.db")
    logger.addHandler(handler)
    logger.addHandler(later)
    logger.propagate = False
    password, token = KEYS.password(), KEYS.github()
    try:
        logger.warning("pool ready")
        try:
            raise RuntimeError(f"auth failed for {token}")
        except RuntimeError:
            logger.exception("connect failed")
        logger.warning("retrying with %s", f"postgres://app:{password}@db.internal/app")
    finally:
        logger.removeHandler(handler)
        logger.removeHandler(later)
        logger.propagate = True
    assert len(handler.records) == 3 and "Traceback" in handler.records[1]
    assert later.lines[0] == "pool ready"
    assert later.lines[2] == "retrying with postgres://app:[REDACTED]@db.internal/app"
    assert "auth failed for [REDACTED]" in later.lines[1] and token not in later.lines[1]
    findings = scan_records(handler.records, NOTHING)
    assert [(f.rule, f.path, f.secret) for f in findings] == [
        ("github-token", "captured log record 2 (secrets_test.db)", token),
        ("database-url", "captured log record 3 (secrets_test.db)", password),
    ]
    assert findings[1].line == 1 and findings[0].line > 1  # the token is in the traceback's last line
    assert scan_records(handler.records, Allowlist.parse(["captured log record *"])) == []


def test_capture_is_bounded() -> None:
    handler = LogCapture(max_chars=100)
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "m" * 60, None, None)
    for _ in range(3):
        handler.emit(record)
    assert (len(handler.records), handler.dropped) == (1, 2)


LEAKY_APP = (APPS / "secrets_leaky.py").read_text()


def _load_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str, key: str):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SECRETS_TEST_KEY", key)
    monkeypatch.setenv("SECRETS_TEST_MODE", mode)
    path = tmp_path / f"leaky_{mode}.py"
    path.write_text(LEAKY_APP)
    spec = importlib.util.spec_from_file_location(f"leaky_{mode}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.app


ROUTES = (Route("GET", "/health", public=True), Route("POST", "/auth/login", public=True))


@pytest.mark.parametrize(
    ("mode", "where", "rule"),
    [
        ("config", "GET /config.js -> 200", "stripe-live-key"),
        ("script", "GET /assets/app.js -> 200", "stripe-live-key"),
        ("error", "POST /auth/login -> 422", "database-url"),
    ],
)
def test_responses_find_leaks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str, where: str, rule: str) -> None:
    pytest.importorskip("fastapi")
    from pytest_launchready.checks.secrets.responses import scan_responses
    from pytest_launchready.target import Target

    key = KEYS.stripe() if rule == "stripe-live-key" else KEYS.password()
    target = Target.for_app(_load_app(tmp_path, monkeypatch, mode, key), timeout=10)
    try:
        result = scan_responses(target.client(), ROUTES, NOTHING, "/no-such-path-x")
    finally:
        target.close()
    assert [(f.path, f.rule, f.secret) for f in result.findings] == [(where, rule, key)]


def test_responses_of_a_clean_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("fastapi")
    from pytest_launchready.checks.secrets.responses import scan_responses
    from pytest_launchready.target import Target

    target = Target.for_app(_load_app(tmp_path, monkeypatch, "clean", KEYS.stripe()), timeout=10)
    try:
        result = scan_responses(target.client(), ROUTES, NOTHING, "/no-such-path-x")
    finally:
        target.close()
    assert result.findings == []
    assert set(result.answered) >= {
        "GET /health -> 200",
        "GET / -> 200",
        "GET /assets/app.js -> 200",  # found in the page's <script src>
        "GET /config.js -> 200",
        "GET /no-such-path-x -> 404",
        "DELETE /health -> 405",
        "POST /auth/login -> 422",
    }
