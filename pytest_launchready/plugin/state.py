"""Per-process session state, kept in the config stash (never in module globals)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

from pytest_launchready.redact import Redactor
from pytest_launchready.config.settings import Settings, read_settings

if TYPE_CHECKING:
    from pytest_launchready.routes.discovery import Discovery


@dataclass
class SessionState:
    """What hooks and fixtures share within one pytest process (controller or xdist worker)."""

    settings: Settings
    redactor: Redactor = field(default_factory=Redactor)
    run_id: str = field(default_factory=lambda: secrets.token_hex(3))
    worker: str = field(default_factory=lambda: os.environ.get("PYTEST_XDIST_WORKER", "main"))
    app: Any = None
    app_loaded: bool = False
    discovery: Discovery | None = None
    routes: tuple[Any, ...] | None = None
    #: Whether the user defined ``launchready_login`` (known after collection).
    login_defined: bool = False
    #: The ``launchready_target`` of this process once made: generated tests ask whether it went down.
    target: Any = None
    #: The selected checks and their cases, once planned (see ``planning.plan_cases``).
    plan: tuple[list[Any], dict[str, list[Any]]] | None = None
    #: What a check's cases share in this process (``RunContext.shared``), by (check, key).
    shared: dict[tuple[str, str], Any] = field(default_factory=dict)


STATE_KEY = pytest.StashKey[SessionState]()


def get_state(config: pytest.Config) -> SessionState:
    """The session state, created (settings read and validated) on first use."""
    state = config.stash.get(STATE_KEY, None)
    if state is None:
        state = SessionState(settings=read_settings(config))
        state.redactor.add(state.settings.jwt_key)  # a configured key is masked before any test can print it
        config.stash[STATE_KEY] = state
    return state


def load_target_app(config: pytest.Config) -> Any:
    """The in-process app object (imported once per process), or None for a live target."""
    state = get_state(config)
    if not state.app_loaded:
        from pytest_launchready.target import load_app

        settings = state.settings
        state.app = load_app(settings.app, settings.rootpath) if settings.app and not settings.base_url else None
        state.app_loaded = True
    return state.app
