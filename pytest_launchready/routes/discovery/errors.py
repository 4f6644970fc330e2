"""The one error discovery raises; the plugin turns it into a ``pytest.UsageError``."""

from __future__ import annotations


class DiscoveryError(Exception):
    """The routes could not be discovered: the message names the setting to change and what was seen."""
