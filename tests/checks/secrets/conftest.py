"""The secrets tests commit to real git repositories: as a test identity, without the user's git config."""

from __future__ import annotations

import pytest

from support.gitrepo import isolate_git


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commits need an identity; the user's global git config (signing, hooks) must not apply."""
    isolate_git(monkeypatch)
