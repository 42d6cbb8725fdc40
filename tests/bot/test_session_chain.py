"""The session chain: retries (429 holds everyone, 5xx and dropped connections back off), long
texts and captions split, "message is not modified" accepted. A fake network; no real sleeps
beyond zero-second retry_after values."""

from __future__ import annotations

import asyncio
import gc
import json
import random
import weakref
from collections.abc import Callable
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import (
    EditMessageText,
    GetFile,
    Response,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.types import File, InlineKeyboardButton, InlineKeyboardMarkup

from bot.session import LimitsMiddleware, RetryMiddleware, configure_session
from reports.split import utf16_len

Failure = Callable[[TelegramMethod[Any]], Exception]


class Network:
    """Answers requests, failing the first ones as told; records every attempt."""

    def __init__(self, *failures: Failure) -> None:
        self.failures = list(failures)
        self.attempts: list[TelegramMethod[Any]] = []

    async def __call__(self, bot: Any, method: TelegramMethod[Any]) -> Any:
        self.attempts.append(method)
        if self.failures:
            raise self.failures.pop(0)(method)
        return len(self.attempts)


def retry_after(seconds: int) -> Failure:
    return lambda m: TelegramRetryAfter(method=m, message="Too Many Requests", retry_after=seconds)


def server_error(m: TelegramMethod[Any]) -> Exception:
    return TelegramServerError(method=m, message="Internal Server Error")


def dropped(m: TelegramMethod[Any]) -> Exception:
    return TelegramNetworkError(method=m, message="ServerDisconnectedError")


def fast_retry(attempts: int = 8) -> RetryMiddleware:
    return RetryMiddleware(attempts=attempts, base_delay=0.0, rng=random.Random(1))


async def test_server_errors_and_dropped_connections_are_retried() -> None:
    retry = fast_retry()
    network = Network(server_error, dropped, retry_after(0))
    result = await retry(network, None, SendMessage(chat_id=1, text="hi"))  # type: ignore[arg-type]
    assert result == 4
    assert retry.retries == 3
    assert dict(retry.retried) == {"5xx": 1, "network": 1, "429": 1}


async def test_retries_give_up_after_the_last_attempt() -> None:
    retry = fast_retry(attempts=3)
    network = Network(server_error, server_error, server_error, server_error)
    with pytest.raises(TelegramServerError):
        await retry(network, None, SendMessage(chat_id=1, text="hi"))  # type: ignore[arg-type]
    assert len(network.attempts) == 3


async def test_other_errors_are_not_retried() -> None:
    retry = fast_retry()
    network = Network(lambda m: TelegramForbiddenError(method=m, message="bot was blocked"))
    with pytest.raises(TelegramForbiddenError):
        await retry(network, None, SendMessage(chat_id=1, text="hi"))  # type: ignore[arg-type]
    assert len(network.attempts) == 1


async def test_a_429_holds_back_every_other_sender_until_it_expires() -> None:
    gate = asyncio.Event()
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        await gate.wait()

    retry = RetryMiddleware(sleep=sleep)
    flooded, other = Network(retry_after(5)), Network()
    first = asyncio.create_task(retry(flooded, None, SendMessage(chat_id=1, text="a")))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    second = asyncio.create_task(retry(other, None, SendMessage(chat_id=2, text="b")))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    assert slept == [5] and other.attempts == []  # the other chat waits too
    gate.set()
    assert await first == 2 and await second == 1
    assert retry.retried["429"] == 1


async def test_a_long_text_goes_as_several_messages_with_the_keyboard_under_the_last() -> None:
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="ok", callback_data="ok")]]
    )
    paragraphs = [f"<b>Part {i}</b>\n" + "word " * 150 for i in range(12)]
    text = "\n\n".join(paragraphs)
    assert utf16_len(text) > 4096
    network = Network()
    method = SendMessage(chat_id=1, text=text, reply_markup=keyboard)
    await LimitsMiddleware()(network, None, method)  # type: ignore[arg-type]
    sent = [m for m in network.attempts if isinstance(m, SendMessage)]
    assert len(sent) >= 2
    assert all(utf16_len(m.text) <= 4096 for m in sent)
    assert [m.reply_markup for m in sent] == [None] * (len(sent) - 1) + [keyboard]
    assert all(m.text.startswith("<b>Part") for m in sent)  # cut at paragraph breaks
    joined = " ".join(m.text for m in sent).split()
    assert joined == text.split()


async def test_a_long_caption_moves_into_a_following_message() -> None:
    caption = "Line one of a long story.\n" * 80
    network = Network()
    photo = SendPhoto(chat_id=1, photo="file-id", caption=caption)
    result = await LimitsMiddleware()(network, None, photo)  # type: ignore[arg-type]
    assert result == 1  # the photo's own result
    first, *rest = network.attempts
    assert isinstance(first, SendPhoto) and first.caption is not None
    assert utf16_len(first.caption) <= 1024
    assert rest and all(isinstance(m, SendMessage) for m in rest)
    words = (first.caption + " " + " ".join(m.text for m in rest)).split()  # type: ignore[attr-defined]
    assert words == caption.split()


async def test_short_texts_and_captions_pass_unchanged() -> None:
    network = Network()
    method = SendPhoto(chat_id=1, photo="file-id", caption="short")
    await LimitsMiddleware()(network, None, method)  # type: ignore[arg-type]
    assert network.attempts == [method]


async def test_message_not_modified_is_not_an_error_but_other_bad_requests_are() -> None:
    def not_modified(m: TelegramMethod[Any]) -> Exception:
        return TelegramBadRequest(method=m, message="Bad Request: message is not modified")

    edit = EditMessageText(chat_id=1, message_id=5, text="same")
    assert await LimitsMiddleware()(Network(not_modified), None, edit) is True  # type: ignore[arg-type]
    send = SendMessage(chat_id=1, text="x")
    with pytest.raises(TelegramBadRequest):
        await LimitsMiddleware()(Network(not_modified), None, send)  # type: ignore[arg-type]


async def test_an_answer_type_is_built_once_and_kept() -> None:
    """aiogram parses each answer as Response[T]; pydantic holds that type only weakly, so
    without the middleware it is garbage after each answer and rebuilt on the event loop."""
    session = AiohttpSession()
    configure_session(session, retry=fast_retry())
    bot = Bot("42:TOKEN", session=session)
    method = GetFile(file_id="f")
    answer = json.dumps({"ok": True, "result": {"file_id": "f", "file_unique_id": "u"}})

    async def network(bot: Bot, method: TelegramMethod[Any]) -> Any:
        return session.check_response(bot, method, 200, answer).result

    chain = session.middleware.wrap_middlewares(network)
    assert (await chain(bot=bot, method=method)).file_id == "f"
    built = weakref.ref(Response[File])
    gc.collect()
    assert built() is not None  # before: None, rebuilt for every getFile
    await session.close()
