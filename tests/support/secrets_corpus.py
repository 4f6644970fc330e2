"""The labelled secrets corpus in tests/data/secrets_corpus/: templates expanded into files, and scoring.

Each template is a file in its real format (.env, JSON, YAML, Python, TS, minified JS, logs, PEM)
whose secrets are markers: ``@@family@@`` is a positive (a secret in that provider's format, made
here by a seeded generator, so no key-shaped literal is committed), ``@@!family@@`` a random value
that is not a secret (a commit id, a UUID, an integrity hash). Every other character is literal:
placeholders, look-alikes and environment references are written as they are. ``dev/`` is what the
rules were tuned on; ``heldback/`` was written before tuning and only scored.

A marker is found when a finding's secret overlaps the bytes it expanded to (so each of the keys
on a minified bundle's one line counts on its own); a finding that overlaps no marker is a false
alarm.
"""

from __future__ import annotations

import base64
import json
import random
import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

CORPUS = Path(__file__).resolve().parent.parent / "data" / "secrets_corpus"
PARTS = ("dev", "seen", "heldback")
_MARKER = re.compile(r"@@(!?)([a-z0-9_]+)@@")
ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "-_"
HEX = "0123456789abcdef"
UPPER_DIGITS = string.ascii_uppercase + string.digits
B64 = ALNUM + "+/"


class Keys:
    """Random values in each family's published shape (prefix, alphabet, length), from one seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def chars(self, alphabet: str, n: int) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def b64(self, raw: bytes, urlsafe: bool = False) -> str:
        encoded = base64.urlsafe_b64encode(raw) if urlsafe else base64.b64encode(raw)
        return encoded.decode()

    def password(self) -> str:
        return self.chars(ALNUM, 10) + self.rng.choice("!#%^*-_+") + self.chars(ALNUM, 9)

    def jwt_parts(self, alg: str = "HS256") -> tuple[str, str]:
        header = self.b64(json.dumps({"alg": alg, "typ": "JWT"}).encode(), urlsafe=True).rstrip("=")
        claims = {"sub": f"usr_{self.chars(HEX, 10)}", "org": f"org_{self.chars(HEX, 8)}",
                  "iat": 1_760_000_000 + self.rng.randrange(10**6), "scope": "read write"}
        return header, self.b64(json.dumps(claims).encode(), urlsafe=True).rstrip("=")

    def pem_lines(self, lines: int) -> list[str]:
        body = self.b64(bytes(self.rng.randrange(256) for _ in range(48 * lines)))
        return [body[i : i + 64] for i in range(0, len(body), 64)]


def _families(k: Keys) -> dict[str, Callable[[], str]]:
    pw = k.password
    return {
        # AI providers
        "openai": lambda: "sk-proj-" + k.chars(URLSAFE, 74) + "T3BlbkFJ" + k.chars(URLSAFE, 74),
        "openai_svc": lambda: "sk-svcacct-" + k.chars(URLSAFE, 74) + "T3BlbkFJ" + k.chars(URLSAFE, 74),
        "anthropic": lambda: "sk-ant-api03-" + k.chars(URLSAFE, 93) + "AA",
        "hf": lambda: "hf_" + k.chars(string.ascii_letters, 34),
        "groq": lambda: "gsk_" + k.chars(ALNUM, 52),
        "xai": lambda: "xai-" + k.chars(ALNUM, 80),
        "pplx": lambda: "pplx-" + k.chars(ALNUM, 48),
        "replicate": lambda: "r8_" + k.chars(ALNUM, 37),
        "openrouter": lambda: "sk-or-v1-" + k.chars(HEX, 64),
        # cloud and code hosting
        "aws_id": lambda: "AKIA" + k.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
        "aws_secret": lambda: k.chars(B64, 40),
        "github": lambda: "ghp_" + k.chars(ALNUM, 36),
        "github_oauth": lambda: "gho_" + k.chars(ALNUM, 36),
        "github_pat": lambda: "github_pat_11" + k.chars(UPPER_DIGITS, 20) + "_" + k.chars(ALNUM, 59),
        "gitlab": lambda: "glpat-" + k.chars(URLSAFE, 20),
        "npm": lambda: "npm_" + k.chars(ALNUM, 36),
        "google": lambda: "AIza" + k.chars(URLSAFE, 35),
        "azure": lambda: k.rng.choice(".~-_") + k.chars(ALNUM, 2) + k.chars("0123456789", 1) + "Q~" + k.chars(ALNUM + "_~.-", 34),
        "azure_plain": lambda: k.chars(ALNUM, 3) + k.chars("0123456789", 1) + "Q~" + k.chars(ALNUM + "_~.-", 34),
        "digitalocean": lambda: "dop_v1_" + k.chars(HEX, 64),
        "vault": lambda: "hvs." + k.chars(URLSAFE, 90),
        "doppler": lambda: "dp.st." + k.chars(ALNUM, 43),
        # payments, messaging, mail
        "stripe": lambda: "sk_live_51" + k.chars(ALNUM, 97),
        "stripe_rk": lambda: "rk_live_51" + k.chars(ALNUM, 97),
        "whsec": lambda: "whsec_" + k.chars(ALNUM, 32),
        "slack_bot": lambda: "xoxb-" + k.chars("123456789", 12) + "-" + k.chars("123456789", 13) + "-" + k.chars(ALNUM, 24),
        "slack_app": lambda: "xapp-1-A" + k.chars(UPPER_DIGITS, 10) + "-" + k.chars("123456789", 13) + "-" + k.chars(HEX, 64),
        "slack_refresh": lambda: "xoxe-1-" + k.chars(ALNUM, 146),
        "slack_webhook": lambda: "https://hooks.slack.com/services/T" + k.chars(UPPER_DIGITS, 10) + "/B"
        + k.chars(UPPER_DIGITS, 10) + "/" + k.chars(ALNUM, 24),
        "sendgrid": lambda: "SG." + k.chars(URLSAFE, 22) + "." + k.chars(URLSAFE, 43),
        "mailgun": lambda: "key-" + k.chars(HEX, 32),
        "twilio": lambda: "SK" + k.chars(HEX, 32),
        "shopify": lambda: "shpat_" + k.chars(HEX, 32),
        "postman": lambda: "PMAK-" + k.chars(HEX, 24) + "-" + k.chars(HEX, 34),
        "telegram": lambda: k.chars("123456789", 10) + ":AA" + k.chars(URLSAFE, 33),
        # context families
        "jwt": lambda: ".".join((*k.jwt_parts(), k.chars(URLSAFE, 43))),
        "jwt_rs": lambda: ".".join((*k.jwt_parts("RS256"), k.chars(URLSAFE, 342))),
        "basic": lambda: k.b64(f"svc-{k.chars(string.ascii_lowercase, 5)}:{pw()}".encode()),
        "bearer": lambda: k.chars(URLSAFE, 40),
        "password": pw,
        "secret32": lambda: k.chars(ALNUM, 32),
        "secret64": lambda: k.chars(HEX, 64),
        "long_secret": lambda: k.chars(ALNUM, 300),
        "paren_password": lambda: k.chars(ALNUM, 6) + "(" + k.chars(ALNUM, 5) + ")" + k.chars(ALNUM, 6),
        "k8s_b64": lambda: k.b64(pw().encode()),
        "pem_rsa": lambda: "\n".join(["-----BEGIN RSA PRIVATE KEY-----", *k.pem_lines(20), "-----END RSA PRIVATE KEY-----"]),
        "pem_ec": lambda: "\n".join(["-----BEGIN EC PRIVATE KEY-----", *k.pem_lines(4), "-----END EC PRIVATE KEY-----"]),
        "pem_pkcs8_escaped": lambda: "\\n".join(["-----BEGIN PRIVATE KEY-----", *k.pem_lines(20), "-----END PRIVATE KEY-----"]) + "\\n",
        "pem_openssh": lambda: "\n".join(["-----BEGIN OPENSSH PRIVATE KEY-----", "b3BlbnNzaC1rZXktdjEAAAAA" + k.pem_lines(1)[0][:40],
                                          *k.pem_lines(6), "-----END OPENSSH PRIVATE KEY-----"]),
        # not secrets (@@!name@@)
        "sha1": lambda: k.chars(HEX, 40),
        "sha256": lambda: k.chars(HEX, 64),
        "uuid": lambda: "-".join(k.chars(HEX, n) for n in (8, 4, 4, 4, 12)),
        "integrity": lambda: "sha512-" + k.b64(bytes(k.rng.randrange(256) for _ in range(64))),
        "cert_lines": lambda: "\n".join(k.pem_lines(12)),
        "b64blob": lambda: k.b64(bytes(k.rng.randrange(256) for _ in range(120))),
        "ident": lambda: k.chars(string.ascii_lowercase, 1) + k.chars(ALNUM, 2),
        "trace": lambda: k.chars(HEX, 32),
    }


@dataclass(frozen=True)
class Label:
    """A planted secret: its file, the byte span and first line of its expansion, and its family."""

    path: str
    start: int
    end: int
    line: int
    family: str


def expand(template: str, keys: Keys, path: str) -> tuple[str, list[Label]]:
    """The template with every marker replaced, and the labels of its positive markers."""
    families = _families(keys)
    out: list[str] = []
    labels: list[Label] = []
    position, line, offset = 0, 1, 0  # offset: in the expanded text (ASCII, so bytes = characters)
    for match in _MARKER.finditer(template):
        literal = template[position : match.start()]
        out.append(literal)
        line += literal.count("\n")
        offset += len(literal)
        negative, family = match.group(1) == "!", match.group(2)
        value = families[family]()
        if not negative:
            labels.append(Label(path, offset, offset + len(value), line, family))
        out.append(value)
        line += value.count("\n")
        offset += len(value)
        position = match.end()
    out.append(template[position:])
    return "".join(out), labels


def build(dest: Path, parts: Iterable[str] = PARTS, seed: int = 2026) -> list[Label]:
    """Expand the templates of ``parts`` under ``dest`` (same relative paths); the positive labels."""
    keys = Keys(seed)
    labels: list[Label] = []
    for part in parts:
        for template in sorted((CORPUS / part).rglob("*")):
            if not template.is_file():
                continue
            relative = template.relative_to(CORPUS).as_posix()
            text, found = expand(template.read_text(encoding="utf-8"), keys, relative)
            target = dest / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            labels += found
    return labels


@dataclass(frozen=True)
class Score:
    """Recall over planted secrets and precision over reported findings."""

    labels: int
    found: int
    reported: int
    false_alarms: tuple[tuple[str, int, str], ...]
    missed: tuple[Label, ...]

    @property
    def recall(self) -> float:
        return self.found / self.labels if self.labels else 1.0

    @property
    def precision(self) -> float:
        return (self.reported - len(self.false_alarms)) / self.reported if self.reported else 1.0


def score(findings: Iterable[tuple[str, int, int, str]], labels: list[Label]) -> Score:
    """Score ``(path, start, end, rule)`` findings (byte spans of the secrets) against ``labels``."""
    by_path: dict[str, list[Label]] = {}
    for label in labels:
        by_path.setdefault(label.path, []).append(label)
    hit: set[Label] = set()
    reported, false_alarms = 0, []
    for path, start, end, rule in findings:
        reported += 1
        covered = [lab for lab in by_path.get(path, []) if lab.start < max(end, start + 1) and start < lab.end]
        hit.update(covered)
        if not covered:
            false_alarms.append((path, start, rule))
    return Score(len(labels), len(hit), reported, tuple(false_alarms), tuple(lab for lab in labels if lab not in hit))


def scan_corpus(root: Path) -> list[tuple[str, int, int, str]]:
    """``(path, start, end, rule)`` for every finding of the scanner's engine under ``root``."""
    from pytest_launchready.checks.secrets.scanner import find_secrets

    findings = []
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = file.relative_to(root).as_posix()
        for start, rule, secret in find_secrets(file.read_bytes(), relative):
            findings.append((relative, start, start + len(secret), rule))
    return findings
