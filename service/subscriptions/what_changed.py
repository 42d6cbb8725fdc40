""" "What changed?": a subscriber asks for the change report of one followed profile now.

It is the scheduled run itself (ReportRuns.run), so the answer is the same report the schedule
would send: compared with the snapshot of the person's (profile, period) subscription, written
through the outbox, and the new snapshot stored. That snapshot is shared by everyone who
follows the profile with that period, so they get the report too, only sooner; the next
scheduled run then compares with this one. Each press counts against the person's hourly
analysis allowance (Admission), like any analysis.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from service.subscriptions.runs import RunOutcome

if TYPE_CHECKING:
    from service.app import DigService


@dataclass(frozen=True)
class ChangeCheck:
    username: str
    outcome: RunOutcome | None
    """None: the person does not follow the profile (any more)."""
    since: datetime | None = None
    """When the profile was last looked at before this check (for "nothing new since")."""


async def check_now(service: DigService, user_id: int, username: str) -> ChangeCheck:
    """Run the change report of the person's subscription to `username` now."""
    username = await service.canonical_username(username)
    period = await service.subscriptions.period_of(user_id, username)
    runs = service.scheduler.runs
    if period is None or runs is None:
        return ChangeCheck(username, None)
    async with service.admission.slot(user_id):
        since = await service.subscriptions.snapshot_taken_at(username, period)
        outcome = await runs.run(username, period)
    return ChangeCheck(username, outcome, since)
