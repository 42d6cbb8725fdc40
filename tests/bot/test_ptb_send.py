"""The python-telegram-bot send path (bot.ptb_send.PacedSending, PTB's rate-limiter hook): the
same limits and retries as aiogram's session chain, against a recording stand-in for the HTTP
call (nothing sleeps: the retry policy's sleep is recorded)."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.ptb_send import PacedSending
from bot.retries import RetryPolicy
from reports.split import MESSAGE_LIMIT


class Telegram:
    """Records each call; raises the queued errors first."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls: list[tuple[str, dict[str, Any]]] = []

    async def __call__(self, endpoint: str, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        self.calls.append((endpoint, data))
        if self.errors:
            raise self.errors.pop(0)
        return {"message_id": len(self.calls)}


def sending() -> tuple[PacedSending, list[float]]:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    policy = RetryPolicy(attempts=4, base_delay=0.1, rng=random.Random(1), sleep=sleep)
    return PacedSending(retry=policy), slept


async def send(limiter: PacedSending, telegram: Telegram, endpoint: str, **data: Any) -> Any:
    return await limiter.process_request(telegram, (), {}, endpoint, data, None)


async def test_a_long_text_goes_as_several_messages_with_the_buttons_under_the_last() -> None:
    limiter, _ = sending()
    telegram = Telegram()
    text = ("word " * 40 + "\n\n") * 60
    result = await send(limiter, telegram, "sendMessage", chat_id=1, text=text, reply_markup="kb")
    assert len(telegram.calls) >= 2 and all(e == "sendMessage" for e, _ in telegram.calls)
    assert all(len(d["text"]) <= MESSAGE_LIMIT for _, d in telegram.calls)
    assert [("reply_markup" in d) for _, d in telegram.calls][-1] is True
    assert not any("reply_markup" in d for _, d in telegram.calls[:-1])
    assert result == {"message_id": len(telegram.calls)}


async def test_a_long_caption_keeps_its_head_and_the_rest_follows() -> None:
    limiter, _ = sending()
    telegram = Telegram()
    caption = "line of a caption\n" * 100
    await send(limiter, telegram, "sendPhoto", chat_id=1, photo=b"png", caption=caption)
    (first, photo), (second, rest) = telegram.calls
    assert (first, second) == ("sendPhoto", "sendMessage")
    assert len(photo["caption"]) <= 1024 and photo["caption"] + rest["text"] != ""


async def test_429_waits_retry_after_and_5xx_and_drops_back_off() -> None:
    limiter, slept = sending()
    telegram = Telegram(
        RetryAfter(timedelta(seconds=3)),
        NetworkError("Internal Server Error"),
        NetworkError("httpx.ReadError: x"),
    )
    assert await send(limiter, telegram, "sendMessage", chat_id=1, text="hi") == {"message_id": 4}
    assert slept[0] == 3 and len(slept) == 3
    assert limiter.retry.retried == {"429": 1, "5xx": 1, "network": 1}


@pytest.mark.parametrize("error", [BadRequest("chat not found"), Forbidden("blocked")])
async def test_other_errors_are_the_callers(error: Exception) -> None:
    limiter, slept = sending()
    with pytest.raises(type(error)):
        await send(limiter, Telegram(error), "sendMessage", chat_id=1, text="hi")
    assert slept == [] and limiter.retry.retries == 0


async def test_an_edit_that_changes_nothing_and_a_failed_chat_action_are_success() -> None:
    limiter, _ = sending()
    unchanged = Telegram(BadRequest("Bad Request: message is not modified"))
    assert await send(limiter, unchanged, "editMessageText", chat_id=1, text="x") is True
    blocked = Telegram(Forbidden("bot was blocked by the user"))
    assert await send(limiter, blocked, "sendChatAction", chat_id=1, action="typing") is True
