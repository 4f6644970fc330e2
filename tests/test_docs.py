"""The docs list every public name: ini keys, options, fixtures, and a page per built check; the
settings table they are checked against is the one source of the options and ``Settings``."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from pytest_launchready.config.check_names import CHECK_MODULES
from pytest_launchready.config.settings import SOURCES, Settings, read_settings
from pytest_launchready.config.table import INI_SETTINGS, OPTIONS

DOCS = Path(__file__).parent.parent / "docs"
CONFIGURATION = (DOCS / "configuration.md").read_text()


@pytest.mark.parametrize("name", [s.name for s in INI_SETTINGS])
def test_every_ini_key_is_documented(name: str) -> None:
    assert f"`{name}`" in CONFIGURATION


def test_every_option_is_documented(pytestconfig: pytest.Config) -> None:
    options = [option.flag for option in OPTIONS]
    assert options and all(f"`{option}" in CONFIGURATION for option in options)


def test_the_ini_keys_table_of_the_docs_is_the_settings_table() -> None:
    """Same keys in the same order, each with the type and default pytest registers."""
    rows = re.findall(r'^\| <a id="(\w+)"></a>`(\w+)` \| (\w+) \| `([^`]*)` \|', CONFIGURATION, re.MULTILINE)
    assert all(anchor == key for anchor, key, _, _ in rows)
    expected = [(s.name, s.type, _shown(s.default)) for s in INI_SETTINGS]
    assert [(key, type_, default) for _, key, type_, default in rows] == expected


def _shown(default: object) -> str:
    if default in ("", []):
        return "(none)"
    return " ".join(default) if isinstance(default, list) else str(default)


def test_settings_has_one_field_per_source() -> None:
    """A row without a ``Settings`` field, or a field without a row, is a setting half added."""
    assert [f.name for f in fields(Settings) if f.name != "rootpath"] == list(SOURCES)
    assert all(option.field in SOURCES for option in OPTIONS)


def test_nothing_set_reads_as_the_settings_defaults(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\n")
    assert read_settings(pytester.parseconfig()) == Settings()


@pytest.mark.parametrize("fixture", [
    "launchready_login", "launchready_seed", "launchready_mint_token", "launchready_logout", "launchready_set_role",
    "launchready_change_password", "launchready_delete_user", "launchready_audit_log", "launchready_backup",
    "launchready_restore_backup",
    "launchready_cleanup", "launchready_client", "launchready_target", "launchready_routes", "tenant_a", "tenant_b",
    "tenant_role", "anonymous", "expired_token", "tampered_tokens", "foreign_origin", "mail_domain",
])
def test_every_fixture_is_documented(fixture: str) -> None:
    assert f"`{fixture}`" in CONFIGURATION


@pytest.mark.parametrize("check", sorted(CHECK_MODULES))
def test_every_built_check_has_a_page(check: str) -> None:
    page = DOCS / "checks" / f"{check}.md"
    assert page.exists() and len(page.read_text()) > 500


def test_help_lists_every_ini_key(pytester: pytest.Pytester) -> None:
    out = pytester.runpytest_inprocess("--help").stdout.str()
    missing = [s.name for s in INI_SETTINGS if s.name not in out]
    assert missing == []
