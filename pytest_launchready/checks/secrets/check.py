"""secrets: no secret in the tree, the git history, built bundles, logs, or what the API answers.

One test per source: ``test_secrets[tree]``, ``[history]``, ``[bundles]``, ``[logs]``,
``[responses]``. The detectors are in :mod:`pytest_launchready.checks.secrets.rules`; a failure lists each
finding as ``path:line`` (with the commit for history), the rule and a fingerprint to allowlist, and
never the secret itself (its first 4 characters and its length at most).
"""

from __future__ import annotations

import os

import secrets as _random
from typing import TYPE_CHECKING, Iterable

import pytest

from pytest_launchready.checks import Case, Check, Plan
from pytest_launchready.checks.evidence import fail
from pytest_launchready.checks.finding import CRITICAL, HIGH, MEDIUM, worst

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext
    from pytest_launchready.checks.secrets.allowlist import Allowlist
    from pytest_launchready.checks.secrets.scanner import Finding
    from pytest_launchready.config.settings import Settings

NO_TARGET = "no target: set launchready_app or launchready_base_url"
#: Findings listed in one failure at most (the rest are counted).
MAX_LISTED = 30

_WHY = {
    "tree": "a secret in a tracked file ships with every clone, fork, CI cache and package built from the repository.",
    "history": (
        "deleting a file does not remove it from git: anyone who can clone the repository can read every commit "
        "reachable from a branch or tag, so the secret is still leaked."
    ),
    "bundles": "built bundles and static folders are sent to every visitor's browser: anything in them is public.",
    "logs": "logs are read by far more people and systems than the secret's owner (log shippers, support tools, backups).",
    "responses": "the target sends this to anonymous visitors: anyone can read it without an account.",
}
_REMOVE = {
    "tree": "read it from the environment or a secret manager at run time instead of a file",
    "history": (
        "purge it from every branch and tag (git filter-repo --replace-text, or BFG Repo-Cleaner), force-push, "
        "and have every clone and CI cache refreshed"
    ),
    "bundles": (
        "keep secret keys on the server (only publishable keys belong in NEXT_PUBLIC_/VITE_/REACT_APP_ variables); "
        "let the browser call your backend, then rebuild and redeploy the bundle"
    ),
    "logs": "stop logging the value (log an id or a fingerprint instead), and delete or scrub the affected logs",
    "responses": (
        "remove it from the response: serve only public configuration, and make error handlers return a generic "
        "message, never the exception, settings or environment"
    ),
}
#: Rules whose secret grants less than a live key does (CRITICAL, the default): a generic assignment
#: may be a dev value, a Google key is often browser-restricted, a webhook URL or secret only posts or
#: signs, and an AWS key id or a Twilio account SID needs its secret half.
_SEVERITY = {"generic-secret": HIGH, "google-api-key": HIGH, "slack-webhook": HIGH, "stripe-webhook-secret": HIGH,
             "aws-access-key-id": HIGH, "twilio-account-sid": MEDIUM}
_ALLOWLIST_HINT = (
    "A finding you accept (a test fixture, a key that is public by design) goes into launchready_secret_allowlist: "
    "its fingerprint, or a glob of its path."
)


def cases(plan: Plan) -> Iterable[Case]:
    """The five sources, logs last; history, bundles and responses are NOT RUN when they do not exist."""
    from pytest_launchready.checks.secrets.files import existing_secret_paths, git_toplevel

    settings = plan.settings
    yield Case(id="tree", variant="tree", counts_as_route=False)
    not_git = None if git_toplevel(settings.rootpath) else f"no git history: {settings.rootpath} is not in a git repository"
    yield Case(id="history", variant="history", not_run=not_git, counts_as_route=False)
    looked_for, existing = existing_secret_paths(settings.rootpath, settings.secret_paths)
    no_bundles = None
    if not existing:
        which = "launchready_secret_paths entries" if settings.secret_paths else "default bundle folders"
        no_bundles = (f"no built bundle or static folder: none of the {which} ({', '.join(looked_for)}) exists; "
                      "set launchready_secret_paths")
    yield Case(id="bundles", variant="bundles", not_run=no_bundles, counts_as_route=False)
    yield Case(id="responses", variant="responses", not_run=None if plan.has_target else NO_TARGET, counts_as_route=False)
    # last, so that the records captured include what the app logged while answering the probes
    yield Case(id="logs", variant="logs", counts_as_route=False)


def run(ctx: RunContext, case: Case) -> None:
    """Scan the case's source and fail on every finding that is not allowlisted."""
    from pytest_launchready.checks.secrets.allowlist import Allowlist
    from pytest_launchready.checks.secrets.repository import REPOSITORY_SOURCES

    if case.variant in REPOSITORY_SOURCES:
        findings, scope = _repository(ctx, case.variant)
    else:
        allowlist = Allowlist.parse(ctx.settings.secret_allowlist)
        findings, scope = {"logs": _logs, "responses": _responses}[case.variant](ctx, allowlist)
    if findings:
        _fail(ctx, case.id, findings, scope)


def _repository(ctx: RunContext, source: str) -> tuple[list[Finding], str]:
    """The tree, the history or the bundles: from the background scan when it ran, else scanned here."""
    from pytest_launchready.checks.secrets.background import BACKGROUND_KEY
    from pytest_launchready.checks.secrets.repository import scan_source

    background = ctx.config.stash.get(BACKGROUND_KEY, None)
    outcome = background.outcome(source) if background is not None else None
    if background is not None and outcome is None and background.failure and not background.told:
        background.told = True
        ctx.warn(f"secrets: the background scan of the repository gave nothing ({background.failure}); "
                 "the tree, history and bundles were scanned in the test process instead")
    if outcome is None:
        settings = ctx.settings
        outcome = scan_source(source, str(settings.rootpath), settings.secret_allowlist, settings.secret_paths)
    for warning in outcome.warnings:
        ctx.warn(warning)
    if outcome.skip is not None:
        pytest.skip(outcome.skip)
    return outcome.findings, outcome.scope


def _logs(ctx: RunContext, allowlist: Allowlist) -> tuple[list[Finding], str]:
    from pytest_launchready.checks.secrets.capture import captured
    from pytest_launchready.checks.secrets.files import LOG_FOLDERS, secret_paths
    from pytest_launchready.checks.secrets.sources import scan_log_files, scan_records

    files = scan_log_files(secret_paths(ctx.settings.rootpath, ctx.settings.secret_paths), allowlist)
    handler = captured(ctx.config)
    records = list(handler.records) if handler is not None else []
    if not files.scanned and not records:
        pytest.skip(
            f"no log file (*.log under the secret paths, files in {'/, '.join(LOG_FOLDERS)}/) and no log record "
            "captured during the run (pytest's log_level = INFO lets more records through)"
        )
    findings = files.findings + scan_records(records, allowlist)
    return findings, f"the log files ({files.scanned} read) and the {len(records)} log records captured during the run"


def _responses(ctx: RunContext, allowlist: Allowlist) -> tuple[list[Finding], str]:
    from pytest_launchready.checks.secrets.responses import scan_responses

    unknown = f"/launchready-no-such-path-{_random.token_hex(4)}"
    result = scan_responses(ctx.client, ctx.routes, allowlist, unknown)
    if not result.answered:
        pytest.skip("no request was answered: " + "; ".join(result.not_sent[:5]))
    return result.findings, f"the responses to {len(result.answered)} anonymous requests"


def _fail(ctx: RunContext, source: str, findings: list[Finding], scope: str) -> None:
    ctx.redact.add(*(f.secret for f in findings))
    lines = [f"  {finding.describe()}" for finding in findings[:MAX_LISTED]]
    if len(findings) > MAX_LISTED:
        lines.append(f"  ... and {len(findings) - MAX_LISTED} more")
    from pytest_launchready.checks.secrets.engines import engine_names

    count = f"{len(findings)} secret{'s' if len(findings) != 1 else ''}"
    fail(
        f"Found {count} in {scope}:\n" + "\n".join(lines) + f"\n  (scanned by {' + '.join(engine_names())})",
        why=_WHY[source],
        fix=f"rotate each key first: revoke it at the provider and issue a new one, since it must be treated as "
            f"leaked. Then {_REMOVE[source]}. {_ALLOWLIST_HINT}",
        redact=ctx.redact,
        docs=CHECK.docs,
        severity=worst(_SEVERITY.get(f.rule, CRITICAL) for f in findings),
        locations=_file_locations(ctx, source, findings),
    )


def _file_locations(ctx: RunContext, source: str, findings: list[Finding]) -> list[tuple[str, int]]:
    """``(path, line)`` of each finding that sits in a file, the path relative to the repository root
    (the git top level holding the rootdir, else the rootdir), as code scanning wants it. Findings in
    API answers or captured log records sit in no file."""
    from pytest_launchready.checks.secrets.files import git_toplevel

    if source not in ("tree", "history", "bundles", "logs"):
        return []
    root = os.path.realpath(ctx.settings.rootpath)
    top = os.path.realpath(git_toplevel(root) or root)
    located = []
    for finding in findings:
        path = finding.path
        if source in ("bundles", "logs"):  # shown relative to the rootdir: re-based on the repository root
            full = os.path.realpath(os.path.join(root, path))
            if not os.path.isfile(full) or os.path.commonpath([full, top]) != top:
                continue
            path = os.path.relpath(full, top).replace(os.sep, "/")
        located.append((path, finding.line))
    return located


def _configure(config: pytest.Config) -> None:
    """Start capturing the run's log records for the ``logs`` case, and say once when the provider
    catalogue is missing (called in pytest_configure when the check is selected)."""
    from pytest_launchready.checks.context import LaunchreadyWarning
    from pytest_launchready.checks.secrets.capture import install
    from pytest_launchready.checks.secrets.engines import FALLBACK_NOTE, installed

    install(config)
    if not installed() and not hasattr(config, "workerinput"):  # once per run: the xdist controller says it
        config.issue_config_time_warning(LaunchreadyWarning(FALLBACK_NOTE), stacklevel=2)


def _start_background_scan(session: pytest.Session, settings: Settings) -> None:
    """Scan the repository's sources in a child process while the other checks run (one-process runs only)."""
    from pytest_launchready.checks.secrets.background import start_for

    start_for(session, settings)


CHECK = Check(
    name="secrets",
    title="No secret in the tree, git history, built bundles, logs or API responses",
    cases=cases,
    run=run,
    needs_target=False,
    configure=_configure,
    collected=_start_background_scan,
)
