"""The hypothesis side of the validation check: a strategy per :class:`Target`, and a seeded draw.

Hypothesis is used only to *generate*: one ``@given`` run, seeded, with no example database, no
deadline, the generate phase only and a test body that cannot fail, draws a list of bad values; the
check then sends them in a plain loop. A stateful target can therefore never make hypothesis report
a Flaky error, shrinking never replays requests, and the same seed gives the same requests. This is
the only module of the check that imports hypothesis, and only inside its functions.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from typing import Any, Iterator, Sequence

from pytest_launchready.routes.schemas import accepted_types
from pytest_launchready.checks.validation.targets import Target, lower_bound, upper_bound, wrong_type_candidates
from pytest_launchready.tenants.bodies import example

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def strategy(target: Target, form: bool) -> Any:
    """The hypothesis strategy of bad values for ``target`` (a form body takes words, not JSON)."""
    from hypothesis import strategies as st

    word = st.text(alphabet=_LETTERS, min_size=1, max_size=10)
    scalar = st.one_of(st.integers(-1000, 1000), st.text(max_size=8), st.booleans())
    schema = target.schema
    kind = target.kind
    if kind == "missing":
        return st.just(None)
    if kind == "wrong type":
        options = {
            "object": st.dictionaries(word, scalar, max_size=3),
            "array": st.lists(scalar, max_size=3),
            "word": word.map(lambda w: f"lr-{w}"),
        }
        return st.one_of(*(options[c] for c in wrong_type_candidates(accepted_types(schema) or set(), form)))
    if kind == "not in enum":
        numbers = [v for v in schema["enum"] if isinstance(v, int)]
        if numbers and len(numbers) == len(schema["enum"]):
            return st.integers(max(numbers) + 1, max(numbers) + 1000)
        return word.map(lambda w: f"lr-not-{w}")
    if kind == "below minimum":
        low = int(lower_bound(schema) or 0)
        return st.integers(low - 1000, low - 1)
    if kind == "above maximum":
        high = int(upper_bound(schema) or 0)
        return st.integers(high + 1, high + 1000)
    if kind == "too long":
        limit = int(schema["maxLength"])
        return st.text(max_size=16).map(lambda s: "a" * (limit + 1) + s)
    if kind == "too short":
        return st.text(max_size=int(schema["minLength"]) - 1)
    if kind == "too many items":
        item = example(schema.get("items") or {})
        return st.just([item] * (int(schema["maxItems"]) + 1))
    if kind == "too few items":
        return st.just([])
    if kind == "NUL byte":
        return st.tuples(st.text(max_size=6), st.text(max_size=6)).map(lambda t: f"lr{t[0]}\x00{t[1]}")
    return scalar  # unknown field


def draw(strategies: Sequence[Any], seed: object, examples: int = 2) -> list[tuple[Any, ...]]:
    """Draw ``examples`` tuples, one value per strategy, from a seeded hypothesis run that only
    generates: the first tuple is hypothesis's simplest, the next ones random under ``seed``."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as with_seed
    from hypothesis import strategies as st

    drawn: list[tuple[Any, ...]] = []

    @with_seed(seed)
    @settings(database=None, deadline=None, max_examples=examples, phases=(Phase.generate,), derandomize=False,
              suppress_health_check=list(HealthCheck), print_blob=False, report_multiple_bugs=False)
    @given(st.tuples(*strategies))
    def collect(values: tuple[Any, ...]) -> None:
        drawn.append(values)

    with _private_hypothesis_home():
        collect()
    return drawn


@contextlib.contextmanager
def _private_hypothesis_home() -> Iterator[None]:
    """Keep hypothesis's caches (constants, charmap) out of the user's repository while we draw.

    There is no example database (``database=None``), but hypothesis still writes caches under
    ``.hypothesis/`` in the working directory. They go to a cache folder of our own in the user's
    cache directory instead: kept across runs and shared by xdist workers, since building the
    character map alone costs seconds per process (hypothesis writes it atomically). Where that
    folder cannot be made, a temporary one serves the run. The previous home is restored
    afterwards, so the user's own hypothesis tests keep theirs.
    """
    from hypothesis.configuration import set_hypothesis_home_dir, storage_directory

    previous = storage_directory(intent_to_write=False).home_directory
    with contextlib.ExitStack() as stack:
        home = _cache_home() or stack.enter_context(tempfile.TemporaryDirectory(prefix="launchready-hypothesis-"))
        set_hypothesis_home_dir(home)
        try:
            yield
        finally:
            set_hypothesis_home_dir(previous)


def _cache_home() -> str | None:
    """``$XDG_CACHE_HOME/pytest-launchready/hypothesis`` (``~/.cache`` by default), or None if it cannot be made."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    home = os.path.join(base, "pytest-launchready", "hypothesis")
    try:
        os.makedirs(home, exist_ok=True)
    except OSError:
        return None
    return home if os.access(home, os.W_OK) else None
