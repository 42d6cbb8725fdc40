"""Retention: old cached data goes; shared analyses go with the last subscriber."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.settings import Settings
from storage.database import Database
from storage.models import (
    Analysis,
    OutboxMessage,
    Post,
    Profile,
    Snapshot,
    Subscription,
    User,
)
from storage.repositories import retention

pytestmark = pytest.mark.both_backends

NOW = datetime(2026, 10, 1, 9, tzinfo=UTC)


async def _count(db: Database, table: type) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def _seed(db: Database) -> None:
    old, fresh = NOW - timedelta(days=40), NOW - timedelta(days=1)
    async with db.session() as session:
        session.add(
            User(id=1, chat_id=1, settings={}, blocked=False, created_at=NOW, last_seen_at=NOW)
        )
        followed, stale = Profile(username="followed"), Profile(username="stale")
        session.add_all([followed, stale])
        await session.flush()
        for profile, when in ((followed, fresh), (followed, old), (stale, old)):
            session.add(
                Post(
                    profile_id=profile.id,
                    shortcode=f"{profile.username}{when:%j}",
                    taken_at=when,
                    likes=1,
                    comments=0,
                    caption="",
                    is_video=False,
                    features={},
                    fetched_at=when,
                )
            )
        session.add(
            Analysis(kind="profile", user_id=None, profile_id=followed.id, created_at=fresh)
        )
        session.add(Analysis(kind="profile", user_id=1, profile_id=stale.id, created_at=old))
        session.add(Subscription(user_id=1, profile_id=followed.id, period="daily", created_at=NOW))
        session.add(Snapshot(profile_id=followed.id, period="daily", taken_at=fresh, data={}))


async def test_purge_keeps_what_is_recent_or_personal(settings: Settings) -> None:
    db = Database(settings.database_url)
    await db.migrate()
    await _seed(db)
    deleted = await retention.purge(db, NOW, retention_days=30)
    assert deleted["posts"] == 2 and deleted["analyses"] == 0 and deleted["snapshots"] == 0
    assert await _count(db, Post) == 1
    assert await _count(db, Analysis) == 2  # the person's own analysis stays until /forget
    assert await _count(db, Profile) == 2  # "stale" is still referred to by that analysis
    await db.close()


async def test_release_drops_shared_data_only_when_nobody_follows(settings: Settings) -> None:
    db = Database(settings.database_url)
    await db.migrate()
    await _seed(db)
    assert await retention.release(db, [("followed", "daily")]) == []
    assert await _count(db, Snapshot) == 1
    async with db.session() as session:
        await session.execute(Subscription.__table__.delete())
    assert await retention.release(db, [("followed", "daily")]) == [("followed", "daily")]
    assert await _count(db, Snapshot) == 0
    assert await _count(db, Analysis) == 1  # only the person's own analysis is left
    await db.close()


async def test_purge_deletes_old_outbox_rows_nobody_will_send_and_keeps_pending_ones(
    settings: Settings,
) -> None:
    db = Database(settings.database_url)
    await db.migrate()
    old, fresh = NOW - timedelta(days=40), NOW - timedelta(days=1)
    async with db.session() as session:
        for person, blocked in ((1, False), (2, True)):
            session.add(
                User(
                    id=person,
                    chat_id=person,
                    settings={},
                    blocked=blocked,
                    created_at=NOW,
                    last_seen_at=NOW,
                )
            )
        await session.flush()
        rows = {  # text: (person, written, sent, failed)
            "old delivered": (1, old, old, None),
            "old refused": (1, old, None, "Bad Request: message is too long"),
            "old, person blocked the bot": (2, old, None, None),
            "old, still to send": (1, old, None, None),
            "delivered late": (1, old, fresh, None),
            "recent refused": (1, fresh, None, "Bad Request: chat not found"),
            "recent, person blocked the bot": (2, fresh, None, None),
        }
        for text, (person, written, sent, failed) in rows.items():
            session.add(
                OutboxMessage(
                    user_id=person,
                    chat_id=person,
                    text=text,
                    created_at=written,
                    sent_at=sent,
                    failed=failed,
                    attempts=0,
                )
            )
    deleted = await retention.purge(db, NOW, retention_days=30)
    async with db.session() as session:
        kept = set(await session.scalars(select(OutboxMessage.text)))
    assert deleted["outbox"] == 3
    assert kept == {
        "old, still to send",
        "delivered late",
        "recent refused",
        "recent, person blocked the bot",
    }
    await db.close()
