"""Code that handles secrets without holding any."""
import os

from .config import settings


def login(request, form):
    token = request.headers.get("Authorization")
    password = form.password.data
    api_key: str = settings.API_KEY
    secret = os.environ["APP_SECRET"]
    if password == "":
        raise ValueError("password required")
    max_tokens: int = 4096
    csrf_token = "{{ csrf_token() }}"
    next_page_token = "CiAKGjBpNDd2Nmp2Zml2cXRp"
    private_key = load_private_key(path=settings.KEY_PATH)
    password_hint = "Use at least 12 characters"
    db_url = f"postgresql://{user}:{password}@{host}/{name}"
    conn = "mysql://%(user)s:%(password)s@%(host)s/app" % params
    return token, secret, api_key, private_key


def test_login(client):
    response = client.post("/login", json={"email": "a@example.com", "password": "test-password-1"})
    assert response.json()["token_type"] == "bearer"
