"""The docs list every public name: ini keys, options, fixtures, and a page per built check."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pytest_launchready.config.check_names import CHECK_MODULES
from pytest_launchready.config.table import INI_SETTINGS, OPTIONS

DOCS = Path(__file__).parent.parent / "docs"
CONFIGURATION = (DOCS / "configuration.md").read_text()


@pytest.mark.parametrize("name", [s.name for s in INI_SETTINGS])
def test_every_ini_key_is_documented(name: str) -> None:
    assert f"`{name}`" in CONFIGURATION


def test_every_option_is_documented(pytestconfig: pytest.Config) -> None:
    options = [option.flag for option in OPTIONS]
    assert options and all(f"`{option}" in CONFIGURATION for option in options)


@pytest.mark.parametrize("fixture", [
    "launchready_login", "launchready_seed", "launchready_mint_token", "launchready_logout", "launchready_set_role",
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
