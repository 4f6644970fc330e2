"""Request and response bodies of the demo API.

Request bodies forbid unknown fields, so a client cannot slip ``role``, ``org_id`` or ``is_admin``
into a create or update (mass assignment): it gets a 422 naming the field. Response bodies list
exactly what may leave the server; no model here carries a password hash.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Email = Annotated[
    str,
    Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", examples=["ana@clinic.example"]),
]
Password = Annotated[str, Field(min_length=12, max_length=128)]
Id = Annotated[str, Field(min_length=1, max_length=64)]


class Role(str, enum.Enum):
    """A user's role in their org, highest first."""

    owner = "owner"
    admin = "admin"
    member = "member"


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class SignupIn(_Body):
    """Create a new org with you as its owner."""

    email: Email
    password: Password
    org_name: str = Field(min_length=1, max_length=100)


class SignupOut(BaseModel):
    """The new user and org."""

    user_id: str
    org_id: str
    role: Role


class LoginIn(_Body):
    """Email and password."""

    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=128)


class TokenOut(BaseModel):
    """A bearer access token."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class InviteIn(_Body):
    """Invite someone to your org in a role (admins cannot invite owners)."""

    email: Email
    role: Role = Role.member


class InviteOut(BaseModel):
    """The single-use invitation token, shown once (a real service would email it)."""

    invite_token: str
    email: str
    role: Role
    expires_in: int


class AcceptInviteIn(_Body):
    """Accept an invitation by choosing a password."""

    invite_token: str = Field(min_length=8, max_length=200)
    password: Password


class UserOut(BaseModel):
    """A user as the API shows it."""

    id: str
    email: str
    role: Role
    org_id: str
    created_at: datetime


class RoleIn(_Body):
    """A user's new role."""

    role: Role


class UserSummary(BaseModel):
    """Who uploaded a document."""

    id: str
    email: str


class ConversationIn(_Body):
    """A new conversation."""

    title: str = Field(min_length=1, max_length=200)


class ConversationPatch(_Body):
    """Rename or archive a conversation."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    archived: bool | None = None


class ConversationOut(BaseModel):
    """A conversation."""

    id: str
    title: str
    archived: bool
    owner_id: str
    created_at: datetime
    updated_at: datetime


class MessageIn(_Body):
    """A message posted to a conversation."""

    content: str = Field(min_length=1, max_length=4000)


class MessageOut(BaseModel):
    """A message; message ids are integers."""

    id: int
    conversation_id: str
    author: Literal["user", "assistant"]
    content: str
    created_at: datetime


class DocumentIn(_Body):
    """A knowledge-base document."""

    title: str = Field(min_length=1, max_length=200)
    content: str = Field(min_length=1, max_length=20_000)


class DocumentOut(BaseModel):
    """A document with its uploader (null once that user is removed)."""

    id: str
    title: str
    content: str
    created_at: datetime
    uploaded_by: UserSummary | None


class SearchHit(BaseModel):
    """One search result."""

    kind: Literal["conversation", "document"]
    id: str
    title: str


class SearchOut(BaseModel):
    """Search results from your own org."""

    results: list[SearchHit]


class ChatIn(_Body):
    """Ask the bot; without ``conversation_id`` a new conversation starts."""

    conversation_id: Id | None = None
    message: str = Field(min_length=1, max_length=2000)


class ChatOut(BaseModel):
    """The bot's answer."""

    conversation_id: str
    message_id: int
    reply: str


class Health(BaseModel):
    """Liveness."""

    status: Literal["ok"]


class BillingEventIn(_Body):
    """A billing provider's event: a customer's invoice was paid (or failed, or was refunded)."""

    type: Literal["invoice.paid", "invoice.payment_failed", "invoice.refunded"]
    customer: Id
    amount_cents: int = Field(ge=0, le=10_000_000)


class WebhookAck(BaseModel):
    """The receiver's answer to a delivery it processed."""

    received: bool
    event_id: str
