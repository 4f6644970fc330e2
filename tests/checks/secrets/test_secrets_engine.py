"""The two engines together: Kingfisher scans offline, our rules keep their findings and fingerprints,
one stand-in filter covers both, and without Kingfisher the check runs our rules and says so once."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pytest_launchready.checks.secrets import engines, fingerprint, scanner
from pytest_launchready.checks.secrets.scanner import find_secrets
from support.gitrepo import write
from support.secrets_corpus import Keys, build

KEYS = Keys(seed=31)
GITLAB = "glpat-" + KEYS.chars("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 20)
GITHUB = "ghp_" + KEYS.chars("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 36)


def found(text: str, providers: bool = True) -> list[tuple[str, str]]:
    return [(rule, secret.decode()) for _, rule, secret in find_secrets(text.encode(), "x.env", providers=providers)]


def test_kingfisher_is_the_provider_engine_here() -> None:
    engine = engines.provider_engine()
    assert engine is not None and engine.name.startswith("Kingfisher ")
    assert engines.engine_names() == ["pytest-launchready rules", engine.name]


def test_a_family_only_kingfisher_knows_is_found_under_its_rule_id() -> None:
    assert found(f"mirror: {GITLAB}\n") == [("betterleaks.gitlab-pat", GITLAB)]
    assert found(f"mirror: {GITLAB}\n", providers=False) == []


def test_our_rule_keeps_a_secret_both_find_so_allowlisted_fingerprints_still_match() -> None:
    line = f"GITHUB_TOKEN={GITHUB}\n"
    assert found(line) == found(line, providers=False) == [("github-token", GITHUB)]
    finding = scanner.scan_bytes(line.encode(), "settings.env")[0]
    assert finding.fingerprint == fingerprint("github-token", GITHUB)


def test_one_stand_in_filter_covers_kingfishers_findings_too() -> None:
    assert found("mirror: glpat-xxxxxxxxxxxxxxxxxxxx\n") == []
    assert found("DATABASE_URL=postgres://app:postgres@localhost/app\n") == []
    assert found("DATABASE_URL=mysql://shop:shop@localhost/shop\n") == []
    assert found("jwt: eyJhbGciOiJub25lIn0.eyJzdWIiOiJvcHMifQ.\n") == []


def test_one_finding_per_secret_across_engines(tmp_path: Path) -> None:
    labels = build(tmp_path, ("dev",))
    for path in sorted({label.path for label in labels}):
        hits = find_secrets((tmp_path / path).read_bytes(), path)
        spans = [(offset, offset + len(secret)) for offset, _, secret in hits]
        overlapping = [(a, b) for a, b in zip(spans, spans[1:]) if b[0] < a[1]]
        assert overlapping == [], path


def _trace_network(tmp_path: Path, code: str) -> list[str]:
    """The AF_INET/AF_INET6 socket and connect calls of ``python -c code``, by strace."""
    log = tmp_path / "trace.log"
    subprocess.run(
        ["strace", "-f", "-qq", "-e", "trace=socket,connect", "-o", str(log), sys.executable, "-c", code],
        check=True, timeout=300, capture_output=True,
    )
    return [line for line in log.read_text().splitlines() if "AF_INET" in line]


@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace to watch the scan's system calls")
def test_a_kingfisher_scan_opens_no_socket(tmp_path: Path) -> None:
    build(tmp_path / "corpus", ("dev", "seen", "heldback"))
    scan = textwrap.dedent(f"""
        from pytest_launchready.checks.secrets.engines import provider_engine
        from pytest_launchready.secrets import scan_path
        assert provider_engine() is not None
        assert len(scan_path({str(tmp_path / "corpus")!r})) > 200
    """)
    assert _trace_network(tmp_path, scan) == []
    # the same trace does see a process that connects (to a listener of ours on loopback)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        calls = _trace_network(tmp_path, f"import socket; socket.create_connection(('127.0.0.1', {port})).close()")
    assert any("connect(" in call for call in calls)


def test_our_code_never_touches_kingfishers_validation_or_revocation() -> None:
    package = Path(engines.__file__).parent
    source = "\n".join(p.read_text() for p in package.glob("*.py") if p.name != "engines.py")
    engine_code = Path(engines.__file__).read_text().split('"""', 2)[2]  # past the docstring, which names them
    for name in ("Validator", "Revoker", ".validate(", ".revoke(", "validation", "revocation"):
        assert name not in source and name not in engine_code


@pytest.fixture
def without_kingfisher(monkeypatch: pytest.MonkeyPatch):
    """As if kingfisher-secret-scanner were not installed."""
    monkeypatch.setitem(sys.modules, "kingfisher_sdk", None)  # import raises ImportError
    engines.forget()
    yield
    engines.forget()


@pytest.mark.usefixtures("without_kingfisher")
def test_without_kingfisher_our_rules_run_and_the_run_says_so_once(pytester: pytest.Pytester, run_launchready) -> None:
    assert engines.provider_engine() is None and not engines.installed()
    assert found(f"GITHUB_TOKEN={GITHUB}\nmirror: {GITLAB}\n") == [("github-token", GITHUB)]
    pytester.makeini("[pytest]\n")
    write(pytester.path, {"app/settings.py": f"GITHUB_TOKEN = '{GITHUB}'\n"})
    result, outcomes = run_launchready("--launchready", "--launchready-checks=secrets", "-rA")
    assert "launchready::test_secrets[tree]" in outcomes.ids("failed")
    output = result.stdout.str()
    assert output.count("kingfisher-secret-scanner is not installed") == 1
    assert "install pytest-launchready[secrets]" in output
    assert GITHUB not in output


def test_with_kingfisher_the_run_says_nothing_about_it(pytester: pytest.Pytester, run_launchready) -> None:
    pytester.makeini("[pytest]\n")
    write(pytester.path, {"app/settings.py": "DEBUG = True\n"})
    result, _ = run_launchready("--launchready", "--launchready-checks=secrets", "-rA")
    assert "is not installed" not in result.stdout.str()


def test_one_finding_per_path_line_and_secret() -> None:
    line = f"A={GITHUB} B={GITHUB}\nC={GITHUB}\n"
    assert [(f.line, f.rule) for f in scanner.scan_bytes(line.encode(), "x.env")] == [(1, "github-token"), (2, "github-token")]
