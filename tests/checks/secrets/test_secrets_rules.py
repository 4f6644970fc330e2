"""Each detector on its own: what it must find, what it must leave alone, and the labelled sample set.

Secrets are synthetic: made at run time by the sample generator's seeded ``Keys`` (random text in a
provider's format), so no test file holds a key-shaped literal.
"""

from __future__ import annotations

import pytest

from pytest_launchready.checks.secrets import RULE_IDS, Finding, fingerprint, scan_bytes
from pytest_launchready.checks.secrets.entropy import char_classes, shannon_entropy
from pytest_launchready.checks.secrets.placeholders import is_placeholder
from pytest_launchready.checks.secrets.scanner import find_secrets
from support.paths import SAMPLES, load_sample_generator

GENERATE = load_sample_generator()
KEYS = GENERATE.Keys(seed=7)


def rules_in(text: str) -> list[str]:
    """The rule ids found in ``text``, in order."""
    return [rule for _, rule, _ in find_secrets(text.encode())]


def secrets_in(text: str) -> list[str]:
    return [secret.decode() for _, _, secret in find_secrets(text.encode())]


# (rule, line holding a secret of that rule); each must give exactly that rule and that secret.
POSITIVE = [
    ("openai-api-key", "OPENAI_API_KEY={}", KEYS.openai()),
    ("openai-api-key", "key = '{}'", KEYS.openai_legacy()),
    ("openai-api-key", "OPENAI_KEY={}", KEYS.openai_service()),
    ("openai-api-key", "export OPENAI_ADMIN={}", "sk-admin-" + KEYS.chars(GENERATE.URLSAFE, 60)),
    ("anthropic-api-key", 'client = Anthropic(api_key="{}")', KEYS.anthropic()),
    ("aws-access-key-id", "aws_access_key_id = {}", KEYS.aws_id()),
    ("aws-access-key-id", "id: {}", "ASIA" + KEYS.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)),
    ("stripe-live-key", "Stripe.api_key = '{}'", KEYS.stripe()),
    ("stripe-restricted-key", "const k = `{}`;", KEYS.stripe("rk_live_")),
    ("stripe-webhook-secret", "endpoint_secret: {}", KEYS.whsec()),
    ("github-token", "GH_TOKEN={}", KEYS.github()),
    ("github-token", "token {}", KEYS.github("gho_")),
    ("github-token", "x {} y", KEYS.github("ghu_")),
    ("github-token", "x {} y", KEYS.github("ghs_")),
    ("github-token", "x {} y", KEYS.github("ghr_")),
    ("github-fine-grained-token", "x {} y", KEYS.github_pat()),
    ("slack-token", "SLACK={}", KEYS.slack()),
    ("slack-token", "t = '{}'", "xoxp-" + KEYS.chars("0123456789", 12) + "-" + KEYS.chars("0123456789", 12) + "-"
     + KEYS.chars(GENERATE.HEX, 32)),
    ("slack-webhook", "url = '{}'", KEYS.slack_webhook()),
    ("google-api-key", "maps: '{}'", KEYS.google()),
    ("twilio-api-key", "sid = '{}'", KEYS.twilio("SK")),
    ("twilio-account-sid", "account = '{}'", KEYS.twilio("AC")),
    ("sendgrid-api-key", "SENDGRID={}", KEYS.sendgrid()),
    ("mailgun-api-key", "mg = '{}'", KEYS.mailgun()),
    ("database-url", "DATABASE_URL=postgres://app:{}@db.internal:5432/app", KEYS.password()),
    ("database-url", "url = 'postgresql+psycopg://app:{}@10.1.2.3/app'", KEYS.password()),
    ("database-url", "MYSQL=mysql://shop:{}@mysql/shop", KEYS.password()),
    ("database-url", "MONGO=mongodb://u:{}@m1,m2/db", KEYS.password()),
    ("database-url", "MONGO=mongodb+srv://u:{}@cluster0.x.mongodb.net", KEYS.password()),
    ("database-url", "REDIS=redis://:{}@cache:6379/0", KEYS.password()),
    ("database-url", "REDIS=rediss://default:{}@cache:6380", KEYS.password()),
    ("database-url", "BROKER=amqp://worker:{}@mq//", KEYS.password()),
    ("database-url", "BROKER=amqps://worker:{}@mq:5671", KEYS.password()),
    ("generic-secret", "SESSION_SECRET={}", KEYS.generic()),
    ("generic-secret", 'JWT_SECRET = "{}"', KEYS.generic(24)),
    ("generic-secret", '{{"client_secret": "{}"}}', KEYS.generic(32)),
    ("generic-secret", "  password: {}", KEYS.password()),
    ("generic-secret", "db.password={}", KEYS.password()),
    ("generic-secret", "DB_PASS={}", KEYS.password()),
    ("generic-secret", "const apiKey = '{}';", KEYS.generic(32)),
    ("generic-secret", "$config['api_key'] => '{}',", KEYS.generic(32)),
    ("generic-secret", 'access_token: str = "{}"', KEYS.generic(32)),
    ("generic-secret", "SECRET_KEY := '{}'", KEYS.generic(50)),
    ("generic-secret", "PRIVATE_KEY={}  # rotated monthly", KEYS.generic(64)),
    ("generic-secret", 'login(user="ops", password="{}")', "Tr0ub4dor&3x!"),
]


@pytest.mark.parametrize(("rule", "template", "secret"), POSITIVE, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(POSITIVE)])
def test_rule_finds_its_secret(rule: str, template: str, secret: str) -> None:
    text = "import os\n" + template.format(secret) + "\n"
    found = find_secrets(text.encode())
    assert [r for _, r, _ in found] == [rule]
    # the whole secret (a Slack webhook is reported from its host on, without "https://")
    assert found[0][2].decode() == secret.removeprefix("https://")


def test_aws_secret_access_key_next_to_its_id() -> None:
    key_id, secret = KEYS.aws_id(), KEYS.aws_secret()
    text = f"[default]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n"
    assert [(r, s) for _, r, s in find_secrets(text.encode())] == [
        ("aws-access-key-id", key_id.encode()),
        ("aws-secret-access-key", secret.encode()),
    ]


def test_aws_secret_far_from_any_id_is_left_to_the_generic_rule() -> None:
    secret = KEYS.aws_secret()
    assert rules_in(f"blob = {secret}\n") == []  # 40 random characters alone are not a finding


@pytest.mark.parametrize("header", ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY",
                                    "ENCRYPTED PRIVATE KEY", "PGP PRIVATE KEY BLOCK"])
def test_private_key_blocks(header: str) -> None:
    body = KEYS.pem_body(6)
    text = f"x = 1\n-----BEGIN {header}-----\n" + "\n".join(body) + f"\n-----END {header}-----\n"
    found = find_secrets(text.encode())
    assert [r for _, r, _ in found] == ["private-key"]
    assert found[0][2].decode() == "".join(body)
    assert scan_bytes(text.encode(), "k.pem")[0].line == 2


def test_private_key_lines_may_end_or_start_with_a_plus() -> None:
    """`+` is a base64 character; only a `+` joining quoted pieces of code is not key material."""
    body = [line[:-1] + "+" for line in KEYS.pem_body(3)] + ["+" + KEYS.pem_body(1)[0][1:]]
    pem = "-----BEGIN PRIVATE KEY-----\n" + "\n".join(body) + "\n-----END PRIVATE KEY-----\n"
    assert secrets_in(pem) == ["".join(body)]
    joined = 'KEY = "-----BEGIN PRIVATE KEY-----\\n" +\n' + "\n".join(f'    "{line}\\n" +' for line in body)
    assert secrets_in(joined + '\n    "-----END PRIVATE KEY-----"\n') == ["".join(body)]


def test_private_key_with_encryption_headers_and_json_escapes() -> None:
    body = KEYS.pem_body(4)
    pem = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00AA\n\n" + "\n".join(body)
    assert rules_in(pem + "\n-----END RSA PRIVATE KEY-----\n") == ["private-key"]
    escaped = '{"private_key": "-----BEGIN PRIVATE KEY-----\\n' + "\\n".join(body) + '\\n-----END PRIVATE KEY-----\\n"}'
    assert rules_in(escaped) == ["private-key"]


NEGATIVE = [
    # placeholders in the shape of each provider's key
    "OPENAI_API_KEY=sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "OPENAI_API_KEY=sk-...",
    "ANTHROPIC_API_KEY=sk-ant-api03-" + "X" * 93 + "AA",
    "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "aws_access_key_id = AKIAXXXXXXXXXXXXXXXX",
    "STRIPE=sk_live_XXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "STRIPE=sk_live_000000000000000000000000",
    "STRIPE=sk_test_" + "aB3dE5gH7jK9mN1pQ3sT5vX7z",  # test keys are not live keys
    "WHSEC=whsec_your_webhook_secret_here_0000",
    "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "GITHUB_TOKEN=ghp_" + "1234567890" * 3 + "abcdef",
    "SLACK=xoxb-000000000000-0000000000000-xxxxxxxxxxxxxxxxxxxxxxxx",
    "GOOGLE=AIzaSyEXAMPLE_EXAMPLE_EXAMPLE_EXAMPLE1",
    "TWILIO=AC00000000000000000000000000000000",
    "SENDGRID=SG.sample_sample_sample.sample_sample_sample_sample_sample_sample",
    "MAILGUN=key-1234567890abcdef1234567890abcdef",
    # prefixes inside longer words
    "task-" + "Ab1" * 15,
    "risk_live_" + "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8",
    "MASKAB" + "0123456789abcdef" * 2,
    "monkey-" + "0a1b2c3d4e5f" * 3,
    # URLs without a real password
    "DATABASE_URL=postgres://user:password@localhost:5432/app",
    "DATABASE_URL=postgres://postgres:postgres@localhost:5432/test",
    "REDIS_URL=redis://:${REDIS_PASSWORD}@redis:6379/0",
    "AMQP_URL=amqp://guest:guest@localhost:5672/",
    "url = f'postgresql://{user}:{password}@{host}/{name}'",
    "url = 'mysql://%(user)s:%(password)s@%(host)s/app' % params",
    "psql postgres://app:<password>@db/app",
    "DATABASE_URL=postgres://app@db/app",
    "see https://user:" + "Zx9" * 5 + "@example.com/ for http basic auth",  # not a database or broker
    # generic assignments that are not secrets
    "SECRET_KEY=changeme",
    "API_KEY=<your-api-key>",
    "SESSION_SECRET=${SESSION_SECRET}",
    "JWT_SECRET={{ jwt_secret }}",
    "DB_PASSWORD=dummy-password-123",
    "ADMIN_PASSWORD=**********",
    "WEBHOOK_TOKEN=your-token-here",
    'token = request.headers.get("Authorization")',
    "password = form.password.data",
    "api_key: str = settings.API_KEY",
    'secret = os.environ["APP_SECRET"]',
    'if password == "Zx9Zx9Zx9Zx9":',
    "max_tokens: int = 4096",
    'csrf_token = "' + KEYS.generic(32) + '"',
    'next_page_token = "' + KEYS.generic(32) + '"',
    'public_key = "' + KEYS.generic(32) + '"',
    "private_key = load_private_key(path=settings.KEY_PATH)",
    '"password": "test-password-1"',
    '"password": "pw-long-enough-1"',
    '"password": "correct-horse-battery-staple"',
    "password: passwordConfirmation",
    "private_key: PKCS7PrivateKeyTypes,",
    "MLKEM768X25519PrivateKey = rust_openssl.hpke.MLKEM768X25519PrivateKey",
    "token=state:e.props,function(",
    "pass = 1",
    "bypass: " + KEYS.generic(20),
    "PWD=/home/user/projects/app",
    "token_url = 'https://auth.example.com/token'",
    "secret: !vault |",
    """(f'TWILIO_API_KEY = "{keys.twilio("SK")}"', "twilio-api-key"),""",
    """fetch("/hook",{{token:"{keys.github("ghs_")}"}});""",
    "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
    "A private key starts with `-----BEGIN PRIVATE KEY-----` and ends with `-----END PRIVATE KEY-----`.",
]


@pytest.mark.parametrize("text", NEGATIVE, ids=range(len(NEGATIVE)))
def test_not_a_finding(text: str) -> None:
    assert rules_in(text + "\n") == []


@pytest.mark.parametrize(
    "value",
    ["xxx", "changeme", "EXAMPLE", "your-key-here", "<token>", "${TOKEN}", "{{ token }}", "%(password)s", "$SECRET",
     "{password}", "aaaaaaaaaaaa", "********", "1234567890", "abcdefgh", "dummy", "Test", "FAKE", "sample"],
)
def test_placeholders(value: str) -> None:
    assert is_placeholder(value)


@pytest.mark.parametrize("seed", range(20))
def test_random_values_are_not_placeholders(seed: int) -> None:
    assert not is_placeholder(GENERATE.Keys(seed).generic(40))


def test_entropy() -> None:
    assert shannon_entropy("") == 0.0
    assert shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("abcd") == pytest.approx(2.0)
    assert shannon_entropy(KEYS.generic(40)) > 4.0
    assert char_classes("aB3!") == 4 and char_classes("abc") == 1


def test_every_rule_has_a_positive_test() -> None:
    # the context rules of issue 13 have their positives in test_secrets_context_rules.py
    context = {"jwt", "authorization-header", "curl-credentials", "url-credentials", "kubernetes-secret",
               "azure-client-secret", "huggingface-token", "http-auth-tuple", "telegram-bot-token", "groq-api-key",
               "xai-api-key", "perplexity-api-key", "replicate-api-token", "openrouter-api-key"}
    tested = {rule for rule, _, _ in POSITIVE} | {"aws-secret-access-key", "private-key"} | context
    assert tested == set(RULE_IDS)


def test_line_numbers_and_offsets_in_one_pass() -> None:
    first, second = KEYS.github(), KEYS.stripe()
    text = f"a\nb\n{first}\n\n\nx = '{second}'\n"
    findings = scan_bytes(text.encode(), "app.py")
    assert [(f.rule, f.line) for f in findings] == [("github-token", 3), ("stripe-live-key", 6)]


def test_minified_long_line() -> None:
    secret = KEYS.github()
    line = "var a=1;" * 50_000 + f'f("{secret}");' + "var b=2;" * 50_000
    findings = scan_bytes(("//header\n" + line + "\n").encode(), "app.min.js")
    assert [(f.rule, f.line, f.secret) for f in findings] == [("github-token", 2, secret)]


def test_binary_data_is_skipped() -> None:
    assert scan_bytes(b"\x89PNG\0\0" + KEYS.github().encode(), "logo.png") == []


def test_finding_never_shows_the_secret() -> None:
    secret = KEYS.stripe()
    finding = Finding("stripe-live-key", "app.py", 3, secret)
    for text in (repr(finding), str(finding), finding.describe(), finding.location, finding.preview):
        assert secret not in text and secret[8:20] not in text
    assert finding.preview == f"{secret[:4]}... ({len(secret)} chars)"
    assert finding.fingerprint == fingerprint("stripe-live-key", secret)
    assert len(finding.fingerprint) == 16 and int(finding.fingerprint, 16) >= 0
    assert finding.fingerprint != fingerprint("generic-secret", secret)
    assert Finding("r", "p", 1, secret, commit="c" * 40).location == f"commit {'c' * 12} p:1"


def _labels() -> set[str]:
    lines = (SAMPLES / "labels.txt").read_text().splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def _scan_samples() -> set[str]:
    from pytest_launchready.checks.secrets.scanner import scan_file

    found = set()
    for path in sorted(SAMPLES.rglob("*")):
        if path.is_file() and path.parent != SAMPLES:
            shown = path.relative_to(SAMPLES).as_posix()
            found |= {f"{f.path}:{f.line}:{f.rule}" for f in scan_file(str(path), shown) or []}
    return found


def test_labelled_samples_all_found_and_nothing_else() -> None:
    labels, found = _labels(), _scan_samples()
    assert len(labels) >= 30
    assert sorted(labels - found) == []  # recall 1.0, rule ids exact
    assert sorted(found - labels) == []  # no finding in clean/, none beyond the labels in leaky/


def test_labelled_samples_are_current() -> None:
    """labels.txt and the files are what generate.py writes (rerun it after changing it)."""
    writer = GENERATE.build(GENERATE.Keys(seed=20240501))
    assert set(writer.labels) == _labels()
    for name, lines in writer.files.items():
        assert (SAMPLES / name).read_text() == "\n".join(lines) + "\n", name
