"""The demo's in-memory data: orgs, users, invites, conversations, messages and documents.

One lock guards everything, because FastAPI runs the demo's sync endpoints in a thread pool. Every
lookup that serves a request takes the caller's ``org_id``, so scoping to the tenant is the default;
the ``*_anywhere`` lookups exist for the deliberate defects and for code that checks the org itself.
"""

from __future__ import annotations

import hashlib
import itertools
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field

ROLES: tuple[str, ...] = ("owner", "admin", "member")
"""Roles, highest first."""

INVITE_TTL_SECONDS = 7 * 24 * 3600


def _new_id() -> str:
    return str(uuid.uuid4())  # the canonical form; bare hex reads as a secret to entropy scanners


def _now() -> float:
    return time.time()


def role_at_least(role: str, minimum: str) -> bool:
    """True when ``role`` ranks at or above ``minimum`` (owner > admin > member)."""
    return ROLES.index(role) <= ROLES.index(minimum)


@dataclass
class Org:
    """A tenant."""

    id: str
    name: str
    created_at: float = field(default_factory=_now)


@dataclass
class User:
    """A user of one org. ``password_hash`` must never leave the server."""

    id: str
    org_id: str
    email: str
    password_hash: str
    role: str
    created_at: float = field(default_factory=_now)


@dataclass
class Invite:
    """A single-use invitation; only the SHA-256 of its token is kept."""

    token_hash: str
    org_id: str
    email: str
    role: str
    expires_at: float


@dataclass
class Conversation:
    """A chat thread of one org."""

    id: str
    org_id: str
    owner_id: str
    title: str
    archived: bool = False
    created_at: float = field(default_factory=_now)
    updated_at: float = field(default_factory=_now)


@dataclass
class Message:
    """One message in a conversation; ids are integers, unlike everything else."""

    id: int
    conversation_id: str
    org_id: str
    author: str  # "user" or "assistant"
    user_id: str | None
    content: str
    created_at: float = field(default_factory=_now)


@dataclass
class Document:
    """A knowledge-base document the bot can cite."""

    id: str
    org_id: str
    uploaded_by: str
    title: str
    content: str
    created_at: float = field(default_factory=_now)


class Conflict(Exception):
    """The request conflicts with existing data (a taken email, removing the last owner)."""


class Store:
    """Thread-safe in-memory storage for one app instance."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.orgs: dict[str, Org] = {}
        self.users: dict[str, User] = {}
        self._users_by_email: dict[str, str] = {}
        self._invites: dict[str, Invite] = {}
        self.conversations: dict[str, Conversation] = {}
        self.messages: dict[int, Message] = {}
        self.documents: dict[str, Document] = {}
        self._message_ids = itertools.count(1)
        self._revoked_jti: set[str] = set()

    # --- orgs and users ---------------------------------------------------------------------

    def create_org_with_owner(self, org_name: str, email: str, password_hash: str) -> User:
        """A new org and its first user, an ``owner``; raises :class:`Conflict` if the email is taken."""
        with self._lock:
            org = Org(id=_new_id(), name=org_name)
            self.orgs[org.id] = org
            return self._add_user(org.id, email, password_hash, "owner")

    def _add_user(self, org_id: str, email: str, password_hash: str, role: str) -> User:
        key = email.lower()
        if key in self._users_by_email:
            raise Conflict("a user with this email already exists")
        user = User(id=_new_id(), org_id=org_id, email=email, password_hash=password_hash, role=role)
        self.users[user.id] = user
        self._users_by_email[key] = user.id
        return user

    def user_by_email(self, email: str) -> User | None:
        """The user with this email (case-insensitive), in any org: login needs it before the org is known."""
        with self._lock:
            user_id = self._users_by_email.get(email.lower())
            return self.users.get(user_id) if user_id else None

    def user_anywhere(self, user_id: str) -> User | None:
        """The user with this id in any org (token verification needs it)."""
        with self._lock:
            return self.users.get(user_id)

    def get_user(self, org_id: str, user_id: str) -> User | None:
        """The user with this id in ``org_id``, else None."""
        with self._lock:
            user = self.users.get(user_id)
            return user if user and user.org_id == org_id else None

    def list_users(self, org_id: str) -> list[User]:
        """The org's users, oldest first."""
        with self._lock:
            return [u for u in self.users.values() if u.org_id == org_id]

    def _owners(self, org_id: str) -> int:
        return sum(1 for u in self.users.values() if u.org_id == org_id and u.role == "owner")

    def set_role(self, user: User, role: str) -> User:
        """Change a user's role; an org always keeps at least one owner."""
        with self._lock:
            if user.role == "owner" and role != "owner" and self._owners(user.org_id) == 1:
                raise Conflict("an organization must keep at least one owner")
            user.role = role
            return user

    def delete_user(self, user: User) -> None:
        """Remove a user; an org always keeps at least one owner."""
        with self._lock:
            if user.role == "owner" and self._owners(user.org_id) == 1:
                raise Conflict("an organization must keep at least one owner")
            self.users.pop(user.id, None)
            self._users_by_email.pop(user.email.lower(), None)

    # --- invites ----------------------------------------------------------------------------

    def create_invite(self, org_id: str, email: str, role: str) -> str:
        """A new invitation; returns the raw token (shown once, stored only as a hash)."""
        with self._lock:
            if email.lower() in self._users_by_email:
                raise Conflict("a user with this email already exists")
            token = secrets.token_urlsafe(24)
            digest = hashlib.sha256(token.encode()).hexdigest()
            self._invites[digest] = Invite(digest, org_id, email, role, _now() + INVITE_TTL_SECONDS)
            return token

    def accept_invite(self, token: str, password_hash: str, *, reusable: bool = False) -> User | None:
        """Use an invitation once; None when the token is unknown, used or expired.

        ``reusable`` is the deliberate sessions defect: the invite is kept, and accepting it again sets the
        invited user's password to the new one (an account takeover for whoever holds the link)."""
        digest = hashlib.sha256(token.encode()).hexdigest()
        with self._lock:
            invite = self._invites.get(digest) if reusable else self._invites.pop(digest, None)
            if invite is None or invite.expires_at < _now() or invite.org_id not in self.orgs:
                return None
            existing = self.user_by_email(invite.email) if reusable else None
            if existing is not None:
                existing.password_hash = password_hash
                return existing
            return self._add_user(invite.org_id, invite.email, password_hash, invite.role)

    # --- token revocation -------------------------------------------------------------------

    def revoke(self, jti: str) -> None:
        """Mark a token id as logged out."""
        with self._lock:
            self._revoked_jti.add(jti)

    def is_revoked(self, jti: str) -> bool:
        """True when the token id was logged out."""
        with self._lock:
            return jti in self._revoked_jti

    # --- conversations and messages ---------------------------------------------------------

    def create_conversation(self, org_id: str, owner_id: str, title: str) -> Conversation:
        """A new conversation in ``org_id``."""
        with self._lock:
            conversation = Conversation(id=_new_id(), org_id=org_id, owner_id=owner_id, title=title)
            self.conversations[conversation.id] = conversation
            return conversation

    def get_conversation(self, org_id: str, conversation_id: str) -> Conversation | None:
        """The conversation if it belongs to ``org_id``, else None."""
        with self._lock:
            conversation = self.conversations.get(conversation_id)
            return conversation if conversation and conversation.org_id == org_id else None

    def conversation_anywhere(self, conversation_id: str) -> Conversation | None:
        """The conversation whatever its org (only the deliberate defect uses this for a request)."""
        with self._lock:
            return self.conversations.get(conversation_id)

    def list_conversations(self, org_id: str, limit: int) -> list[Conversation]:
        """The org's conversations, newest first."""
        with self._lock:
            found = [c for c in self.conversations.values() if c.org_id == org_id]
        return sorted(found, key=lambda c: c.created_at, reverse=True)[:limit]

    def update_conversation(self, conversation: Conversation, title: str | None, archived: bool | None) -> Conversation:
        """Apply a partial update."""
        with self._lock:
            if title is not None:
                conversation.title = title
            if archived is not None:
                conversation.archived = archived
            conversation.updated_at = _now()
            return conversation

    def delete_conversation(self, conversation: Conversation) -> None:
        """Remove a conversation and its messages."""
        with self._lock:
            self.conversations.pop(conversation.id, None)
            for message_id in [m.id for m in self.messages.values() if m.conversation_id == conversation.id]:
                del self.messages[message_id]

    def add_message(self, conversation: Conversation, author: str, user_id: str | None, content: str) -> Message:
        """Append a message to ``conversation``."""
        with self._lock:
            message = Message(next(self._message_ids), conversation.id, conversation.org_id, author, user_id, content)
            self.messages[message.id] = message
            conversation.updated_at = message.created_at
            return message

    def list_messages(self, conversation: Conversation) -> list[Message]:
        """The conversation's messages, oldest first."""
        with self._lock:
            return [m for m in self.messages.values() if m.conversation_id == conversation.id]

    def get_message(self, conversation: Conversation, message_id: int) -> Message | None:
        """The message if it belongs to ``conversation``, else None."""
        with self._lock:
            message = self.messages.get(message_id)
            return message if message and message.conversation_id == conversation.id else None

    def message_anywhere(self, message_id: int) -> Message | None:
        """The message whatever its conversation (only the deliberate defect uses this)."""
        with self._lock:
            return self.messages.get(message_id)

    # --- documents --------------------------------------------------------------------------

    def create_document(self, org_id: str, uploaded_by: str, title: str, content: str) -> Document:
        """A new document in ``org_id``."""
        with self._lock:
            document = Document(id=_new_id(), org_id=org_id, uploaded_by=uploaded_by, title=title, content=content)
            self.documents[document.id] = document
            return document

    def get_document(self, org_id: str, document_id: str) -> Document | None:
        """The document if it belongs to ``org_id``, else None."""
        with self._lock:
            document = self.documents.get(document_id)
            return document if document and document.org_id == org_id else None

    def list_documents(self, org_id: str) -> list[Document]:
        """The org's documents, newest first."""
        with self._lock:
            found = [d for d in self.documents.values() if d.org_id == org_id]
        return sorted(found, key=lambda d: d.created_at, reverse=True)

    def delete_document(self, document: Document) -> None:
        """Remove a document."""
        with self._lock:
            self.documents.pop(document.id, None)

    # --- search -----------------------------------------------------------------------------

    def search(self, org_id: str, query: str, limit: int = 20) -> list[tuple[str, str, str]]:
        """``(kind, id, title)`` of the org's conversations and documents whose text contains ``query``."""
        needle = query.casefold()
        hits: list[tuple[str, str, str]] = []
        with self._lock:
            for conversation in self.conversations.values():
                if conversation.org_id != org_id:
                    continue
                texts = [conversation.title] + [
                    m.content for m in self.messages.values() if m.conversation_id == conversation.id
                ]
                if any(needle in t.casefold() for t in texts):
                    hits.append(("conversation", conversation.id, conversation.title))
            for document in self.documents.values():
                if document.org_id == org_id and (needle in document.title.casefold() or needle in document.content.casefold()):
                    hits.append(("document", document.id, document.title))
        return hits[:limit]
