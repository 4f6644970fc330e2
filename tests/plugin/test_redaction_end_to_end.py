"""Redaction, end to end: the checks that handle secrets (:data:`CHECKS`), run on the defective demo with
every output on (``-rA --showlocals``, JUnit XML, the JSON report, SARIF, the HTML scorecard, captured
and file logs at DEBUG, ``-n 2``), print none of the secrets in play anywhere.

The secrets in play: every token, invite and cookie value the demo issued and every password and
hash it was given or answered with (a spy middleware around the demo app writes them to a file
outside the project), the JWT signing key, the webhook secret, and keys planted in the project's
files, git history, built bundle and log file for the secrets check to find.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from support.gitrepo import commit, git, isolate_git
from support.paths import SAMPLES, load_sample_generator
from support.projects import demo_project

#: Wraps the demo app: every secret that crosses it goes to $LAUNCHREADY_SPY_FILE, one per line.
SPY = r'''

import json as _json
import os as _os

_SECRET_FIELD = ("token", "password", "secret", "api_key")


def _keep(value):
    if isinstance(value, str) and len(value) >= 8:
        with open(_os.environ["LAUNCHREADY_SPY_FILE"], "a", encoding="utf-8") as spy:
            spy.write(value + "\n")


def _walk(data, fields):
    if isinstance(data, dict):
        for name, value in data.items():
            if any(field in str(name).lower() for field in fields):
                _keep(value)
            _walk(value, fields)
    elif isinstance(data, list):
        for value in data:
            _walk(value, fields)


def _harvest(raw, fields=_SECRET_FIELD):
    try:
        _walk(_json.loads(raw), fields)
    except ValueError:
        pass


class _Spy:
    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.inner(scope, receive, send)
        sent, answered, status = [], [], [0]

        async def spied_receive():
            message = await receive()
            sent.append(message.get("body", b""))
            return message

        async def spied_send(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                for name, value in message.get("headers", []):
                    if name.lower() == b"set-cookie":
                        _keep(value.decode("latin-1").split(";", 1)[0].split("=", 1)[-1])
            elif message["type"] == "http.response.body":
                answered.append(message.get("body", b""))
            await send(message)

        await self.inner(scope, spied_receive, spied_send)
        if 200 <= status[0] < 300:
            _harvest(b"".join(answered))
            if scope["path"] in ("/auth/signup", "/auth/accept-invite"):  # the built-in login's passwords
                _harvest(b"".join(sent), ("password",))


app = _Spy(app)
'''

#: The checks that handle secrets: tokens and cookies (auth, tokens), invites (sessions), passwords
#: (the built-in login, rate_limits' wrong-password bursts), password hashes in answers (validation, on
#: the document routes, where the demo discloses them: its other routes are most of the run's time),
#: the webhook secret (webhooks) and keys in files (secrets). The others add run time, not secrets.
CHECKS = "auth,tokens,sessions,validation,rate_limits,webhooks,secrets"
ARGS = ("--launchready", f"--launchready-checks={CHECKS}", "-k", "not test_validation or documents",
        "-p", "no:cacheprovider", "-n", "2", "-rA", "--showlocals",
        "--junitxml=out/junit.xml", "--launchready-report=out/report.json", "--launchready-sarif=out/report.sarif",
        "--launchready-html=out/report.html",
        "-o", "log_level=DEBUG", "--log-file=out/run.log", "--log-file-level=DEBUG")


def plant_keys(root: Path) -> list[str]:
    """Keys in a tracked file, a deleted file of the history, a built bundle and a log file."""
    keys = load_sample_generator().Keys(seed=77)
    tree, gone, bundle, logged, aws_id, aws_secret = (keys.stripe(), keys.github(), keys.openai(), keys.slack(),
                                                      keys.aws_id(), keys.aws_secret())
    git(root, "init", "-q", "-b", "main")
    (root / ".gitignore").write_text("out/\ndist/\nlogs/\n__pycache__/\n")
    commit(root, "start", {"README.md": (SAMPLES / "clean" / "README.md").read_text(),
                           "settings_old.py": f"GITHUB_TOKEN = '{gone}'\n"})
    commit(root, "config", {"settings_old.py": None,
                            "billing.py": f"import stripe\n\nstripe.api_key = '{tree}'\n",
                            "aws.py": f"aws_access_key_id = '{aws_id}'\naws_secret_access_key = '{aws_secret}'\n"})
    (root / "dist").mkdir()
    (root / "dist" / "app.js").write_text(f'window.cfg={{"k":"{bundle}"}};\n')
    (root / "logs").mkdir()
    (root / "logs" / "app.log").write_text(f"INFO boot\nDEBUG slack token {logged}\n")
    return [tree, gone, bundle, logged, aws_id, aws_secret]


def test_no_secret_in_play_reaches_any_output(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                              tmp_path_factory: pytest.TempPathFactory) -> None:
    isolate_git(monkeypatch)
    spy = tmp_path_factory.mktemp("spy") / "secrets.txt"
    monkeypatch.setenv("LAUNCHREADY_SPY_FILE", str(spy))
    jwt_key, webhook_secret = "demo-jwt-" + os.urandom(16).hex(), "whsec_" + os.urandom(24).hex()
    monkeypatch.setenv("DEMO_JWT_SECRET", jwt_key)
    monkeypatch.setenv("DEMO_WEBHOOK_SECRET", webhook_secret)
    demo_project(pytester, SPY)
    planted = plant_keys(pytester.path)
    result = pytester.runpytest_subprocess(*ARGS, timeout=300)

    assert result.ret == 1  # the demo's defects fail: the run really ran, with findings to render
    outputs = {"stdout": result.stdout.str(), "stderr": result.stderr.str()}
    outputs.update({str(p.relative_to(pytester.path)): p.read_text(errors="replace")
                    for p in sorted((pytester.path / "out").iterdir())})
    assert {"out/junit.xml", "out/report.json", "out/report.sarif", "out/report.html", "out/run.log"} <= set(outputs)
    assert "test_secrets[tree] FAILED" in outputs["stdout"] or "FAILED launchready::test_secrets[tree]" in outputs["stdout"]
    issued = sorted(set(spy.read_text().split()))
    assert any(value.count(".") == 2 for value in issued), "the spy saw no access token: it is not watching the demo"
    assert any(re.fullmatch(r"Lr-.+-9x", value) for value in issued), "the spy saw no password the built-in login made"
    secrets = [("DEMO_JWT_SECRET", jwt_key), ("DEMO_WEBHOOK_SECRET", webhook_secret),
               *((f"planted key {n}", key) for n, key in enumerate(planted)),
               *((f"a value the demo issued or was given ({value[:4]}..., {len(value)} chars)", value) for value in issued)]
    # The whole value, or its last 16 characters (a JWT's signature, the unshown end of a masked key).
    leaks = [f"{name} in {where}" for name, value in secrets for where, text in outputs.items()
             if value in text or len(value) >= 20 and value[-16:] in text]
    assert not leaks, "\n".join(leaks)
