"""Command-line options and ini keys: registered for every pytest run, so this stays cheap.

What is registered, with its ``pytest --help`` text, is the settings table
(:mod:`pytest_launchready.config.table`, standard library and pytest only); this module only hands
it to pytest.
"""

from __future__ import annotations

import pytest

from pytest_launchready.config.table import INI_SETTINGS, OPTIONS, raw_value


def add_options(parser: pytest.Parser) -> None:
    """Register the command-line options and ini keys (cheap: runs for every pytest start)."""
    group = parser.getgroup("launchready", "launch checklist (pytest-launchready)")
    for option in OPTIONS:
        group.addoption(option.flag, **option.argparse_kwargs())
    for setting in INI_SETTINGS:
        parser.addini(setting.name, setting.help, type=setting.type, default=setting.default)  # type: ignore[arg-type]


def is_enabled(config: pytest.Config) -> bool:
    """True when ``--launchready`` or ini ``launchready = true`` asks for the generated tests."""
    ini = next(s for s in INI_SETTINGS if s.field == "enabled")
    option = next(o for o in OPTIONS if o.field == "enabled")
    return bool(raw_value(config, ini, option))
