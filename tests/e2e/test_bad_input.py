"""Every kind of bad input gets a clear answer, and the person's next normal request still works.

Each case runs in its own chat (all at once): the bad input, its expected answer (exactly those
messages), then /help and its answer.
"""

from __future__ import annotations

import asyncio
import copy
import io
import struct
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pillow_heif
import pytest
from PIL import Image

from handlers import texts
from instagram.errors import InvalidUsername, ProfileNotFound
from playground.client import PlaygroundClient, PlaygroundError, transcript
from tests.e2e.conftest import Running
from tests.e2e.replies import (
    REPORT,
    Matcher,
    View,
    a_photo,
    at_least,
    matching,
    mismatch,
    says,
)
from tests.fixtures.instagram_fixture import FixturePost, sample_jpeg, write_profile

pytestmark = pytest.mark.slow

Send = Callable[[Running, int], Awaitable[int]]
"""Sends the bad input into a chat; returns the id after which the answer comes."""

INVALID = says(InvalidUsername.user_message[:40])
NOT_UNDERSTOOD = says(texts.NOT_UNDERSTOOD[:30])
NOT_AN_IMAGE = says(texts.NOT_AN_IMAGE_DOCUMENT[:30])
VIDEO = says(texts.VIDEO[:30])


@dataclass(frozen=True)
class Case:
    name: str
    send: Send
    expect: tuple[Matcher, ...]


def text(message: str) -> Send:
    async def send(running: Running, chat: int) -> int:
        return int((await running.client.send_text(chat, message))["message_id"])

    return send


def document(data: bytes, filename: str, mime_type: str) -> Send:
    async def send(running: Running, chat: int) -> int:
        sent = await running.client.send_document(chat, data, filename, mime_type)
        return int(sent["message_id"])

    return send


def photo(data: bytes) -> Send:
    async def send(running: Running, chat: int) -> int:
        return int((await running.client.send_photos(chat, [data]))[-1]["message_id"])

    return send


def video(animation: bool) -> Send:
    async def send(running: Running, chat: int) -> int:
        clip = b"\x00\x00\x00\x18ftypmp42" + bytes(64)
        return int((await running.client.send_video(chat, clip, animation=animation))["message_id"])

    return send


# --- files ------------------------------------------------------------------------------------


def encoded(fmt: str, size: tuple[int, int] = (320, 240)) -> bytes:
    with Image.open(io.BytesIO(sample_jpeg(5, size))) as im:
        buffer = io.BytesIO()
        if fmt == "HEIF":
            pillow_heif.from_pillow(im).save(buffer, format="HEIF", quality=80)
        else:
            im.save(buffer, format=fmt)
    return buffer.getvalue()


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (64, 64), colour) for colour in ("red", "green", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=100)
    return buffer.getvalue()


def png_declaring(width: int, height: int, rows: int) -> bytes:
    """A grey PNG that declares width×height pixels but carries only `rows` rows of data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    compressor = zlib.compressobj(9)
    row = bytes(width + 1)  # filter byte + one byte per grey pixel
    data = b"".join(compressor.compress(row) for _ in range(rows)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


FILE_CASES = [
    Case(
        "corrupt JPEG",
        document(sample_jpeg(1)[:1500], "broken.jpg", "image/jpeg"),
        (says("damaged or incomplete"),),
    ),
    Case(
        "JPEG header then garbage",
        document(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8, "noise.jpg", "image/jpeg"),
        (says("damaged or incomplete"),),
    ),
    Case("PNG file", document(encoded("PNG"), "a.png", "image/png"), REPORT),
    Case("WebP file", document(encoded("WEBP"), "a.webp", "image/webp"), REPORT),
    Case("GIF file", document(encoded("GIF"), "a.gif", "image/gif"), REPORT),
    Case("HEIC file", document(encoded("HEIF"), "a.heic", "image/heic"), REPORT),
    Case("PNG photo", photo(encoded("PNG")), REPORT),
    Case(
        "animated GIF file",
        document(animated_gif(), "loop.gif", "image/gif"),
        (says("animated image"),),
    ),
    Case("animated GIF as animation", video(animation=True), (VIDEO,)),
    Case(
        "10000×10000 image",
        document(png_declaring(10_000, 10_000, 10_000), "huge.png", "image/png"),
        (says("too large for me to open"),),
    ),
    Case(
        "decompression bomb",
        document(png_declaring(60_000, 60_000, 1), "bomb.png", "image/png"),
        (says("too large for me to open"),),
    ),
    Case("photo sent as a file", document(sample_jpeg(2), "me.jpg", "image/jpeg"), REPORT),
    Case(
        "photo as a file with no type",
        document(sample_jpeg(3), "me", "application/octet-stream"),
        REPORT,
    ),
    Case("PDF document", document(b"%PDF-1.4\n%...", "cv.pdf", "application/pdf"), (NOT_AN_IMAGE,)),
    Case(
        "PDF named .jpg",
        document(b"%PDF-1.4\n%...", "cv.jpg", "image/jpeg"),
        (NOT_AN_IMAGE,),
    ),
    Case(
        "text file",
        document(b"just some notes\n", "notes.txt", "application/octet-stream"),
        (NOT_AN_IMAGE,),
    ),
    Case("video", video(animation=False), (VIDEO,)),
]


# --- text -------------------------------------------------------------------------------------


TEXT_CASES = [
    Case("blank message", text(" \u200b "), (says("That message is empty"),)),
    Case("4096 characters", text("a" * 4096), (NOT_UNDERSTOOD,)),
    Case("4096 characters of words", text("word " * 819 + "x"), (NOT_UNDERSTOOD,)),
    Case("Cyrillic look-alike", text("/analyze n\u0430tgeo"), (INVALID,)),
    Case(
        "full-width look-alike", text("/analyze \uff4e\uff41\uff54\uff47\uff45\uff4f"), (INVALID,)
    ),
    Case("Kelvin sign", text("/subscribe \u212aim daily"), (INVALID,)),
    Case("bare look-alike", text("n\u0430tgeo"), (NOT_UNDERSTOOD,)),
    Case("username with spaces", text("/analyze nat geo"), (says(texts.ASK_USERNAME[:20]),)),
    Case("path traversal", text("/analyze ../../etc/passwd"), (INVALID,)),
    Case("path traversal, bare", text("../etc/passwd"), (NOT_UNDERSTOOD,)),
    Case("path traversal, unsubscribe", text("/unsubscribe .."), (INVALID,)),
    Case("SQL-looking username", text("/analyze x'or'1'='1"), (INVALID,)),
    Case(
        "SQL-looking subscribe",
        text("/subscribe natgeo'; DROP TABLE users; --"),
        (says("Usage: <code>/subscribe"),),
    ),
    Case("/analyze without a name", text("/analyze"), (says(texts.ASK_USERNAME[:20]),)),
    Case("/analyze with two names", text("/analyze a b"), (says(texts.ASK_USERNAME[:20]),)),
    Case("/subscribe without a name", text("/subscribe"), (says("Usage: <code>/subscribe"),)),
    Case("/subscribe hourly", text("/subscribe natgeo hourly"), (says("Usage: <code>/subscribe"),)),
    Case("/unsubscribe without a name", text("/unsubscribe"), (says("Usage: <code>/unsub"),)),
    Case("/unsubscribe with two names", text("/unsubscribe a b"), (says("Usage: <code>/unsub"),)),
    Case("/privacy with extra words", text("/privacy please"), (says("What I keep"),)),
    Case("unknown command", text("/frobnicate now"), (NOT_UNDERSTOOD,)),
]


async def run_case(running: Running, chat: int, case: Case) -> str | None:
    """None when the case went as expected, else what went wrong (with the transcript)."""
    client = running.client
    after = await case.send(running, chat)
    try:
        answer = await client.wait_for(chat, matching(case.expect), after=after, timeout=90)
        asked = await client.send_text(chat, "/help")
        await client.wait_for(chat, at_least(1), after=asked["message_id"], timeout=90)
    except TimeoutError as error:
        return f"{case.name}: {error}"
    answer = [m for m in answer if m["message_id"] < asked["message_id"]]
    everything = await client.messages(chat)
    help_answer = [m for m in everything if m["message_id"] > asked["message_id"]]
    if mismatch(case.expect, answer) or mismatch((says("What I understand"),), help_answer):
        return f"{case.name}:\n{transcript(everything)}"
    return None


async def run_cases(running: Running, cases: list[Case], first_chat: int) -> None:
    problems = await asyncio.gather(
        *(run_case(running, first_chat + i, case) for i, case in enumerate(cases))
    )
    failed = [p for p in problems if p is not None]
    assert not failed, "\n\n".join(failed)
    assert running.runtime.metrics.snapshot()["errors"] == 0  # refused politely, never crashed


async def test_bad_files_get_clear_answers(running: Running) -> None:
    await run_cases(running, FILE_CASES, 7000)


async def test_bad_text_gets_clear_answers(running: Running) -> None:
    await run_cases(running, TEXT_CASES, 7100)


AIOGRAM_ONLY = pytest.mark.parametrize("runtime_name", ["aiogram"])
"""For a test whose subject no runtime adapter touches (the playground's own refusal, or service
and report code reached through the /analyze route that test_conversations runs on both)."""


@AIOGRAM_ONLY
async def test_the_person_cannot_send_an_empty_or_overlong_message(running: Running) -> None:
    for message in ("", "a" * 4097):
        with pytest.raises(PlaygroundError):
            await running.client.send_text(7200, message)


# --- buttons ----------------------------------------------------------------------------------


async def forge_press(running: Running, chat: int, message_id: int, data: str) -> str:
    """A callback query with `data` on a bot message, as a modified client could send."""
    state = running.playground.state
    person = state.person_chat(chat)
    message = person.find(message_id)
    assert message is not None
    record = state.new_callback(person, message, data)
    query = {
        "id": record.id,
        "from": person.user,
        "message": copy.deepcopy(message.tg),
        "chat_instance": str(chat),
        "data": data,
    }
    state.push_update("callback_query", query)
    return record.id


async def start_message(client: PlaygroundClient, chat: int) -> int:
    sent = await client.send_text(chat, "/start")
    return int(
        (await client.wait_for(chat, at_least(1), after=sent["message_id"]))[0]["message_id"]
    )


@pytest.mark.parametrize(
    ("data", "answer"),
    [
        ("garbage", None),
        ("forget:maybe", None),
        ("menu:nothing", None),
        ("menu:settings:7300", None),  # MenuCB.item is a MenuItem: no such item
        ("sub:natgeo:hourly:7300", None),  # SubscribeCB.period is a Period: refused at parsing
        ("x" * 64, None),
        ("an:../../etc:7300", InvalidUsername.user_message[:40]),
        ("unsub:n\u0430tgeo:7300", InvalidUsername.user_message[:40]),
    ],
)
async def test_forged_buttons_are_refused(running: Running, data: str, answer: str | None) -> None:
    client, chat = running.client, 7300
    menu = await start_message(client, chat)
    callback = await forge_press(running, chat, menu, data)
    record = await client.callback(chat, callback, timeout=30)
    assert record["answered"]
    if answer is None:  # nothing matched: "this button has expired"
        assert record["text"] == texts.BUTTON_EXPIRED and record["show_alert"]
    else:
        replies = await client.wait_for(chat, at_least(1), after=menu)
        assert answer in replies[0]["text"]
    asked = await client.send_text(chat, "/help")
    replies = await client.wait_for(chat, at_least(1), after=asked["message_id"])
    assert "What I understand" in replies[0]["text"]


async def test_a_stale_button_does_no_harm(running: Running, profiles_root: Path) -> None:
    client, chat = running.client, 7400
    post = FixturePost(taken_at=datetime(2026, 9, 1, tzinfo=UTC), images=[sample_jpeg(1)])
    write_profile(profiles_root, "natgeo", [post])
    sent = await client.send_text(chat, "/subscribe natgeo")
    await client.wait_for(chat, at_least(1), after=sent["message_id"])
    sent = await client.send_text(chat, "/subscriptions")
    listing = await client.wait_for(chat, at_least(1), after=sent["message_id"])
    stop = listing[-1]
    for expected in ("Stopped: no more reports on @natgeo", "You do not follow @natgeo"):
        await client.press(chat, stop["message_id"], f"unsub:natgeo:{chat}")
        latest = (await client.messages(chat))[-1]["message_id"]
        replies = await client.wait_for(chat, at_least(1), after=latest)
        assert expected in replies[0]["text"]


# --- profiles ---------------------------------------------------------------------------------


def write_profiles(root: Path) -> None:
    start = datetime(2026, 9, 1, 8, tzinfo=UTC)

    def posts(count: int, *, videos: bool) -> list[FixturePost]:
        return [
            FixturePost(
                taken_at=start + timedelta(days=i),
                caption=f"Clip {i} #reels",
                likes=50 + i,
                comments=i,
                images=[sample_jpeg(20 + i)],
                is_video=videos,
            )
            for i in range(count)
        ]

    write_profile(root, "private.one", [], is_private=True)
    write_profile(root, "empty.one", [])
    write_profile(root, "videos.only", posts(4, videos=True))


def profile_done(messages: list[View]) -> bool:
    """The answer to /analyze is over: after the status line, a text with no buttons (the
    report's details, which follow the summary and its buttons, or a refusal)."""
    last = messages[-1] if messages else None
    return last is not None and len(messages) >= 2 and not last["photos"] and not last["buttons"]


@pytest.mark.parametrize(
    ("username", "answer", "charts"),
    [
        ("private.one", "That profile is private", False),
        ("nobody.here", ProfileNotFound.user_message, False),
        ("empty.one", "No posts to analyse yet", False),
        ("videos.only", "4 posts from", True),
    ],
)
@AIOGRAM_ONLY
async def test_awkward_profiles_get_clear_answers(
    running: Running, profiles_root: Path, username: str, answer: str, charts: bool
) -> None:
    write_profiles(profiles_root)
    client, chat = running.client, 7500
    sent = await client.send_text(chat, f"/analyze {username}")
    replies = await client.wait_for(chat, profile_done, after=sent["message_id"], timeout=90)
    # A refusal follows the status line; a report's summary is the status line, edited.
    assert answer in " ".join(m["text"] or "" for m in replies), transcript(replies)
    assert any(a_photo(m) for m in replies) == charts
    asked = await client.send_text(chat, "/help")
    replies = await client.wait_for(chat, at_least(1), after=asked["message_id"])
    assert "What I understand" in replies[0]["text"]
