"""Subscriptions through the playground: change reports, shared fetches, outages, privacy.

Time is the test's: the service's clock is a `Clock` the test advances, the scheduler is paused
so nothing runs on its own, and a "day passing" is the job function called by the test.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from analyzers.pipeline import LoadedAnalyzers
from bot.container import Container
from bot.runtimes import RUNTIMES, make_runtime
from bot.settings import Settings
from instagram.directory import DirectorySource
from playground import Playground
from playground.client import PlaygroundClient
from service.subscriptions.scheduler import job_id, run_report_job
from storage.jobstore import jobstore_url
from tests.e2e.subscribing import (
    USERNAME,
    Clock,
    CountingSource,
    eventually,
    query,
    report_messages,
    rows_about,
    write_posts,
)

pytestmark = pytest.mark.slow

ALICE, BOB = 5101, 5102
JOB = job_id(USERNAME, "daily")


@dataclass
class World:
    client: PlaygroundClient
    service: Container
    source: CountingSource
    clock: Clock
    profiles: Path
    database: str
    """The app's database URL."""

    async def say(self, chat: int, text: str) -> list[dict[str, Any]]:
        """Send a text; the bot's first answer."""
        sent = await self.client.send_text(chat, text)
        return await self.client.wait_for(chat, lambda m: len(m) >= 1, after=sent["message_id"])

    async def next_day(self) -> None:
        self.clock.advance(days=1)
        await run_report_job(USERNAME, "daily")

    def outbox(self, chat: int) -> list[tuple[Any, ...]]:
        return query(self.database, "SELECT id, sent_at FROM outbox WHERE chat_id = ?", chat)

    async def all_marked(self, chat: int) -> None:
        """Wait until every outbox row of the chat is marked sent (just after Telegram took it)."""

        async def marked() -> bool:
            return all(sent_at is not None for _, sent_at in self.outbox(chat))

        await eventually(marked)


@pytest.fixture(params=RUNTIMES)
async def world(
    request: pytest.FixtureRequest,
    settings: Settings,
    analyzers: LoadedAnalyzers,
    profiles_root: Path,
) -> AsyncIterator[World]:
    """The bot on each runtime in turn (the outbox sends through each one's send path)."""
    playground = Playground(port=0)
    await playground.start()
    source = CountingSource(DirectorySource(profiles_root))
    clock = Clock()
    service = Container(settings, source=source, now=clock, analyzers=analyzers)
    runtime = make_runtime(request.param, service, playground.token, playground.base_url)
    await runtime.start()
    service.scheduler.scheduler.pause()  # runs happen when the test calls the job function
    client = PlaygroundClient(playground.base_url)
    try:
        yield World(client, service, source, clock, profiles_root, settings.database_url)
    finally:
        await client.close()
        await runtime.stop(grace=5)
        await playground.stop()


async def _subscribed(world: World, *chats: int, posts: int = 4) -> None:
    """The chats follow the fixture profile daily; the first run took the baseline."""
    write_posts(world.profiles, posts)
    for chat in chats:
        await world.say(chat, "/start")
        answer = await world.say(chat, f"/subscribe {USERNAME} daily")
        assert "daily report" in answer[0]["text"]
    await run_report_job(USERNAME, "daily")  # the baseline: silent
    assert world.outbox(chats[0]) == []


async def test_report_only_when_the_profile_gained_a_post(world: World) -> None:
    await _subscribed(world, ALICE)
    job = world.service.scheduler.scheduler.get_job(JOB)
    assert job is not None and job.next_run_time is not None

    await world.next_day()  # nothing new
    assert world.outbox(ALICE) == []

    write_posts(world.profiles, 5)
    await world.next_day()
    report = await world.client.wait_for(ALICE, lambda m: len(report_messages(m)) == 1)
    text = report_messages(report)[0]["text"]
    assert "1 new post" in text
    assert any(m["photos"] for m in report)  # the trend chart came first
    await world.all_marked(ALICE)

    await world.next_day()  # the same profile again: no repeat
    assert len(world.outbox(ALICE)) == 2
    # /subscribe checks the profile exists (1), then the baseline and three days, one each.
    assert world.source.fetches[USERNAME] == 5


async def test_a_second_subscriber_shares_the_fetch(world: World) -> None:
    await _subscribed(world, ALICE, BOB)
    jobs = [j.id for j in world.service.scheduler.scheduler.get_jobs() if j.id.startswith("report")]
    assert jobs == [JOB]
    fetched = world.source.fetches[USERNAME]

    write_posts(world.profiles, 5)
    await world.next_day()
    assert world.source.fetches[USERNAME] == fetched + 1
    for chat in (ALICE, BOB):
        messages = await world.client.wait_for(chat, lambda m: len(report_messages(m)) == 1)
        assert "1 new post" in report_messages(messages)[0]["text"]


async def test_quiet_profile_gets_one_line_a_week(world: World) -> None:
    await _subscribed(world, ALICE)
    for _ in range(6):
        await world.next_day()
    assert world.outbox(ALICE) == []
    await world.next_day()  # seven days of nothing
    messages = await world.client.wait_for(
        ALICE, lambda m: any("quiet" in (x["text"] or "") for x in m)
    )
    assert len([m for m in messages if "quiet" in (m["text"] or "")]) == 1
    await world.next_day()
    assert len(world.outbox(ALICE)) == 1


@pytest.mark.parametrize("kind", ["500", "429"])
async def test_report_waits_in_the_outbox_while_telegram_fails(world: World, kind: str) -> None:
    await _subscribed(world, ALICE)
    await world.client.set_faults(["sendMessage", "sendPhoto"], kind, rate=1.0, retry_after=1)
    write_posts(world.profiles, 5)
    await world.next_day()

    rows = world.outbox(ALICE)
    assert len(rows) == 2 and all(sent_at is None for _, sent_at in rows)

    async def refused_twice() -> bool:  # the loop tried, and Telegram refused more than once
        return int((await world.client.fault_stats())["total"]) >= 2

    await eventually(refused_twice)
    assert all(sent_at is None for _, sent_at in world.outbox(ALICE))
    assert report_messages(await world.client.messages(ALICE)) == []

    await world.client.clear_faults()
    messages = await world.client.wait_for(ALICE, lambda m: len(report_messages(m)) == 1)
    assert len(report_messages(messages)) == 1
    assert len([m for m in messages if m["photos"]]) == 1
    await world.all_marked(ALICE)


async def test_blocking_pauses_and_start_resumes(world: World) -> None:
    await _subscribed(world, ALICE)
    await world.client.block(ALICE)

    async def marked_blocked() -> bool:  # the my_chat_member update reached the bot
        return query(world.database, "SELECT blocked FROM users WHERE id = ?", ALICE) == [(1,)]

    await eventually(marked_blocked)
    write_posts(world.profiles, 5)
    await world.next_day()
    assert world.outbox(ALICE) == []  # paused: nothing written for a person who left

    await world.client.unblock(ALICE)
    await world.say(ALICE, "/start")
    write_posts(world.profiles, 6)
    await world.next_day()
    messages = await world.client.wait_for(ALICE, lambda m: len(report_messages(m)) == 1)
    assert "2 new posts" in report_messages(messages)[0]["text"]


def _export_ids(export: dict[str, Any]) -> dict[str, set[int]]:
    return {
        table: {row["id"] for row in rows}
        for table, rows in export.items()
        if isinstance(rows, list) and rows and isinstance(rows[0], dict)
    }


async def test_export_has_every_row_and_forget_leaves_none(world: World) -> None:
    await _subscribed(world, ALICE, BOB)
    write_posts(world.profiles, 5)
    await world.next_day()
    await world.client.wait_for(ALICE, lambda m: len(report_messages(m)) == 1)

    sent = await world.client.send_text(ALICE, "/export")
    answer = await world.client.wait_for(
        ALICE, lambda m: any(x["document"] for x in m), after=sent["message_id"]
    )
    document = next(m["document"] for m in answer if m["document"])
    export = json.loads(await world.client.download(document["url"]))
    stored = rows_about(world.database, ALICE)
    assert set(stored) >= {"users", "subscriptions", "outbox"}
    assert _export_ids(export) == stored
    assert export["followed_profiles"] == [USERNAME]

    sent = await world.client.send_text(ALICE, "/forget")
    asked = await world.client.wait_for(ALICE, lambda m: len(m) >= 1, after=sent["message_id"])
    await world.client.press(ALICE, asked[0]["message_id"], f"forget:1:{ALICE}")
    await world.client.wait_for(
        ALICE,
        lambda m: any("deleted" in (x["text"] or "") for x in m),
        after=asked[0]["message_id"],
    )
    assert rows_about(world.database, ALICE) == {}
    assert world.service.scheduler.scheduler.get_job(JOB) is not None  # Bob still follows

    sent = await world.client.send_text(BOB, "/forget")
    asked = await world.client.wait_for(BOB, lambda m: len(m) >= 1, after=sent["message_id"])
    await world.client.press(BOB, asked[0]["message_id"], f"forget:1:{BOB}")
    await world.client.wait_for(
        BOB, lambda m: any("deleted" in (x["text"] or "") for x in m), after=asked[0]["message_id"]
    )
    assert rows_about(world.database, BOB) == {}
    assert world.service.scheduler.scheduler.get_job(JOB) is None
    jobs = jobstore_url(world.database)
    assert query(jobs, "SELECT COUNT(*) FROM apscheduler_jobs WHERE id = ?", JOB) == [(0,)]
    assert query(world.database, "SELECT COUNT(*) FROM snapshots") == [(0,)]


async def test_what_changed_button_reports_now_then_nothing_new(world: World) -> None:
    """Issue 21 item 11: the subscriber asks now instead of waiting for the scheduled run,
    from /subscriptions or from under a change report."""
    await _subscribed(world, ALICE, posts=4)
    write_posts(world.profiles, 6)  # two new posts since the baseline
    listing = await world.say(ALICE, "/subscriptions")
    button = next(
        b for m in listing for row in m["buttons"] for b in row if b["text"] == "🔎 What changed?"
    )
    started = world.service.admission.started

    await world.client.press(ALICE, listing[0]["message_id"], button["callback_data"])
    report = await world.client.wait_for(ALICE, lambda m: len(report_messages(m)) == 1)
    text = report_messages(report)[0]["text"]
    assert "2 new posts" in text
    assert "09 Sep" in text and "11 Sep" in text  # the new posts, by date
    await world.all_marked(ALICE)  # it went through the outbox

    # The report carries the button too: asking again from there finds nothing new.
    [under_report] = report_messages(report)
    assert [b["text"] for row in under_report["buttons"] for b in row] == ["🔎 What changed?"]
    last = report[-1]["message_id"]
    await world.client.press(ALICE, under_report["message_id"], button["callback_data"])
    quiet = await world.client.wait_for(ALICE, lambda m: len(m) >= 1, after=last)
    assert quiet[0]["text"] == "Nothing new on @fixture.user since 01 Oct 2026, 09:00 UTC."
    assert report_messages(quiet) == []
    assert world.service.admission.started == started + 2  # each press counts as an analysis
