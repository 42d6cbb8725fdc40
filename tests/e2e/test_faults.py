"""The bot holds through faults: Telegram failing 10% of its calls, Instagram refusing, the
database failing and an analyzer breaking. Every person still gets a complete, single answer.

The scripted run: 20 people, 10 interactions each (200), mostly cheap commands plus a few
photos; each person waits for the complete answer before the next step, as people do. The
playground fails about 10% of the bot's calls (seeded): a third 429 with retry_after=1, a third
500, a third a dropped connection. A faulted call has no side effect there, so a retry can never
show up as a duplicate: any extra message is the bot's own fault.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
import sqlalchemy.exc

from analyzers.pipeline import LoadedAnalyzers
from analyzers.types import PhotoContext
from bot.container import Container
from bot.ptb_runtime import PtbRuntime
from bot.runtime import BotRuntime
from bot.settings import Settings
from handlers import texts
from instagram import errors
from instagram.models import FetchedProfile
from playground import Playground
from playground.client import PlaygroundClient, transcript
from service.pseudonyms import pseudonym
from tests.e2e.conftest import Running, bot_running
from tests.e2e.replies import REPORT, Matcher, View, matching, mismatch, says
from tests.fixtures.instagram_fixture import sample_jpeg

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Step:
    kind: str  # "text", "photo" or "press"
    payload: str
    expect: tuple[Matcher, ...]


HELP = Step("text", "/help", (says("What I understand"),))
START = Step("text", "/start", (says("I am digbot"),))
PRIVACY = Step("text", "/privacy", (says("What I keep"),))
UNKNOWN = Step("text", "what can you do for me?", (says("I did not get that"),))
SUBSCRIPTIONS = Step("text", "/subscriptions", (says("You follow no profile yet"),))
PRESS_HELP = Step("press", "menu:help:{chat}", (says("What I understand"),))
PHOTO = Step("photo", "", REPORT)

PEOPLE = 20
STEPS_EACH = 10
PHOTOS = 6


def scripts(seed: int = 7) -> dict[int, list[Step]]:
    """Each person starts with /start, then cheap steps; PHOTOS of them send one photo."""
    rng = random.Random(seed)
    cheap = [HELP, PRIVACY, UNKNOWN, SUBSCRIPTIONS, PRESS_HELP, START]
    people = {}
    for index in range(PEOPLE):
        steps = [START, *rng.choices(cheap, k=STEPS_EACH - 1)]
        if index < PHOTOS:
            steps[rng.randrange(1, STEPS_EACH)] = PHOTO
        people[9000 + index] = steps
    return people


@dataclass
class Done:
    step: Step
    after: int
    """Messages of this step's answer have ids above this one (and below the next step's)."""


async def act(client: PlaygroundClient, chat: int, steps: list[Step], seed: int) -> list[Done]:
    done: list[Done] = []
    last_seen = 0
    start_message = 0
    for step in steps:
        if step.kind == "text":
            after = (await client.send_text(chat, step.payload))["message_id"]
        elif step.kind == "photo":
            after = (await client.send_photos(chat, [sample_jpeg(seed)]))[-1]["message_id"]
        else:
            await client.press(chat, start_message, step.payload.format(chat=chat))
            after = last_seen
        replies = await client.wait_for(chat, matching(step.expect), after=after, timeout=120)
        last_seen = replies[-1]["message_id"]
        if step is START:
            start_message = replies[0]["message_id"]
        done.append(Done(step, after))
    return done


def check_chat(chat: int, messages: list[View], done: list[Done]) -> None:
    """Each step's answer is complete, in order, and sent exactly once (no extra message)."""
    bot = [m for m in messages if m["sender"] == "bot"]
    bounds = [d.after for d in done] + [10**9]
    for index, item in enumerate(done):
        answer = [m for m in bot if bounds[index] < m["message_id"] <= bounds[index + 1]]
        assert not mismatch(item.step.expect, answer), (
            f"chat {chat}, step {index} ({item.step.kind} {item.step.payload!r}): "
            f"got {len(answer)} messages, expected {len(item.step.expect)}\n" + transcript(messages)
        )


async def quiet(runtime: BotRuntime | PtbRuntime, playground: Playground) -> None:
    """Until no update is pending or being handled (a late duplicate would come before)."""
    deadline = time.monotonic() + 30
    while runtime.updates.in_flight or playground.state.updates:
        assert time.monotonic() < deadline, "the bot did not settle"
        await asyncio.sleep(0.05)


async def test_two_hundred_interactions_survive_ten_percent_faults(
    running: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    client = running.client
    per_kind = 0.1 / 3
    for index, kind in enumerate(("429", "500", "drop")):
        # Rules are tried in order: scale each so that each kind hits ~1/30 of all calls.
        await client.set_faults(
            ["*"], kind, rate=per_kind / (1 - index * per_kind), retry_after=1, seed=100 + index
        )
    people = scripts()
    started = time.monotonic()
    results = await asyncio.gather(
        *(act(client, chat, steps, seed=chat) for chat, steps in people.items())
    )
    elapsed = time.monotonic() - started
    await quiet(running.runtime, running.playground)
    stats = await client.fault_stats()
    for (chat, _), done in zip(people.items(), results, strict=True):
        check_chat(chat, await client.messages(chat), done)
    metrics = running.runtime.metrics.snapshot()
    with capsys.disabled():
        print(
            f"\nfaults: {sum(len(s) for s in people.values())} interactions from {len(people)} "
            f"people in {elapsed:.1f} s; {stats['total']} faults injected {stats['injected']}; "
            f"{metrics['retries']:g} retries (429: {metrics['retries_429']:g}, "
            f"5xx: {metrics['retries_5xx']:g}, network: {metrics['retries_network']:g}); "
            f"{metrics['paced']:g} sends paced"
        )
    assert stats["total"] >= 10  # the faults did happen
    # Every faulted call is retried, except chat actions whose "typing…" loop had already ended.
    assert stats["total"] - 5 <= metrics["retries"] <= stats["total"]
    assert metrics["errors"] == 0


# --- failures outside Telegram -----------------------------------------------------------------


class FailingSource:
    """A profile source that raises the given Instagram error for every profile."""

    def __init__(self) -> None:
        self.error: errors.InstagramError = errors.ConnectionFailed("test")

    async def fetch(self, username: str, max_posts: int) -> FetchedProfile:
        raise self.error


@pytest.fixture
async def with_source(
    settings: Settings, analyzers: LoadedAnalyzers
) -> AsyncIterator[tuple[Running, FailingSource]]:
    source = FailingSource()
    async with bot_running(Container(settings, analyzers=analyzers, source=source)) as running:
        yield running, source


async def ask(client: PlaygroundClient, chat: int, text: str, count: int = 1) -> list[View]:
    sent = await client.send_text(chat, text)
    return await client.wait_for(chat, lambda m: len(m) >= count, after=sent["message_id"])


@pytest.mark.parametrize(
    ("error", "answer"),
    [
        (errors.RateLimited("429", retry_after=600), "try again in about 10 minutes"),
        (errors.LoginRequired("login wall"), "Instagram wants a login"),
        (errors.ConnectionFailed("timeout"), "could not reach Instagram"),
        (errors.ProfileNotFound("gone"), "could not find that Instagram profile"),
        (errors.ProfilePrivate("private"), "That profile is private"),
    ],
)
async def test_instagram_failures_get_plain_answers(
    with_source: tuple[Running, FailingSource], error: errors.InstagramError, answer: str
) -> None:
    running, source = with_source
    source.error = error
    replies = await ask(running.client, 4100, "/analyze natgeo", count=2)
    assert "Looking at @natgeo" in replies[0]["text"]
    assert answer in replies[1]["text"]
    replies = await ask(running.client, 4100, "/help")  # still serving
    assert "What I understand" in replies[0]["text"]
    assert running.runtime.metrics.snapshot()["refused"] == 1


@pytest.mark.parametrize(
    "message", ["(sqlite3.OperationalError) database is locked", "database or disk is full"]
)
async def test_database_failure_is_logged_answered_and_others_are_served(
    running: Running,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    message: str,
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> None:
        raise sqlalchemy.exc.OperationalError("INSERT INTO analyses …", {}, Exception(message))

    monkeypatch.setattr("storage.repositories.analyses.AnalysesRepository.add", broken)
    client = running.client
    caplog.set_level(logging.INFO, logger="digbot.updates")
    sent = (await client.send_photos(4200, [sample_jpeg(1)]))[-1]
    other = await client.send_text(4201, "/privacy")  # someone else, meanwhile
    replies = await client.wait_for(
        4200, lambda m: any(r["text"] == texts.FAILED for r in m), after=sent["message_id"]
    )
    assert [r["text"] for r in replies] == [texts.FAILED]  # a status line shown is gone
    served = await client.wait_for(4201, lambda m: len(m) >= 1, after=other["message_id"])
    assert "What I keep" in served[0]["text"]
    chat = pseudonym(4200)  # log lines name chats by a keyed hash, never by their id
    failure = next(r for r in caplog.records if f"failed (chat {chat})" in r.getMessage())
    assert failure.exc_info is not None
    assert message in str(failure.exc_info[1])
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("update id=")]
    assert any(
        f"handler=photo chat={chat} outcome=error:OperationalError" in line for line in lines
    ), lines
    monkeypatch.undo()  # the database is back: the same person is served again
    sent = (await client.send_photos(4200, [sample_jpeg(2)]))[-1]
    await client.wait_for(4200, matching(REPORT), after=sent["message_id"], timeout=120)


class BrokenAnalyzer:
    """An image analyzer whose model is broken: it raises on every photo."""

    name: ClassVar[str] = "style"

    def analyze(self, context: PhotoContext) -> Any:
        raise RuntimeError("model weights are corrupt")


@pytest.fixture
def broken_analyzers(analyzers: LoadedAnalyzers) -> LoadedAnalyzers:
    """The real analyzers, but style fails on each photo and personality never loaded."""
    return LoadedAnalyzers(
        image=[a for a in analyzers.image if a.name != "style"] + [BrokenAnalyzer()],
        profile=[a for a in analyzers.profile if a.name != "personality"],
        unavailable={**analyzers.unavailable, "personality": "it failed to start"},
    )


async def test_a_failing_analyzer_leaves_the_rest_of_the_report(
    settings: Settings, broken_analyzers: LoadedAnalyzers, caplog: pytest.LogCaptureFixture
) -> None:
    async with bot_running(Container(settings, analyzers=broken_analyzers)) as running:
        client = running.client
        sent = (await client.send_photos(4300, [sample_jpeg(3)]))[-1]
        replies = await client.wait_for(4300, matching(REPORT), after=sent["message_id"])
    summary = replies[0]["text"]
    assert "Your photo" in summary
    assert "not available (it failed on this photo)" in summary
    assert any("image analyzer style failed" in r.getMessage() for r in caplog.records)


def test_scripts_are_the_promised_mix() -> None:
    people = scripts()
    steps = [step for script in people.values() for step in script]
    assert len(people) == PEOPLE and len(steps) == 200
    assert sum(step is PHOTO for step in steps) == PHOTOS
