"""Repositories: one per aggregate, every query of the app; the service sees typed results.

`Repositories.open` builds them all over one `Database` (whose `session()` is the unit of
work: one transaction, committed or rolled back as a whole).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from storage.database import Database
from storage.repositories.analyses import AnalysesRepository
from storage.repositories.leases import LeasesRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.people import PeopleRepository
from storage.repositories.profiles import ProfilesRepository
from storage.repositories.retention import RetentionRepository
from storage.repositories.snapshots import SnapshotsRepository
from storage.repositories.subscriptions import SubscriptionsRepository


@dataclass(frozen=True)
class Repositories:
    db: Database
    people: PeopleRepository
    profiles: ProfilesRepository
    analyses: AnalysesRepository
    subscriptions: SubscriptionsRepository
    snapshots: SnapshotsRepository
    outbox: OutboxRepository
    retention: RetentionRepository
    leases: LeasesRepository

    @classmethod
    def open(cls, db: Database, now: Callable[[], datetime]) -> Repositories:
        return cls(
            db,
            PeopleRepository(db, now),
            ProfilesRepository(db),
            AnalysesRepository(db),
            SubscriptionsRepository(db, now),
            SnapshotsRepository(db),
            OutboxRepository(db, now),
            RetentionRepository(db),
            LeasesRepository(db),
        )
