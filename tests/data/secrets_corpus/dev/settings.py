"""Django settings for the helpdesk project (staging)."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "@@secret64@@"
DEBUG = False
ALLOWED_HOSTS = ["helpdesk.staging.internal"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "helpdesk",
        "USER": "helpdesk",
        "PASSWORD": "@@password@@",
        "HOST": "db.internal",
    }
}

OPENAI_API_KEY = os.environ.get("OPENAI_API_KEY", "@@openai@@")
ANTHROPIC_API_KEY = os.environ["ANTHROPIC_API_KEY"]
HUGGINGFACE_TOKEN = os.getenv("HF_TOKEN")
STRIPE_SECRET_KEY = "@@stripe@@"
AWS_ACCESS_KEY_ID = "@@aws_id@@"
AWS_SECRET_ACCESS_KEY = "@@aws_secret@@"
EMAIL_HOST_PASSWORD = "@@password@@"
SLACK_TOKEN: str = "@@slack_bot@@"
GITHUB_APP_PRIVATE_KEY = """@@pem_rsa@@"""

CELERY_BROKER_URL = "amqps://worker:@@password@@@mq.internal:5671/helpdesk"
CACHE_KEY_PREFIX = "helpdesk"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [{"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"}]
SESSION_COOKIE_NAME = "helpdesk_session"
CSRF_TRUSTED_ORIGINS = ["https://helpdesk.staging.internal"]


def client_headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def service_headers() -> dict[str, str]:
    return {"Authorization": "Bearer @@bearer@@"}


def basic_headers() -> dict[str, str]:
    return {"Authorization": "Basic @@basic@@"}


def login(client, user):
    password = user.password
    token = get_token(user)
    api_key = settings.API_KEY
    secret = load_secret("stripe")
    client.login(username=user.email, password=password)
    return token


def test_login(client):
    client.post("/login", data={"email": "a@b.c", "password": "pw-long-enough-1"})
    assert client.get("/me").json()["token_type"] == "bearer"


os.environ.setdefault("SERVICE_API_TOKEN", "@@secret32@@")
props.setProperty("PAYMENTS_API_TOKEN", "@@secret32@@")
GOOGLE_API_KEY = "AIzaSy-your-key-goes-here-0000000000"
GITHUB_TOKEN = "ghp_" + "x" * 36
SENDGRID_API_KEY = os.environ.get("SENDGRID_API_KEY", "")
JWT_ALGORITHM = "HS256"
PRIVATE_KEY_PATH = "/etc/helpdesk/jwt.pem"
REFRESH_TOKEN_LIFETIME_DAYS = 14
LONG_SIGNING_SECRET = "@@long_secret@@"
