"""Stored analyses: derived numbers of a profile, a photo or an album (never the photos)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.database import Database
from storage.models import Analysis


@dataclass(frozen=True)
class AnalysisRecord:
    """One analysis to store: its kind, its JSON, who asked, and the analyzers' versions."""

    kind: str
    result: dict[str, Any]
    user_id: int | None
    model_versions: dict[str, str]
    created_at: datetime


async def add_analysis(
    session: AsyncSession, record: AnalysisRecord, profile_id: int | None = None
) -> int:
    """Add the analysis to the caller's transaction; its id."""
    stored = Analysis(
        kind=record.kind,
        user_id=record.user_id,
        profile_id=profile_id,
        created_at=record.created_at,
        model_versions=record.model_versions,
        result=record.result,
    )
    session.add(stored)
    await session.flush()
    return stored.id


class AnalysesRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, record: AnalysisRecord) -> int:
        """Store a photo or album analysis; its id."""
        async with self.db.session() as session:
            return await add_analysis(session, record)
