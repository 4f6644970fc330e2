"""The ``launchready_login`` conftests of the test apps, one constant per way an app logs users in.

Each is the whole conftest.py of a pytester project (``support.projects`` writes it). Logins that
belong to one test's story (a login that records every token it issues, one that hands two
tenants the same identity) stay in that test's module.
"""

#: POST /auth/login takes {org, role} and answers a bearer token (the frame apps, isolation_flask,
#: review_authz_jwt).
ORG_ROLE_LOGIN = '''
import pytest
from pytest_launchready import Credentials

@pytest.fixture(scope="session")
def launchready_login(launchready_client):
    def login(tenant, role):
        token = launchready_client.post("/auth/login", json={"org": tenant, "role": role}).json()["access_token"]
        return Credentials(headers={"Authorization": f"Bearer {token}"})
    return login
'''

#: The same login request answered with a ``sid`` session cookie (auth_cookie).
COOKIE_ORG_ROLE_LOGIN = '''
import pytest
from pytest_launchready import Credentials

@pytest.fixture(scope="session")
def launchready_login(launchready_client):
    def login(tenant, role):
        response = launchready_client.post("/auth/login", json={"org": tenant, "role": role})
        return Credentials(cookies={"sid": response.cookies["sid"]})
    return login
'''

#: Sign-up takes {email, password, org} and login answers a token (the validation, ratelimit and
#: review_surface apps).
SIGNUP_LOGIN = '''
import pytest
from pytest_launchready import Credentials

@pytest.fixture(scope="session")
def launchready_login(launchready_client):
    def login(tenant, role):
        email = f"{role}-{tenant}@example.com"
        launchready_client.post("/auth/signup", json={"email": email, "password": "pw-long-enough", "org": tenant})
        response = launchready_client.post("/auth/login", json={"email": email, "password": "pw-long-enough"})
        response.raise_for_status()  # a burst from the address logins use would make this a 429
        return Credentials(headers={"Authorization": f"Bearer {response.json()['access_token']}"})
    return login
'''

#: Sign-up makes the org and its owner; other roles are invited by the owner (isolation_fastapi).
INVITE_LOGIN = '''
import itertools
import pytest
from pytest_launchready import Credentials

PASSWORD = "pw-long-enough-1"


@pytest.fixture(scope="session")
def launchready_login(launchready_client):
    owners = {}
    serial = itertools.count(1)

    def token(email):
        response = launchready_client.post("/auth/login", json={"email": email, "password": PASSWORD})
        response.raise_for_status()
        return response.json()["access_token"]

    def login(tenant, role):
        if tenant not in owners:
            email = f"owner-{next(serial)}@{tenant}.example.com"
            body = {"email": email, "password": PASSWORD, "org_name": tenant}
            launchready_client.post("/auth/signup", json=body).raise_for_status()
            owners[tenant] = token(email)
            if role == "owner":
                return Credentials(headers={"Authorization": f"Bearer {token(email)}"})
        email = f"{role}-{next(serial)}@{tenant}.example.com"
        invite = launchready_client.post("/orgs/invites", json={"email": email, "role": role},
                                         headers={"Authorization": f"Bearer {owners[tenant]}"})
        invite.raise_for_status()
        accept = {"invite_token": invite.json()["invite_token"], "password": PASSWORD}
        launchready_client.post("/auth/accept-invite", json=accept).raise_for_status()
        return Credentials(headers={"Authorization": f"Bearer {token(email)}"})

    return login
'''

#: INVITE_LOGIN with ``sid`` cookie sessions, plus ``launchready_set_role`` through the owner
#: (review_authz_cookie).
COOKIE_INVITE_LOGIN = '''
import itertools
import pytest
from pytest_launchready import Credentials

PASSWORD = "pw-long-enough-1"


@pytest.fixture(scope="session")
def _owners():
    return {}


@pytest.fixture(scope="session")
def launchready_login(launchready_client, _owners):
    serial = itertools.count(1)

    def session(email):
        response = launchready_client.post("/auth/login", json={"email": email, "password": PASSWORD})
        response.raise_for_status()
        return Credentials(cookies={"sid": response.cookies["sid"]})

    def login(tenant, role):
        if tenant not in _owners:
            email = f"owner-{next(serial)}@{tenant}.example.com"
            launchready_client.post("/auth/signup", json={"email": email, "password": PASSWORD, "org_name": tenant}).raise_for_status()
            _owners[tenant] = session(email)
            if role == "owner":
                return session(email)
        email = f"{role}-{next(serial)}@{tenant}.example.com"
        invite = launchready_client.post("/orgs/invites", json={"email": email, "role": role}, auth=_owners[tenant])
        invite.raise_for_status()
        accept = {"invite_token": invite.json()["invite_token"], "password": PASSWORD}
        launchready_client.post("/auth/accept-invite", json=accept).raise_for_status()
        return session(email)

    return login


@pytest.fixture(scope="session")
def launchready_set_role(launchready_client, _owners):
    def set_role(tenant, credentials, role):
        me = launchready_client.get("/me", auth=credentials).json()
        launchready_client.patch(f"/admin/members/{me['id']}", json={"role": role}, auth=_owners[tenant]).raise_for_status()
    return set_role
'''

#: A RealWorld-style sign-up (tests/apps/realworld_shapes.py): a tenant is one user, wrapped JSON in and
#: out, an opaque ``Authorization: Token``. Every call signs up a new user (the plugin may ask for a
#: second user of one tenant).
REALWORLD_LOGIN = '''
import itertools
import pytest
from pytest_launchready import Credentials

SERIAL = itertools.count(1)

@pytest.fixture(scope="session")
def launchready_login(launchready_client):
    def login(tenant, role):
        n = next(SERIAL)
        user = {"username": f"{tenant}-{n}", "email": f"{tenant}-{n}@example.com", "password": "pw-123456"}
        answer = launchready_client.post("/api/users", json={"user": user})
        answer.raise_for_status()
        return Credentials(headers={"Authorization": f"Token {answer.json()['user']['token']}"})
    return login
'''

#: The same, telling the plugin the user's username (``Credentials(identity=...)``), for a run where
#: the who-am-I route is excluded and nothing else says who the user is.
REALWORLD_IDENTITY_LOGIN = REALWORLD_LOGIN.replace(
    "return Credentials(headers={", "return Credentials(identity={'username': user['username']}, headers={")

#: REALWORLD_LOGIN for a Django REST framework app: DRF routes end with a slash (tests/apps/drf_shapes.py).
DRF_LOGIN = REALWORLD_LOGIN.replace('"/api/users"', '"/api/users/"')

#: The restaurant (tests/apps/restaurant_staff.py): customers sign in to a household (the tenant);
#: chefs and employees are global staff, asked for as ``login("<run>-staff", role)``. Each call is a
#: new user. A staff role for a tenant, or a customer for the staff name, is refused here, so a
#: run that mixes them up fails at set-up.
STAFF_LOGIN = '''
import itertools
import pytest
from pytest_launchready import Credentials

SERIAL = itertools.count(1)
STAFF = {"chef", "employee"}

@pytest.fixture(scope="session")
def launchready_login(launchready_client):
    def login(tenant, role):
        if (role in STAFF) != tenant.endswith("-staff"):
            raise ValueError(f"{role} is not a role of a household ({tenant})")
        body = {"household": "" if role in STAFF else tenant, "role": role, "name": f"{role}-{next(SERIAL)}"}
        answer = launchready_client.post("/auth/login", json=body)
        answer.raise_for_status()
        return Credentials(headers={"Authorization": f"Bearer {answer.json()['access_token']}"})
    return login
'''

#: The Flask shapes app (tests/apps/flask_shapes.py): a tenant is one user, signed up through
#: ``{"data": {...}}``; superusers are global staff, made by the app's ``create_superuser`` (its
#: ``flask create-superuser`` command) for ``login("<run>-staff", "superuser")``. Each call is a new user.
FLASK_SHAPES_LOGIN = '''
import itertools
import pytest
from pytest_launchready import Credentials

SERIAL = itertools.count(1)

@pytest.fixture(scope="session")
def launchready_login(launchready_client):
    def login(tenant, role):
        n = next(SERIAL)
        user = {"username": f"{tenant}-{n}", "email": f"{role}-{n}@{tenant}.example.com", "password": "pw-123456"}
        if role == "superuser":
            import myapp  # the app under test, in this process: its CLI command's function

            myapp.create_superuser(**user)
            credentials = {"email": user["email"], "password": user["password"]}
            answer = launchready_client.post("/api/auth/login", json={"data": credentials})
        else:
            answer = launchready_client.post("/api/accounts", json={"data": user})
        answer.raise_for_status()
        return Credentials(headers={"Authorization": f"Bearer {answer.json()['data']['token']}"})
    return login
'''

#: A hand-written login for tests/apps/user_accounts.py that says the username (Credentials(identity=...)).
USER_ACCOUNTS_LOGIN = '''
import itertools
import pytest
from pytest_launchready import Credentials

SERIAL = itertools.count(1)

@pytest.fixture(scope="session")
def launchready_login(launchready_client):
    def login(tenant, role):
        name = f"{tenant}-{next(SERIAL)}"
        user = {"username": name, "email": name + "@example.com", "password": "pw-123456"}
        launchready_client.post("/users/register", json=user).raise_for_status()
        answer = launchready_client.post("/users/login", json={"username": name, "password": "pw-123456"})
        return Credentials(headers={"Authorization": "Bearer " + answer.json()["auth_token"]}, identity={"username": name})
    return login
'''
