"""The frame test app as a Django (WSGI) project in one module; FRAME_FLAWS=open-items opens GET /items."""

from __future__ import annotations

import os

import django
from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="frame-django-tests-only",
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["testserver", "127.0.0.1", "localhost"],
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
    )
    django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402
from django.views.decorators.http import require_GET, require_POST  # noqa: E402

FLAWS = set(filter(None, os.environ.get("FRAME_FLAWS", "").split(",")))
USERS: dict[str, str] = {}


def _org(request):  # type: ignore[no-untyped-def]
    return USERS.get(request.headers.get("Authorization", "").removeprefix("Bearer ").strip())


@require_GET
def health(request):  # type: ignore[no-untyped-def]
    return JsonResponse({"ok": True})


@csrf_exempt
@require_POST
def login(request):  # type: ignore[no-untyped-def]
    import json

    body = json.loads(request.body or b"{}")
    token = f"tok-{body.get('org')}-{body.get('role')}-{len(USERS)}"
    USERS[token] = str(body.get("org"))
    return JsonResponse({"access_token": token})


@require_GET
def items(request):  # type: ignore[no-untyped-def]
    if _org(request) is None and "open-items" not in FLAWS:
        return JsonResponse({"detail": "not authenticated"}, status=401)
    return JsonResponse([{"id": "1"}], safe=False)


@require_GET
def item(request, item_id: int):  # type: ignore[no-untyped-def]
    if _org(request) is None:
        return JsonResponse({"detail": "not authenticated"}, status=401)
    return JsonResponse({"id": item_id})


urlpatterns = [
    path("health", health),
    path("auth/login", login),
    path("items", items),
    path("items/<int:item_id>", item),
]

app = get_wsgi_application()
