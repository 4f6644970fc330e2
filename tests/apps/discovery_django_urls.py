"""A small Django URLconf for tests/plugin/test_discovery.py (loaded by file path, no package needed)."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.urls import include, path, re_path
from django.views import View
from django.views.decorators.http import require_http_methods, require_POST
from django.views.static import serve


class ItemView(View):
    """One item."""

    def get(self, request, pk):
        return JsonResponse({"id": pk})

    def put(self, request, pk):
        return JsonResponse({"id": pk})

    def delete(self, request, pk):
        return HttpResponse(status=204)


@require_http_methods(["GET", "POST"])
def conversations(request):
    """List or start conversations."""
    return JsonResponse([], safe=False)


@require_POST
def login(request):
    return JsonResponse({})


def health(request):
    return HttpResponse("ok")


def archive(request, year, slug):
    return HttpResponse("")


def legacy(request, org, page):
    return HttpResponse("")


api_patterns = [
    path("items/<int:pk>/", ItemView.as_view(), name="item"),
    path("conversations/", conversations, name="conversations"),
    path("docs/<uuid:doc_id>/<path:rest>", health, name="doc-file"),
    re_path(r"^archive/(?P<year>[0-9]{4})/(?P<slug>[\w-]+)\.html$", archive, name="archive"),
]

urlpatterns = [
    path("health", health),
    path("auth/login", login, name="login"),
    path("api/v1/", include(api_patterns)),
    re_path(r"^orgs/(?P<org>\d+)/legacy/(\d+)/?$", legacy),
    re_path(r"^static/(?P<path>.*)$", serve, {"document_root": "/nonexistent"}),
]
