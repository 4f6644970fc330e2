"""The mail tests' DNS server on 127.0.0.1 (support.dnsserver), shared by every module here."""

from __future__ import annotations

import pytest

from support.dnsserver import MailWorld, shared_mail_world


@pytest.fixture(scope="session")
def world() -> MailWorld:
    """The one DNS server of this process and the keys its zones publish."""
    return shared_mail_world()
