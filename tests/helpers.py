"""Helpers several test modules share: a sign-up/login conftest, git repos for the secrets tests, and
the generator of the labelled secret samples."""

from __future__ import annotations

import importlib.util
import os
import subprocess
from pathlib import Path
from types import ModuleType

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
