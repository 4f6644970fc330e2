"""Planting text in a tenant's knowledge, the documents its bot retrieves from.

Through the user's ``launchready_knowledge(tenant, text)`` when defined, else through the tenant's
own client on the discovered document create route (a ``POST`` on a collection named like
documents, articles, knowledge, files, pages, FAQs or notes), with the text in every free-text field
and the title in the title-like one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Callable

import httpx

from pytest_launchready.config.settings import Settings
from pytest_launchready.tenants.seeding import fill, is_create_route, lookup

if TYPE_CHECKING:
    from pytest_launchready.routes import Route
    from pytest_launchready.tenants import Tenant

FIXTURE = "launchready_knowledge"
_DOCUMENT = re.compile(r"^(documents?|docs?|articles?|knowledge([-_]?base)?|kb|files?|pages?|faqs?|notes?|sources?|uploads?)$",
                       re.IGNORECASE)
_TITLE = re.compile(r"^(title|name|subject|heading)$", re.IGNORECASE)


class CannotPlant(Exception):
    """No way to put text in the tenant's knowledge; the message says what enables one."""


def document_route(routes: tuple[Route, ...], settings: Settings) -> Route | None:
    """The first create route of a document-like collection whose body takes text, or None."""
    for route in routes:
        last = route.path.rstrip("/").rsplit("/", 1)[-1]
        if is_create_route(route, settings) and _DOCUMENT.search(last) and not route.path_params:
            return route
    return None


def planter(knowledge: Callable[[Tenant, str], Any] | None, routes: tuple[Route, ...],
            settings: Settings) -> Callable[[Tenant, str, str], None]:
    """``plant(tenant, title, text)``: through ``knowledge`` when given, else the document route."""
    if knowledge is not None:
        return lambda tenant, title, text: _call_fixture(knowledge, tenant, f"{title}\n\n{text}")
    route = document_route(routes, settings)
    if route is None:
        raise CannotPlant(f"no document create route was discovered (POST /documents, /articles, ...): define "
                          f"{FIXTURE}(tenant, text) to put text in a tenant's knowledge")
    return lambda tenant, title, text: _post(route, tenant, title, text, settings)


def _call_fixture(knowledge: Callable[[Tenant, str], Any], tenant: Tenant, text: str) -> None:
    try:
        knowledge(tenant, text)
    except Exception as exc:  # noqa: BLE001 - user code: say so instead of an error deep in the check
        raise CannotPlant(f"{FIXTURE}({tenant.name!r}, text) raised {type(exc).__name__}: {exc}") from None


def _post(route: Route, tenant: Tenant, title: str, text: str, settings: Settings) -> None:
    body = fill(route.body_schema or {"properties": {"title": {"type": "string"}, "content": {"type": "string"}}},
                "", text, lambda name: lookup(tenant, name))
    if not isinstance(body, dict):
        raise CannotPlant(f"{route.key} does not take a JSON object: define {FIXTURE}(tenant, text)")
    for name in list(body):
        if _TITLE.match(name) and isinstance(body[name], str):
            body[name] = title
    try:
        response = tenant.client.request(route.method, route.path, json=body)
    except httpx.TimeoutException:
        raise CannotPlant(f"{route.key} gave no answer within launchready_timeout ({settings.timeout:g} s)") from None
    if not response.is_success:
        raise CannotPlant(f"{route.key} answered {response.status_code} to a new document: define {FIXTURE}(tenant, text)")
