"""Helpers several test modules share: a sign-up/login conftest, git repos for the secrets tests, and
the generator of the labelled secret samples."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import subprocess
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator

import pytest

#: launchready_login for the apps whose sign-up takes {email, password, org} and whose login answers a token.
SIGNUP_LOGIN_CONFTEST = '''
import pytest
from pytest_launchready import Credentials

@pytest.fixture(scope="session")
def launchready_login(launchready_client):
    def login(tenant, role):
        email = f"{role}-{tenant}@example.com"
        launchready_client.post("/auth/signup", json={"email": email, "password": "pw-long-enough", "org": tenant})
        response = launchready_client.post("/auth/login", json={"email": email, "password": "pw-long-enough"})
        response.raise_for_status()  # a burst from the address logins use would make this a 429
        return Credentials(headers={"Authorization": f"Bearer {response.json()['access_token']}"})
    return login
'''


def isolate_git(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commits need an identity; the user's global git config (signing, hooks) must not apply."""
    for var in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{var}_NAME", "Launchready Test")
        monkeypatch.setenv(f"GIT_{var}_EMAIL", "test@example.invalid")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo``; its standard output, stripped."""
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


def load_sample_generator() -> ModuleType:
    """tests/secret_samples/generate.py, loaded by path (it is a script, not a package module)."""
    spec = importlib.util.spec_from_file_location("secret_samples_generate", Path(__file__).parent / "secret_samples" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def serve_on_loopback(app: Any, **config: Any) -> Iterator[int]:
    """Serve ``app`` with a real uvicorn on 127.0.0.1 (an ephemeral port) for the block; yields the port."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", **config))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(5)
