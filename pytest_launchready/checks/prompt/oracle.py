"""What the prompt check looks for in an answer: the canary and the system prompt the settings name."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_launchready.config.settings import Settings

CANARY_SETTING, PROMPT_SETTING = "launchready_system_prompt_canary", "launchready_system_prompt"


class NoOracle(Exception):
    """The settings name no canary or prompt that can be read; the message says which and why."""


@dataclass(frozen=True)
class Oracle:
    """The canary and/or the whole system prompt; ``secret`` values came from the environment and never print."""

    canary: str | None
    system_prompt: str | None
    secret: tuple[str, ...] = ()


def load_oracle(settings: Settings) -> Oracle:
    """Read ``launchready_system_prompt_canary`` (a marker or ``env:VAR``) and ``launchready_system_prompt``
    (``env:VAR`` or a file path relative to the rootdir); :class:`NoOracle` when neither gives a value."""
    secret: list[str] = []
    canary = _value(CANARY_SETTING, settings.system_prompt_canary, settings.rootpath, secret, file_ok=False)
    prompt = _value(PROMPT_SETTING, settings.system_prompt, settings.rootpath, secret, file_ok=True)
    if not canary and not prompt:
        raise NoOracle(f"set {CANARY_SETTING} (a marker planted in the system prompt of your test configuration, or "
                       f"env:VAR) or {PROMPT_SETTING} (env:VAR or a file path): without one no answer can be judged")
    return Oracle(canary or None, prompt or None, tuple(secret))


def _value(setting: str, raw: str, rootpath: str, secret: list[str], *, file_ok: bool) -> str:
    value = raw.strip()
    if not value:
        return ""
    if value.startswith("env:"):
        name = value[4:].strip()
        found = os.environ.get(name, "").strip()
        if not found:
            raise NoOracle(f"{setting} names the environment variable {name}, which is not set")
        secret.append(found)
        return found
    if not file_ok:
        return value
    path = value if os.path.isabs(value) else os.path.join(rootpath, value)
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read().strip()
    except OSError as exc:
        raise NoOracle(f"{setting} = {value!r} cannot be read ({exc.strerror or type(exc).__name__}); give env:VAR or "
                       "a file path relative to the rootdir") from None
    if not text:
        raise NoOracle(f"{setting} = {value!r} is an empty file")
    return text
