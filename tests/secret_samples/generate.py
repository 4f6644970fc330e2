"""Write the labelled secret sample set: synthetic keys in the right formats, and clean look-alikes.

Every secret here is random text from a seeded generator, made in the shape of a real provider key;
none was ever issued by a provider. Run ``python tests/secret_samples/generate.py`` to rewrite the
files and ``labels.txt`` (``file:line:rule`` for each planted secret); the output is the same each
time. The benchmark (benchmarks/secrets_scan.py) imports :class:`Keys` to plant secrets in its
generated tree.
"""

from __future__ import annotations

import base64
import random
import string
import sys
from pathlib import Path

HERE = Path(__file__).parent
ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "-_"
HEX = "0123456789abcdef"


class Keys:
    """Synthetic secrets in provider formats, drawn from one seeded RNG."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def chars(self, alphabet: str, n: int) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def openai(self) -> str:
        return f"sk-proj-{self.chars(URLSAFE, 74)}T3BlbkFJ{self.chars(URLSAFE, 74)}"

    def openai_legacy(self) -> str:
        return f"sk-{self.chars(ALNUM, 20)}T3BlbkFJ{self.chars(ALNUM, 20)}"

    def openai_service(self) -> str:
        return f"sk-svcacct-{self.chars(URLSAFE, 64)}"

    def anthropic(self) -> str:
        return f"sk-ant-api03-{self.chars(URLSAFE, 93)}AA"

    def aws_id(self) -> str:
        return "AKIA" + self.chars(string.ascii_uppercase + "234567", 16)

    def aws_secret(self) -> str:
        return self.chars(ALNUM + "/+", 40)

    def stripe(self, prefix: str = "sk_live_") -> str:
        return prefix + "51" + self.chars(ALNUM, 97)

    def whsec(self) -> str:
        return "whsec_" + self.chars(ALNUM, 32)

    def github(self, prefix: str = "ghp_") -> str:
        return prefix + self.chars(ALNUM, 36)

    def github_pat(self) -> str:
        return f"github_pat_11{self.chars(string.ascii_uppercase + string.digits, 20)}_{self.chars(ALNUM, 59)}"

    def slack(self) -> str:
        return f"xoxb-{self.chars(string.digits, 12)}-{self.chars(string.digits, 13)}-{self.chars(ALNUM, 24)}"

    def slack_webhook(self) -> str:
        upper = string.ascii_uppercase + string.digits
        return f"https://hooks.slack.com/services/T{self.chars(upper, 8)}/B{self.chars(upper, 10)}/{self.chars(ALNUM, 24)}"

    def google(self) -> str:
        return "AIza" + self.chars(URLSAFE, 35)

    def twilio(self, prefix: str) -> str:
        return prefix + self.chars(HEX, 32)

    def sendgrid(self) -> str:
        return f"SG.{self.chars(URLSAFE, 22)}.{self.chars(URLSAFE, 43)}"

    def mailgun(self) -> str:
        return "key-" + self.chars(HEX, 32)

    def password(self) -> str:
        return self.chars(ALNUM + "!#%^*_-", 20)

    def generic(self, n: int = 40) -> str:
        return self.chars(ALNUM, n)

    def pem_body(self, lines: int = 25) -> list[str]:
        raw = base64.b64encode(bytes(self.rng.getrandbits(8) for _ in range(48 * lines))).decode()
        raw = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" + raw[32:]
        return [raw[i : i + 64] for i in range(0, len(raw), 64)]


class Writer:
    """Collects sample files and the labels of the secrets planted in them."""

    def __init__(self) -> None:
        self.files: dict[str, list[str]] = {}
        self.labels: list[str] = []

    def add(self, name: str, lines: list[str | tuple[str, str]]) -> None:
        """``lines``: plain text, or ``(text, rule)`` for a line holding a secret of that rule."""
        text: list[str] = []
        for number, line in enumerate(lines, 1):
            if isinstance(line, tuple):
                line, rule = line
                self.labels.append(f"{name}:{number}:{rule}")
            text.append(line)
        self.files[name] = text


def build(keys: Keys) -> Writer:
    """The whole sample set."""
    w = Writer()
    db_pw = keys.password
    w.add("leaky/app.env", [
        "# production settings, committed by mistake",
        "DEBUG=false",
        "LOG_LEVEL=info",
        (f"DATABASE_URL=postgres://app_user:{db_pw()}@db.internal:5432/app", "database-url"),
        (f"REDIS_URL=rediss://:{keys.generic(32)}@cache.internal:6380/0", "database-url"),
        (f"OPENAI_API_KEY={keys.openai()}", "openai-api-key"),
        (f"ANTHROPIC_API_KEY={keys.anthropic()}", "anthropic-api-key"),
        (f"STRIPE_SECRET_KEY={keys.stripe()}", "stripe-live-key"),
        (f"STRIPE_WEBHOOK_SECRET={keys.whsec()}", "stripe-webhook-secret"),
        (f"SENDGRID_API_KEY={keys.sendgrid()}", "sendgrid-api-key"),
        (f"SESSION_SECRET={keys.generic(48)}", "generic-secret"),
        "ALLOWED_HOSTS=app.example.com",
    ])
    w.add("leaky/settings.py", [
        '"""Service settings."""',
        "import os",
        "",
        (f'AWS_ACCESS_KEY_ID = "{keys.aws_id()}"', "aws-access-key-id"),
        (f'AWS_SECRET_ACCESS_KEY = "{keys.aws_secret()}"', "aws-secret-access-key"),
        'AWS_REGION = "eu-west-1"',
        (f'GITHUB_TOKEN = "{keys.github()}"', "github-token"),
        (f'SLACK_BOT_TOKEN = "{keys.slack()}"', "slack-token"),
        (f'MAILGUN_API_KEY = "{keys.mailgun()}"', "mailgun-api-key"),
        (f'TWILIO_ACCOUNT_SID = "{keys.twilio("AC")}"', "twilio-account-sid"),
        (f'TWILIO_API_KEY = "{keys.twilio("SK")}"', "twilio-api-key"),
        (f"SECRET_KEY = 'django-insecure-{keys.password()}'", "generic-secret"),
        "",
        "",
        "def database_password() -> str:",
        '    password = os.environ["DB_PASSWORD"]',
        "    return password",
    ])
    pem = keys.pem_body()
    w.add("leaky/service-account.json", [
        "{",
        '  "type": "service_account",',
        '  "project_id": "chatbot-prod",',
        '  "private_key_id": "' + keys.chars(HEX, 40) + '",',
        ('  "private_key": "-----BEGIN PRIVATE KEY-----\\n' + "\\n".join(pem) + '\\n-----END PRIVATE KEY-----\\n",', "private-key"),
        '  "client_email": "deployer@chatbot-prod.iam.gserviceaccount.com",',
        ('  "client_secret": "' + keys.generic(32) + '",', "generic-secret"),
        "}",
    ])
    ssh_body = base64.b64encode(b"openssh-key-v1\0" + bytes(keys.rng.getrandbits(8) for _ in range(380))).decode()
    w.add("leaky/deploy_key", [
        ("-----BEGIN OPENSSH PRIVATE KEY-----", "private-key"),
        *[ssh_body[i : i + 70] for i in range(0, len(ssh_body), 70)],
        "-----END OPENSSH PRIVATE KEY-----",
    ])
    w.add("leaky/docker-compose.yml", [
        "services:",
        "  api:",
        "    image: chatbot/api:1.4.2",
        "    environment:",
        (f"      MONGO_URL: mongodb+srv://admin_svc:{db_pw()}@cluster0.ab12c.mongodb.net/chat", "database-url"),
        (f"      AMQP_URL: amqps://worker:{db_pw()}@mq.internal:5671/", "database-url"),
        (f"      MYSQL_DSN: mysql+pymysql://shop:{db_pw()}@10.0.0.5:3306/shop", "database-url"),
        "  db:",
        "    image: postgres:16",
        "    environment:",
        (f"      POSTGRES_PASSWORD: {db_pw()}", "generic-secret"),
    ])
    w.add("leaky/notify.js", [
        "import fetch from 'node-fetch';",
        "",
        (f"const SLACK_WEBHOOK = '{keys.slack_webhook()}';", "slack-webhook"),
        (f"const mapsKey = '{keys.google()}';", "google-api-key"),
        (f"const deployToken = '{keys.github_pat()}';", "github-fine-grained-token"),
        "export async function notify(text) {",
        "  return fetch(SLACK_WEBHOOK, { method: 'POST', body: JSON.stringify({ text }) });",
        "}",
        (f"export const client = new Client({{ apiKey: '{keys.openai_legacy()}' }});", "openai-api-key"),
    ])
    w.add("leaky/bundle.min.js", [
        (_minified(keys, 400) + f'var c={{stripe:"{keys.stripe("rk_live_")}"}};' + _minified(keys, 400), "stripe-restricted-key"),
        (_minified(keys, 600) + f'e.headers["x-api-key"]="{keys.openai_service()}";' + _minified(keys, 300), "openai-api-key"),
        (_minified(keys, 500) + f'const t={{password:"{keys.password()}"}};' + _minified(keys, 200), "generic-secret"),
        (_minified(keys, 500) + f'fetch("/hook",{{token:"{keys.github("ghs_")}"}});' + _minified(keys, 500), "github-token"),
    ])
    w.add("leaky/app.log", [
        "2024-05-01 10:00:01 INFO starting worker pid=4121",
        (f"2024-05-01 10:00:02 DEBUG connecting to mysql://root_app:{db_pw()}@10.0.0.7/shop", "database-url"),
        "2024-05-01 10:00:03 INFO ready",
        (f"2024-05-01 10:00:04 DEBUG outbound request headers={{'api_key': '{keys.generic(32)}'}}", "generic-secret"),
        (f"2024-05-01 10:00:05 ERROR slack post failed token={keys.slack()}", "slack-token"),
    ])
    w.add("clean/placeholders.env", [
        "# copy to .env and fill in",
        "OPENAI_API_KEY=sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "ANTHROPIC_API_KEY=sk-ant-api03-" + "X" * 93 + "AA",
        "STRIPE_SECRET_KEY=sk_live_XXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        "STRIPE_WEBHOOK_SECRET=whsec_your_webhook_secret_here_0000",
        "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
        "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "SLACK_BOT_TOKEN=xoxb-000000000000-0000000000000-xxxxxxxxxxxxxxxxxxxxxxxx",
        "GOOGLE_API_KEY=AIzaSyEXAMPLE_EXAMPLE_EXAMPLE_EXAMPLE1",
        "TWILIO_ACCOUNT_SID=AC00000000000000000000000000000000",
        "SENDGRID_API_KEY=SG.sample_sample_sample.sample_sample_sample_sample_sample_sample",
        "MAILGUN_API_KEY=key-1234567890abcdef1234567890abcdef",
        "DATABASE_URL=postgres://user:password@localhost:5432/app",
        "TEST_DATABASE_URL=postgres://postgres:postgres@localhost:5432/test",
        "REDIS_URL=redis://:${REDIS_PASSWORD}@redis:6379/0",
        "AMQP_URL=amqp://guest:guest@localhost:5672/",
        "SECRET_KEY=changeme",
        "API_KEY=<your-api-key>",
        "SESSION_SECRET=${SESSION_SECRET}",
        "JWT_SECRET={{ jwt_secret }}",
        "DB_PASSWORD=dummy-password-123",
        "ADMIN_PASSWORD=**********",
        "WEBHOOK_TOKEN=your-token-here",
    ])
    w.add("clean/code.py", [
        '"""Code that handles secrets without holding any."""',
        "import os",
        "",
        "from .config import settings",
        "",
        "",
        "def login(request, form):",
        '    token = request.headers.get("Authorization")',
        "    password = form.password.data",
        "    api_key: str = settings.API_KEY",
        '    secret = os.environ["APP_SECRET"]',
        '    if password == "":',
        '        raise ValueError("password required")',
        "    max_tokens: int = 4096",
        '    csrf_token = "{{ csrf_token() }}"',
        '    next_page_token = "CiAKGjBpNDd2Nmp2Zml2cXRp"',
        "    private_key = load_private_key(path=settings.KEY_PATH)",
        '    password_hint = "Use at least 12 characters"',
        '    db_url = f"postgresql://{user}:{password}@{host}/{name}"',
        '    conn = "mysql://%(user)s:%(password)s@%(host)s/app" % params',
        "    return token, secret, api_key, private_key",
        "",
        "",
        "def test_login(client):",
        '    response = client.post("/login", json={"email": "a@example.com", "password": "test-password-1"})',
        '    assert response.json()["token_type"] == "bearer"',
    ])
    w.add("clean/README.md", [
        "# Setup",
        "",
        "Set `OPENAI_API_KEY=sk-...` and `STRIPE_SECRET_KEY=sk_live_...` in your environment.",
        "AWS credentials look like `AKIAIOSFODNN7EXAMPLE`; never commit real ones.",
        "A private key starts with `-----BEGIN PRIVATE KEY-----` and ends with `-----END PRIVATE KEY-----`.",
        "",
        "```",
        "-----BEGIN RSA PRIVATE KEY-----",
        "...",
        "-----END RSA PRIVATE KEY-----",
        "```",
        "Connect with `psql postgres://app:<password>@db/app`.",
    ])
    w.add("clean/hashes.txt", [
        "integrity=sha384-" + base64.b64encode(bytes(keys.rng.getrandbits(8) for _ in range(48))).decode(),
        "commit " + keys.chars(HEX, 40),
        "resolved: sha512-" + base64.b64encode(bytes(keys.rng.getrandbits(8) for _ in range(64))).decode(),
        "request_id: " + "-".join(keys.chars(HEX, n) for n in (8, 4, 4, 4, 12)),
        "etag: W/\"" + keys.chars(HEX, 32) + '"',
        "data:image/png;base64," + base64.b64encode(bytes(keys.rng.getrandbits(8) for _ in range(90))).decode(),
        "sk-learn task-queue-worker-" + keys.chars(ALNUM, 40),
    ])
    w.add("clean/bundle.min.js", [_minified(keys, 3000), _minified(keys, 3000)])
    return w


_JS_WORDS = ("function", "return", "var", "const", "this", "props", "state", "apiKey", "token", "config", "then",
             "fetch", "headers", "value", "length", "push", "map", "filter", "render", "children", "key")


def _minified(keys: Keys, words: int) -> str:
    rng = keys.rng
    parts = []
    for _ in range(words):
        word = rng.choice(_JS_WORDS)
        shape = rng.random()
        if shape < 0.2:
            parts.append(f"{word}:e.{rng.choice(_JS_WORDS)},")
        elif shape < 0.4:
            parts.append(f"{rng.choice('abcdeftnr')}.{word}({rng.choice('abcdeftnr')});")
        elif shape < 0.5:
            parts.append(f'"{word}"===t&&')
        else:
            parts.append(word + rng.choice("(){};,.=+!?"))
    return "".join(parts)


def main() -> None:
    """Rewrite the sample files and labels.txt."""
    writer = build(Keys(seed=20240501))
    for name, lines in writer.files.items():
        path = HERE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n")
    header = ["# file:line:rule for every planted (synthetic) secret; files under clean/ must give no finding"]
    (HERE / "labels.txt").write_text("\n".join(header + writer.labels) + "\n")
    print(f"wrote {len(writer.files)} files, {len(writer.labels)} labels", file=sys.stderr)


if __name__ == "__main__":
    main()
