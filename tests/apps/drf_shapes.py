"""A Django REST framework API in one module (WSGI, in-process), shaped like the RealWorld one:
wrapped JSON in and out, articles addressed by slug and users by username, DRF's trailing slashes,
``Authorization: Token <token>``, and a hand-written OpenAPI document served at ``/api/schema/``
(DRF's own schema generation needs uritemplate and PyYAML; the spec is what matters here).

- ``POST /api/users/`` (public sign-up): ``{"user": {"username", "email", "password"}}`` ->
  ``{"user": {..., "token"}}``. ``GET /api/user/``: the caller, ``{"user": {"username", "email", "bio"}}``.
- ``/api/articles/`` and ``/api/articles/{slug}/``: a ``SimpleRouter`` viewset (list, create,
  retrieve, update, destroy); create takes ``{"article": {"title", "body"}}`` and answers
  ``{"article": {"slug", ...}}``, the list is DRF-paginated: ``{"count": n, "results": [...]}``. Only
  the author reads, updates or deletes an article.
- ``GET``/``PUT /api/profiles/{username}/settings/`` ``{"profile": {"bio"}}``: only the user themself.
- ``PUT /api/user/`` ``{"user": {"username", "bio"}}`` updates the caller's bio; a username that is
  another user's is refused (400, as a unique username field is).
- ``/api/bookmarks/`` and ``/api/bookmarks/{id}/`` (list, create, retrieve): create takes
  ``{"bookmark": {"note"}}`` and answers ``{"status": "saved"}``, no id; only the paginated list
  shows it.

Flaws (``DRF_FLAWS``, comma-separated; none by default): ``read-any`` (anyone reads any article),
``write-any`` (anyone updates or deletes any article), ``settings-any`` (anyone reads and changes
anyone's settings), ``user-by-body`` (``PUT /api/user/`` updates the user the body's username
names), ``bookmarks-any`` (anyone reads any bookmark).
"""

from __future__ import annotations

import os
import re
import secrets
from typing import Any

import django
from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="drf-shapes-tests-only",
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["testserver", "127.0.0.1", "localhost"],
        MIDDLEWARE=[],
        INSTALLED_APPS=["rest_framework"],
        REST_FRAMEWORK={"UNAUTHENTICATED_USER": None},  # no django.contrib.auth: users live in USERS
    )
    django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.urls import include, path  # noqa: E402
from rest_framework import exceptions, viewsets  # noqa: E402
from rest_framework.authentication import BaseAuthentication  # noqa: E402
from rest_framework.parsers import JSONParser  # noqa: E402
from rest_framework.permissions import AllowAny, IsAuthenticated  # noqa: E402
from rest_framework.renderers import JSONRenderer  # noqa: E402
from rest_framework.request import Request  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.routers import SimpleRouter  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

FLAWS = set(filter(None, os.environ.get("DRF_FLAWS", "").split(",")))
USERS: dict[str, dict[str, Any]] = {}  # username -> user
TOKENS: dict[str, str] = {}  # token -> username
ARTICLES: dict[str, dict[str, Any]] = {}  # slug -> article
BOOKMARKS: dict[str, dict[str, Any]] = {}  # id -> bookmark


class User(dict):  # type: ignore[type-arg]
    """A user record that DRF's IsAuthenticated accepts."""

    is_authenticated = True


class TokenAuth(BaseAuthentication):
    """``Authorization: Token <token>`` against TOKENS; the 401 names the scheme."""

    def authenticate(self, request: Request) -> tuple[User, str] | None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Token":
            return None
        username = TOKENS.get(token.strip())
        if username is None:
            raise exceptions.AuthenticationFailed("unknown token")
        return USERS[username], token

    def authenticate_header(self, request: Request) -> str:
        return "Token"


class Api(APIView):
    authentication_classes = [TokenAuth]
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]


def _fields(request: Request, key: str) -> dict[str, Any]:
    inner = request.data.get(key) if isinstance(request.data, dict) else None
    if not isinstance(inner, dict):
        raise exceptions.ValidationError({key: "expected an object"})
    return inner


def _public(user: dict[str, Any]) -> dict[str, Any]:
    return {"username": user["username"], "email": user["email"], "bio": user["bio"]}


class SignUp(Api):
    authentication_classes = []
    permission_classes = [AllowAny]

    def post(self, request: Request) -> Response:
        new = _fields(request, "user")
        if not all(isinstance(new.get(k), str) and new[k] for k in ("username", "email", "password")):
            raise exceptions.ValidationError("username, email and password are required")
        if new["username"] in USERS:
            raise exceptions.ValidationError("taken")
        USERS[new["username"]] = User(username=new["username"], email=new["email"], password=new["password"], bio="")
        token = secrets.token_urlsafe(24)
        TOKENS[token] = new["username"]
        return Response({"user": {**_public(USERS[new["username"]]), "token": token}}, status=201)


class CurrentUser(Api):
    def get(self, request: Request) -> Response:
        return Response({"user": _public(request.user)})

    def put(self, request: Request) -> Response:
        fields, user = _fields(request, "user"), request.user
        named = fields.get("username")
        if "user-by-body" in FLAWS and named in USERS:
            user = USERS[named]  # trusts the body to say who is asking
        elif named not in (None, "", user["username"]) and named in USERS:
            raise exceptions.ValidationError({"username": "already taken"})
        if isinstance(fields.get("bio"), str):
            user["bio"] = fields["bio"]
        return Response({"user": _public(user)})


class Articles(viewsets.ViewSet):
    authentication_classes = [TokenAuth]
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]
    lookup_field = "slug"

    def _article(self, request: Request, slug: str, flaw: str) -> dict[str, Any]:
        article = ARTICLES.get(slug)
        if article is None or (article["author"] != request.user["username"] and flaw not in FLAWS):
            raise exceptions.NotFound("no such article")
        return article

    def list(self, request: Request) -> Response:
        mine = [a for a in ARTICLES.values() if a["author"] == request.user["username"]]
        return Response({"count": len(mine), "next": None, "previous": None, "results": mine})

    def create(self, request: Request) -> Response:
        fields = _fields(request, "article")
        if not (fields.get("title") and fields.get("body")):
            raise exceptions.ValidationError("an article needs a title and a body")
        slug = re.sub(r"[^a-z0-9]+", "-", str(fields["title"]).lower()).strip("-")[:40] + "-" + secrets.token_hex(3)
        ARTICLES[slug] = {"slug": slug, "title": fields["title"], "body": fields["body"], "author": request.user["username"]}
        return Response({"article": ARTICLES[slug]}, status=201)

    def retrieve(self, request: Request, slug: str) -> Response:
        return Response({"article": self._article(request, slug, "read-any")})

    def update(self, request: Request, slug: str) -> Response:
        article = self._article(request, slug, "write-any")
        fields = _fields(request, "article")
        article.update({k: fields[k] for k in ("title", "body") if fields.get(k)})
        return Response({"article": article})

    def destroy(self, request: Request, slug: str) -> Response:
        ARTICLES.pop(self._article(request, slug, "write-any")["slug"])
        return Response(status=204)


class Bookmarks(viewsets.ViewSet):
    authentication_classes = [TokenAuth]
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]

    def list(self, request: Request) -> Response:
        mine = [b for b in BOOKMARKS.values() if b["owner"] == request.user["username"]]
        return Response({"count": len(mine), "next": None, "previous": None, "results": mine})

    def create(self, request: Request) -> Response:
        note = _fields(request, "bookmark").get("note")
        if not isinstance(note, str) or not note:
            raise exceptions.ValidationError({"note": "required"})
        bookmark_id = "bm-" + secrets.token_hex(4)
        BOOKMARKS[bookmark_id] = {"id": bookmark_id, "note": note, "owner": request.user["username"]}
        return Response({"status": "saved"}, status=201)

    def retrieve(self, request: Request, pk: str) -> Response:
        bookmark = BOOKMARKS.get(pk)
        if bookmark is None or (bookmark["owner"] != request.user["username"] and "bookmarks-any" not in FLAWS):
            raise exceptions.NotFound("no such bookmark")
        return Response({"bookmark": bookmark})


class ProfileSettings(Api):
    def _owner(self, request: Request, username: str) -> dict[str, Any]:
        if username != request.user["username"] and "settings-any" not in FLAWS:
            raise exceptions.PermissionDenied("not yours")
        if username not in USERS:
            raise exceptions.NotFound("no such user")
        return USERS[username]

    def get(self, request: Request, username: str) -> Response:
        return Response({"profile": _public(self._owner(request, username))})

    def put(self, request: Request, username: str) -> Response:
        owner = self._owner(request, username)
        bio = _fields(request, "profile").get("bio")
        if isinstance(bio, str):
            owner["bio"] = bio
        return Response({"profile": _public(owner)})


def _wrapped(key: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": {key: {"type": "object", "properties": properties}}, "required": [key]}


_TEXT = {"type": "string"}
_ARTICLE = _wrapped("article", {"title": _TEXT, "body": _TEXT})
_SETTINGS = _wrapped("profile", {"bio": _TEXT})
_USER_CHANGE = _wrapped("user", {"username": _TEXT, "bio": _TEXT})
_BOOKMARK = _wrapped("bookmark", {"note": _TEXT})
_ID = [{"name": "id", "in": "path", "required": True, "schema": _TEXT}]
_SLUG = [{"name": "slug", "in": "path", "required": True, "schema": _TEXT}]
_USERNAME = [{"name": "username", "in": "path", "required": True, "schema": _TEXT}]


def _op(body: dict[str, Any] | None = None, public: bool = False, status: str = "200") -> dict[str, Any]:
    op: dict[str, Any] = {"responses": {status: {"description": "ok"}}}
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if public:
        op["security"] = []
    return op


SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "drf shapes", "version": "1"},
    "components": {"securitySchemes": {"token": {"type": "apiKey", "in": "header", "name": "Authorization"}}},
    "security": [{"token": []}],
    "paths": {
        "/api/users/": {"post": _op(_wrapped("user", {"username": _TEXT, "email": _TEXT, "password": _TEXT}), True, "201")},
        "/api/user/": {"get": _op(), "put": _op(_USER_CHANGE)},
        "/api/bookmarks/": {"get": _op(), "post": _op(_BOOKMARK, status="201")},
        "/api/bookmarks/{id}/": {"parameters": _ID, "get": _op()},
        "/api/articles/": {"get": _op(), "post": _op(_ARTICLE, status="201")},
        "/api/articles/{slug}/": {"parameters": _SLUG, "get": _op(), "put": _op(_ARTICLE), "delete": _op(status="204")},
        "/api/profiles/{username}/settings/": {"parameters": _USERNAME, "get": _op(), "put": _op(_SETTINGS)},
        "/api/schema/": {"get": _op(public=True)},
    },
}


class Schema(Api):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        return Response(SPEC)


router = SimpleRouter()  # trailing_slash="/" by default, as DRF apps have it
router.register("articles", Articles, basename="article")
router.register("bookmarks", Bookmarks, basename="bookmark")

urlpatterns = [
    path("api/users/", SignUp.as_view()),
    path("api/user/", CurrentUser.as_view()),
    path("api/profiles/<str:username>/settings/", ProfileSettings.as_view()),
    path("api/schema/", Schema.as_view()),
    path("api/", include(router.urls)),
]

app = get_wsgi_application()
