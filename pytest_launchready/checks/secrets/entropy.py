"""Shannon entropy: how random a candidate secret looks, in bits per character."""

from __future__ import annotations

import math
from collections import Counter


def shannon_entropy(value: bytes | str) -> float:
    """Bits per character of ``value`` (0.0 for an empty value).

    A random base62 string of 32 characters scores about 4.7, English words about 3, a repeated
    character 0.
    """
    length = len(value)
    if not length:
        return 0.0
    return -sum(n / length * math.log2(n / length) for n in Counter(value).values())


def char_classes(value: str) -> int:
    """How many of lower case, upper case, digits and other characters ``value`` uses."""
    return sum(
        (
            any(c.islower() for c in value),
            any(c.isupper() for c in value),
            any(c.isdigit() for c in value),
            any(not c.isalnum() for c in value),
        )
    )
