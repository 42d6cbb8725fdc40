"""The people who talk to the bot: who they are, what is stored about them, and forgetting it."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, inspect, select

from storage.database import Database
from storage.models import PERSONAL_TABLES, Base, Profile, Subscription, User


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return {"bytes": len(value), "base64": base64.b64encode(value).decode("ascii")}
    return value


def row_json(row: Base) -> dict[str, Any]:
    return {
        column.key: _json_value(getattr(row, column.key)) for column in inspect(type(row)).columns
    }


def _owner_column(table: type[Base]) -> Any:
    return table.id if table is User else table.user_id  # type: ignore[attr-defined]


class PeopleRepository:
    def __init__(self, db: Database, now: Callable[[], datetime]) -> None:
        self.db = db
        self.now = now

    async def touch(self, user_id: int, chat_id: int, language: str | None) -> bool:
        """Record that the person is here; returns True when they had blocked the bot before."""
        now = self.now()
        seen = {"chat_id": chat_id, "language": language, "last_seen_at": now, "blocked": False}
        async with self.db.session() as session:
            was_blocked = await session.scalar(
                select(User.blocked).where(User.id == user_id).with_for_update()
            )
            await session.execute(
                self.db.insert(User)
                .values(id=user_id, settings={}, created_at=now, **seen)
                .on_conflict_do_update(index_elements=[User.id], set_=seen)
            )
        return bool(was_blocked)

    async def set_blocked(self, user_id: int, blocked: bool) -> None:
        async with self.db.session() as session:
            user = await session.get(User, user_id)
            if user is not None:
                user.blocked = blocked

    async def export(self, user_id: int) -> dict[str, Any]:
        """Every row about the person, table by table, plus the usernames they follow."""
        data: dict[str, Any] = {"user_id": user_id, "exported_at": self.now().isoformat()}
        async with self.db.session() as session:
            for table in PERSONAL_TABLES:
                rows = await session.scalars(select(table).where(_owner_column(table) == user_id))
                data[table.__tablename__] = [row_json(r) for r in rows]
            followed = await session.scalars(
                select(Profile.username)
                .join(Subscription, Subscription.profile_id == Profile.id)
                .where(Subscription.user_id == user_id)
            )
            data["followed_profiles"] = list(followed)
        return data

    async def forget(self, user_id: int) -> int:
        """Delete every row about the person; returns how many rows went."""
        deleted = 0
        async with self.db.session() as session:
            for table in reversed(PERSONAL_TABLES):
                result = await session.execute(delete(table).where(_owner_column(table) == user_id))
                deleted += result.rowcount or 0  # type: ignore[attr-defined]
        await self.db.checkpoint()
        return deleted
