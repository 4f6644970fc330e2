"""How the prompt check talks to the bot: the ``launchready_chat`` fixture, or ``launchready_chat_route``.

A chat route takes the message in its only required string field (or ``launchready_chat_field``);
the answer is read from ``launchready_chat_answer`` (a dotted JSON path) or the answer's first
string field that is not an id (one named answer, reply, content, text... first). A route nested under a conversation (``POST
/conversations/{id}/messages``) gets its path ids from the tenant's seeded objects. A flat route
whose body takes a conversation id (``conversation_id``, ``thread_id``...) keeps one thread for a
multi-turn set-up by sending back the id its first answer gave.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

import httpx

from pytest_launchready.routes.schemas import flatten
from pytest_launchready.tenants import bodies
from pytest_launchready.tenants.seeding import is_id_name, resolve_ids

if TYPE_CHECKING:
    from pytest_launchready.config.settings import Settings
    from pytest_launchready.routes import Route
    from pytest_launchready.tenants import Tenant

ROUTE_SETTING, FIXTURE = "launchready_chat_route", "launchready_chat"
_ANSWER_NAME = re.compile(r"^(answer|reply|response|content|text|message|output|completion)$", re.IGNORECASE)
_THREAD_FIELD = re.compile(r"^(conversation|thread|session|chat)_?id$", re.IGNORECASE)


class ChatUnavailable(Exception):
    """The bot cannot be asked (no route or fixture, a route it cannot fill, an answer it cannot read)."""


@dataclass
class Reply:
    """One answer: its text, and the HTTP exchange when it came from a route (for the evidence)."""

    text: str
    response: httpx.Response | None = None


@dataclass
class Thread:
    """One conversation with the bot as one tenant; :meth:`send` keeps the thread across messages."""

    tenant: Tenant
    send_one: Callable[[Thread, str], Reply]
    state: dict[str, str] = field(default_factory=dict)

    def send(self, message: str) -> Reply:
        """Send ``message`` in this conversation and return the bot's answer."""
        return self.send_one(self, message)


@dataclass(frozen=True)
class ChatRoute:
    """The chat route and where its message and answer live."""

    route: Route
    message_field: str
    answer_path: str
    thread_field: str | None
    settings: Settings

    def open(self, tenant: Tenant) -> Thread:
        """A new conversation as ``tenant``, through the tenant's own client."""
        known, missing = resolve_ids(tenant, self.route)
        if missing:
            raise ChatUnavailable(
                f"no id for {', '.join('{' + m + '}' for m in missing)} of {self.route.key} among {tenant.name}'s seeded "
                "objects: let seeding create one (a create route for it) or return it from launchready_seed")
        return Thread(tenant, lambda thread, message: self._send(thread, message, self.route.format_path(known)))

    def _send(self, thread: Thread, message: str, path: str) -> Reply:
        body = bodies.valid_body(self.route.body_schema or {}, "chat", thread.tenant.ids) if self.route.body_schema else {}
        if not isinstance(body, dict):
            body = {}
        body[self.message_field] = message
        if self.thread_field and self.thread_field in thread.state:
            body[self.thread_field] = thread.state[self.thread_field]
        elif self.thread_field:
            body.pop(self.thread_field, None)
        response = self._post(thread, path, body)
        wait = _retry_after(response)
        if wait is not None and wait <= self.settings.timeout:
            # A chat limit (the cost a real model bills) is no reason to leave an attack unsent: wait
            # once, as long as the app asks and launchready_timeout allows; a refused call cost nothing.
            time.sleep(wait)
            response = self._post(thread, path, body)
        if response.status_code == 429:
            raise ChatUnavailable(f"{self.route.key} answered 429 (throttled): raise its limit for the test run or lower "
                                  "launchready_prompt_budget")
        if not response.is_success:
            raise ChatUnavailable(f"{self.route.key} answered {response.status_code} to a chat message in field "
                                  f"{self.message_field!r}: set launchready_chat_field (and launchready_chat_answer), or "
                                  "define launchready_chat(tenant, message)")
        data = _json(response)
        if self.thread_field and isinstance(data, dict) and data.get(self.thread_field) is not None:
            thread.state[self.thread_field] = str(data[self.thread_field])
        text = answer_text(data, self.answer_path) if data is not None else response.text
        if text is None:
            raise ChatUnavailable(f"no answer at {self.answer_path or 'the first string field'} of {self.route.key}'s "
                                  "response: set launchready_chat_answer to its dotted JSON path (reply, choices.0.text)")
        return Reply(text, response)

    def _post(self, thread: Thread, path: str, body: dict[str, Any]) -> httpx.Response:
        try:
            return thread.tenant.client.request(self.route.method, path, json=body)
        except httpx.TimeoutException:
            raise ChatUnavailable(f"{self.route.key} gave no answer within launchready_timeout "
                                  f"({self.settings.timeout:g} s)") from None

    @property
    def multi_turn(self) -> bool:
        """Whether several messages can share one conversation (a nested route, or a thread id in the body)."""
        return bool(self.route.path_params) or self.thread_field is not None


def find_chat_route(settings: Settings, routes: tuple[Route, ...]) -> ChatRoute | str:
    """The configured chat route, or why it cannot be used (a NOT RUN reason)."""
    key = settings.chat_route.strip()
    if not key:
        return (f"set {ROUTE_SETTING} ('POST /chat') or define the {FIXTURE}(tenant, message) -> str fixture: the "
                "prompt check needs a way to talk to the bot")
    method, _, path = key.partition(" ")
    route = next((r for r in routes if r.method == method.upper() and r.path == path.strip()), None)
    if route is None:
        return f"{ROUTE_SETTING} = {key!r}, but no such route was discovered"
    schema = flatten(route.body_schema or {})
    properties = schema.get("properties") or {}
    message_field = settings.chat_field.strip()
    if not message_field:
        required = [n for n in schema.get("required", []) if _is_string(properties.get(n, {}))]
        if len(required) != 1:
            return (f"{route.key} has {len(required)} required string fields ({', '.join(required) or 'none'}): set "
                    "launchready_chat_field to the one the message goes in")
        message_field = required[0]
    thread_field = next((n for n in properties if _THREAD_FIELD.match(n) and n != message_field), None)
    return ChatRoute(route, message_field, settings.chat_answer.strip(), thread_field, settings)


def fixture_thread(chat: Callable[[Tenant, str], Any], tenant: Tenant) -> Thread:
    """A conversation through the user's ``launchready_chat(tenant, message) -> str``: it keeps the thread."""

    def send(_: Thread, message: str) -> Reply:
        answer = chat(tenant, message)
        if not isinstance(answer, str):
            raise ChatUnavailable(f"{FIXTURE}(tenant, message) returned {type(answer).__name__}: return the answer's text")
        return Reply(answer)

    return Thread(tenant, send)


def answer_text(data: Any, path: str) -> str | None:
    """The string at dotted ``path`` of ``data`` (list indexes as numbers), else the first string field that is
    not an id, one named like an answer (reply, content, text...) before the others."""
    if path:
        node = data
        for part in path.split("."):
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.lstrip("-").isdigit() and -len(node) <= int(part) < len(node):
                node = node[int(part)]
            else:
                return None
        return node if isinstance(node, str) else None
    return _first_string(data, 0)


def _first_string(data: Any, depth: int) -> str | None:
    if depth > 6:
        return None
    if isinstance(data, str):
        return data
    if isinstance(data, list):
        # A list of messages: the bot's answer comes last.
        return next((s for s in (_first_string(item, depth + 1) for item in reversed(data)) if s is not None), None)
    if isinstance(data, dict):
        texts = [(str(k), v) for k, v in data.items()
                 if isinstance(v, str) and not is_id_name(str(k)) and not _THREAD_FIELD.match(str(k))]
        # A message record ({"role": "assistant", "content": ...}) names its text; else the first string.
        named = [v for k, v in texts if _ANSWER_NAME.match(k)]
        if named or texts:
            return (named or [texts[0][1]])[0]
        for value in data.values():
            if isinstance(value, (dict, list)):
                found = _first_string(value, depth + 1)
                if found is not None:
                    return found
    return None


def _is_string(schema: Any) -> bool:
    kind = flatten(schema).get("type") if isinstance(schema, dict) else None
    return kind == "string" or (isinstance(kind, list) and "string" in kind)


def _retry_after(response: httpx.Response) -> float | None:
    """The seconds a 429's ``Retry-After`` asks for (its number form), else None."""
    if response.status_code != 429:
        return None
    value = response.headers.get("retry-after", "").strip()
    return float(value) if value.isdigit() else None


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
