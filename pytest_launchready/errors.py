"""Errors that are not findings: the run could not be set up as the user configured it."""

from __future__ import annotations


class SetupError(Exception):
    """A user fixture or the target refused to set up a test (a login that raised, one identity
    returned for two tenants, ...). Reported as an ERROR at set-up with this message alone, never
    as a security finding and never as a pass."""

    #: What the one-line report starts with, before the message.
    label = "set-up error (not a finding): "
