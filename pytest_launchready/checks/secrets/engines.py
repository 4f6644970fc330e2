"""The provider-rule engine: MongoDB's Kingfisher (``kingfisher-secret-scanner``), when it is installed.

Kingfisher brings a catalogue of several hundred provider rules compiled into one Vectorscan
database, scanned in-process by native code. Only its :class:`kingfisher_sdk.Scanner` is used:
its ``Validator`` and ``Revoker``, the parts that call providers' APIs to check or revoke a key,
are never imported, and scanning itself opens no socket (tests/checks/secrets/test_secrets_engine.py
traces the system calls of a scan to prove it). Without the package (the ``secrets`` extra), the
scanner runs our own rules alone, and the check says so once per run.

The compiled catalogue is cached on disk by Kingfisher (``~/.cache/kingfisher``, or
``KF_RULE_CACHE_DIR``): the first run on a machine compiles it (about 15 s on 2 cores), later runs
load it in about a second; either happens once per process, on the first scan, or ahead of it in
a thread when the run starts scans in the background (:mod:`pytest_launchready.checks.secrets.background`).
"""

from __future__ import annotations

import functools
import importlib.util
import threading
from typing import Any, Protocol

#: The package to install for the provider catalogue, as pip names it.
PACKAGE = "kingfisher-secret-scanner"
#: Said once per run when the package is missing.
FALLBACK_NOTE = (
    f"secrets: {PACKAGE} is not installed, so only pytest-launchready's own rules run (no provider catalogue): "
    "install pytest-launchready[secrets] for the full set"
)
#: A scan of one input that takes longer than this raises (Kingfisher's cooperative timeout).
SCAN_TIMEOUT_SECONDS = 120.0

#: Kingfisher rules whose family one of our context rules reads more closely, so theirs is not used:
#: its Kubernetes rule reports every ``data:`` entry, usernames and hosts included.
REPLACED_RULES = frozenset({"betterleaks.kubernetes-secret-yaml"})

#: ``(start, end, rule id, secret)``: byte offsets of the secret in the scanned data.
Span = tuple[int, int, str, bytes]


class Engine(Protocol):
    """Something that finds candidate secrets in a file's bytes."""

    name: str

    def find(self, data: bytes, path: str) -> list[Span]:
        """The secrets in ``data`` (the contents of ``path``), each with its byte span and rule id."""


class KingfisherEngine:
    """Kingfisher's bundled rules (medium confidence and up), base64 decoding on; scanning only."""

    def __init__(self, module: Any) -> None:
        self._module = module
        self.name = f"Kingfisher {module.__version__}"
        rules = module.Rules(builtins=True, confidence="medium")
        # dedup=False: Kingfisher's dedup is across every scan of the scanner, which would hide the
        # second file holding the same key; redact=False: we need the secret to fingerprint it.
        self._scanner = module.Scanner(rules, base64=True, dedup=False, redact=False)

    def find(self, data: bytes, path: str) -> list[Span]:
        source = self._module.ScanInput(path=path or "input", data=data)
        spans = []
        for finding in self._scanner.scan_input(source, timeout=SCAN_TIMEOUT_SECONDS):
            if not finding.visible or finding.rule_id in REPLACED_RULES:  # invisible: helpers other rules need
                continue
            secret = finding.secret.encode("utf-8", errors="replace")
            location = finding.location
            start, end = location["start_offset"], location["end_offset"]
            inside = data.find(secret, start, max(end, start + len(secret)))
            if inside >= 0:
                start, end = inside, inside + len(secret)
            spans.append((start, end, finding.rule_id, secret))
        return spans

    def __repr__(self) -> str:
        return f"<engine {self.name}>"


def installed() -> bool:
    """True when Kingfisher can be imported (cheap: does not load its rules)."""
    try:
        return importlib.util.find_spec("kingfisher_sdk") is not None
    except (ImportError, ValueError):
        return False


#: Held while the engine is built: a caller that comes while another thread builds it waits for that one.
_BUILDING = threading.Lock()


def provider_engine() -> KingfisherEngine | None:
    """The process's Kingfisher engine, built on first use (by whichever thread asks first: see
    :func:`warm`); None when the package is missing."""
    with _BUILDING:
        return _built()


@functools.lru_cache(maxsize=1)
def _built() -> KingfisherEngine | None:
    try:
        import kingfisher_sdk
    except ImportError:
        return None
    return KingfisherEngine(kingfisher_sdk)


def forget() -> None:
    """Drop the built engine, so the next call builds it again (for tests that hide the package)."""
    with _BUILDING:
        _built.cache_clear()


def warm() -> threading.Thread:
    """Build the engine in a thread of its own and return it (started). Loading the catalogue is native
    code that lets go of the GIL, so it runs beside the HTTP checks instead of inside the first scan."""
    thread = threading.Thread(target=provider_engine, name="launchready-kingfisher", daemon=True)
    thread.start()
    return thread


def engine_names() -> list[str]:
    """What scans, for messages: our rules, and Kingfisher when installed."""
    engine = provider_engine()
    return ["pytest-launchready rules"] + ([engine.name] if engine is not None else [])
