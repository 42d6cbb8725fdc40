"""Tables. Instagram posts keep derived features, never image bytes.

Rows "about a person" (what /export returns and /forget deletes) are those whose `user_id` is
the person's Telegram id: users, subscriptions, analyses they asked for, outbox messages.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite (naive) and PostgreSQL alike."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database: use aware UTC datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


Json = JSON().with_variant(JSONB(), "postgresql")
"""JSON columns: text on SQLite, JSONB on PostgreSQL (compared, grouped and indexed as values;
plain `json` has no equality operator). Migration 0004 converts them."""


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: Json, datetime: UTCDateTime}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    """The Telegram user id."""
    chat_id: Mapped[int] = mapped_column(BigInteger)
    language: Mapped[str | None] = mapped_column(String(16))
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    """The person blocked the bot: their subscriptions are paused until they come back."""
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class Profile(Base):
    __tablename__ = "profiles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(30), unique=True)
    full_name: Mapped[str | None] = mapped_column(String(200))
    followers: Mapped[int | None] = mapped_column(BigInteger)
    followees: Mapped[int | None] = mapped_column(BigInteger)
    post_count: Mapped[int | None] = mapped_column(Integer)
    is_private: Mapped[bool] = mapped_column(Boolean, default=False)
    last_fetched_at: Mapped[datetime | None]


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), index=True
    )
    shortcode: Mapped[str] = mapped_column(String(64), unique=True)
    taken_at: Mapped[datetime]
    likes: Mapped[int] = mapped_column(BigInteger)
    comments: Mapped[int] = mapped_column(BigInteger)
    caption: Mapped[str] = mapped_column(Text, default="")
    is_video: Mapped[bool] = mapped_column(Boolean, default=False)
    features: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """Derived features (style scores, faces, quality, top labels) as JSON."""
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary)
    """The cover photo's 1,280-number backbone embedding as float16 bytes."""
    fetched_at: Mapped[datetime]


class Analysis(Base):
    __tablename__ = "analyses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    """'profile', 'photo' or 'album'."""
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    """Who asked (None for scheduled runs shared by subscribers)."""
    profile_id: Mapped[int | None] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime]
    model_versions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Subscription(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("user_id", "profile_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(8))
    """'daily' or 'weekly'."""
    created_at: Mapped[datetime]


class OutboxMessage(Base):
    """A message written before it is sent, marked when Telegram accepts it (never lost)."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    """Failed tries so far (Telegram down, flood control, a refusal)."""
    failed: Mapped[str | None] = mapped_column(String(200))
    """Why Telegram refused the message for good (a 400): it is not tried again."""
    about: Mapped[str | None] = mapped_column(String(30))
    """The profile a change report is about: the message carries a "What changed?" button."""
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claimed_until: Mapped[datetime | None]
    """The process sending the message, and until when no other may (several processes deliver
    the outbox of one database: `OutboxRepository.claim`)."""


class Snapshot(Base):
    """What a scheduled run last saw of a profile, per period; the next run compares with it.

    Shared by every subscriber of (profile, period); deleted when the last one leaves.
    """

    __tablename__ = "snapshots"
    __table_args__ = (UniqueConstraint("profile_id", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(8))
    taken_at: Mapped[datetime]
    last_report_at: Mapped[datetime | None]
    """When subscribers last got a message from this job (a change or a "still quiet" line)."""
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """`service.subscriptions.changes.ProfileState` as JSON: counts, per-post styles and
    engagement, traits."""


class Lease(Base):
    """A named role only one process may hold at a time (the active scheduler), until
    `expires_at` unless its holder renews it."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    """Who holds it: `host:pid:random`."""
    expires_at: Mapped[datetime]


PERSONAL_TABLES: tuple[type[Base], ...] = (User, Subscription, Analysis, OutboxMessage)
"""Tables with rows about a person (keyed by `user_id`, or `id` for users)."""
