"""App-wide findings: one failing test for a fault that one setting puts on every route.

A check where one setting governs every route (cors, headers) adds the case ``app-wide``
(:func:`app_wide_case`). At run time it probes every route once per process (``ctx.shared``), gives
each route a *fault signature* (the exact faults it shows, in words that name no route or method,
with the observed values) and asks :func:`find_shared` for the signature at least two routes share.

- ``test_<check>[app-wide]`` fails for that signature, listing the routes that show exactly it;
  it passes when no fault is shared, and is NOT RUN when there are no routes to compare.
- A route's own test judges only :func:`own_part` of its signature: nothing when it is exactly the
  shared fault (the test is skipped as covered, :class:`Covered`, and counts as tested), what goes
  beyond the shared fault when it shows that and more, and everything when it differs.

Each xdist worker computes the same signatures from the same answers, so ids and verdicts do not
depend on how tests are spread. When ``test_<check>[app-wide]`` is not selected (``-k``), every route
judges its whole signature: a fault is never covered by a test that does not run.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping, Sequence

from pytest_launchready.checks import Case

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext

#: The case id of the app-wide test: ``test_cors[app-wide]``.
APP_WIDE_ID = "app-wide"
#: Routes named in an app-wide failure; the rest are counted.
LISTED_ROUTES = 20

Signature = tuple[str, ...]


class Covered(Exception):
    """Raised by a route's test whose fault is exactly the app-wide one: a skip that counts as tested."""

    def __init__(self, test_id: str, routes: int) -> None:
        super().__init__(f"covered by {test_id}: the same fault on {routes} routes")
        self.test_id = test_id
        self.routes = routes


@dataclass(frozen=True)
class Shared:
    """The fault signature shared by the most routes (at least 2), and which routes show it.

    ``routes`` show exactly ``signature``; ``beyond`` show it and more (their own tests fail for the rest).
    """

    signature: Signature
    routes: tuple[str, ...]
    beyond: tuple[str, ...] = ()


def app_wide_case(routes: int, what: str = "routes") -> Case:
    """The ``app-wide`` case, NOT RUN at collection when fewer than 2 routes can be compared."""
    if routes < 2:
        return Case(id=APP_WIDE_ID, variant=APP_WIDE_ID, counts_as_route=False,
                    not_run=f"fewer than 2 {what} to probe: no fault can be shared (each route's own test judges it)")
    return Case(id=APP_WIDE_ID, variant=APP_WIDE_ID, counts_as_route=False)


def find_shared(signatures: Mapping[str, Signature]) -> Shared | None:
    """The non-empty signature the most routes show exactly (ties: the one whose first route sorts
    first), when at least 2 do; None otherwise. ``signatures`` maps route keys to signatures."""
    counts = Counter(sig for sig in signatures.values() if sig)
    if not counts:
        return None
    order = {sig: min(k for k, s in signatures.items() if s == sig) for sig in counts}
    signature = min(counts, key=lambda sig: (-counts[sig], order[sig]))
    if counts[signature] < 2:
        return None
    shared = set(signature)
    exact = tuple(sorted(k for k, s in signatures.items() if s == signature))
    beyond = tuple(sorted(k for k, s in signatures.items() if s != signature and shared < set(s)))
    return Shared(signature, exact, beyond)


def app_wide_test(check: str) -> str:
    """``test_cors[app-wide]``."""
    return f"test_{check}[{APP_WIDE_ID}]"


def own_part(ctx: RunContext, shared: Shared | None, signature: Signature) -> tuple[Signature, bool]:
    """What a route's own test must judge, and whether the app-wide test reports the rest.

    Raises :class:`Covered` when the route's signature is exactly the shared one and the app-wide
    test is selected in this session.
    """
    if shared is None or not signature or not ctx.reports(APP_WIDE_ID):
        return signature, False
    if signature == shared.signature:
        raise Covered(app_wide_test(ctx.check_name), len(shared.routes))
    if set(shared.signature) < set(signature):
        return tuple(s for s in signature if s not in shared.signature), True
    return signature, False


def route_list(routes: Sequence[str], limit: int = LISTED_ROUTES) -> str:
    """``GET /a, GET /b, ... (and 7 more)``."""
    shown = ", ".join(routes[:limit])
    return shown + (f" (and {len(routes) - limit} more)" if len(routes) > limit else "")


def listing_lines(shared: Shared, example: str, path: str, warnings: Mapping[str, Sequence[str]]) -> list[str]:
    """What every app-wide failure says after its fault: the routes that share it, those that show more,
    the route whose evidence and curl follow (``example`` as ``path``), and the covered routes' warnings."""
    lines = [f"Routes ({len(shared.routes)}): {route_list(shared.routes)}."]
    if shared.beyond:
        lines.append(f"Also shown, with more faults of their own (each fails its own test for the rest): "
                     f"{route_list(shared.beyond)}.")
    lines.append(f"Evidence and curl: {example} (as {path}, anonymous).")
    return lines + warning_lines(warnings)


def warning_lines(warnings: Mapping[str, Sequence[str]], limit: int = 5) -> list[str]:
    """The covered routes' warnings for the app-wide failure, each told once with its routes counted.

    ``warnings`` maps a route key to its warnings, each starting ``<route key>: ``; covered tests do
    not warn themselves (a failing route's warnings are in its failure message too).
    """
    counts: Counter[str] = Counter()
    for key, texts in warnings.items():
        counts.update(dict.fromkeys((text.removeprefix(f"{key}: ") for text in texts), 1))
    if not counts:
        return []
    lines = ["Also (warnings):"]
    lines += [f"  - (on {n} route{'s' * (n > 1)}) {text}" for text, n in list(counts.items())[:limit]]
    if len(counts) > limit:
        lines.append(f"  - ... and {len(counts) - limit} more")
    return lines
