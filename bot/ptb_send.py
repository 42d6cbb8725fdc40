"""The send path of the python-telegram-bot runtime, on PTB's own extension point.

`PacedSending` is a `telegram.ext.BaseRateLimiter`: every request of the bot but getUpdates
goes through its `process_request`, as the endpoint name and its parameters, with the call that
makes it. It applies, outermost first, what aiogram's runtime applies as session middlewares
(bot/session.py):

- Telegram's size limits: a text over 4,096 characters goes as several messages (the buttons
  under the last), a caption over 1,024 keeps its head and the rest follows as messages; "message
  is not modified" after an edit is success; a failed chat action is dropped (an indicator only).
- retries (`bot.retries.RetryPolicy`): 429 waits `retry_after` holding every request back;
  5xx answers and dropped connections back off with jitter;
- pacing (`bot.pacing.Pacer`, the same policy as the aiogram runtime): every attempt waits for
  its turn in its chat, its group and overall.

PTB's own `AIORateLimiter` is not used: it retries only 429s, and its limits are per second
overall and per group (aiolimiter), without the per-chat pacing or the backoff on 5xx.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.pacing import Pacer
from bot.retries import Retryable, RetryPolicy
from reports.split import CAPTION_LIMIT, MESSAGE_LIMIT, split_caption, split_message, utf16_len

log = logging.getLogger(__name__)

Result = bool | dict[str, Any] | list[dict[str, Any]]
Call = Callable[..., Coroutine[Any, Any, Result]]

_CAPTIONED = frozenset(
    {"sendPhoto", "sendDocument", "sendVideo", "sendAnimation", "sendAudio", "sendVoice"}
)
_EDITS = frozenset({"editMessageText", "editMessageCaption", "editMessageReplyMarkup"})
_UNPACED = frozenset({"sendChatAction", "getFile", "answerCallbackQuery", "getMe"})


def classify(error: BaseException) -> Retryable | None:
    """PTB's errors as the retry policy knows them (PTB raises NetworkError for a 5xx too,
    with Telegram's description, and for a dropped connection with httpx's error)."""
    if isinstance(error, RetryAfter):
        with warnings.catch_warnings():  # an int until PTB 23, a timedelta after: either works
            warnings.simplefilter("ignore", PTBDeprecationWarning)
            wait = error.retry_after
        return Retryable("429", wait.total_seconds() if isinstance(wait, timedelta) else wait)
    if isinstance(error, TimedOut):
        return Retryable("network", message=error.message)
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        transport = error.message.startswith(("httpx.", "Unknown error in HTTP"))
        return Retryable("network" if transport else "5xx", message=error.message)
    return None


class PacedSending(BaseRateLimiter[None]):
    def __init__(self, retry: RetryPolicy | None = None, pacer: Pacer | None = None) -> None:
        self.retry = retry or RetryPolicy()
        self.pacer = pacer or Pacer()

    async def initialize(self) -> None:
        """Nothing to open: the pacer and the retry policy live in memory."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(
        self,
        callback: Call,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> Result:
        async def send(endpoint: str, data: dict[str, Any]) -> Result:
            return await self._retried(callback, endpoint, data, kwargs)

        if endpoint == "sendMessage" and utf16_len(data["text"]) > MESSAGE_LIMIT:
            return await self._long_text(send, data)
        caption = data.get("caption")
        if (
            endpoint in _CAPTIONED
            and isinstance(caption, str)
            and utf16_len(caption) > CAPTION_LIMIT
        ):
            return await self._long_caption(send, endpoint, data, caption)
        if endpoint == "sendChatAction":
            try:
                return await send(endpoint, data)
            except TelegramError as error:
                log.debug("chat action not shown: %s", type(error).__name__)
                return True
        try:
            return await send(endpoint, data)
        except BadRequest as error:
            if endpoint in _EDITS and "message is not modified" in error.message.lower():
                return True
            raise

    async def _retried(
        self, callback: Call, endpoint: str, data: dict[str, Any], kwargs: dict[str, Any]
    ) -> Result:
        async def paced() -> Result:
            chat = data.get("chat_id")
            if endpoint not in _UNPACED and isinstance(chat, int | str):
                cost = len(data["media"]) if endpoint == "sendMediaGroup" else 1
                await self.pacer.wait_turn(chat, cost)
            return await callback(endpoint, data, **kwargs)

        return await self.retry.run(paced, endpoint, classify)

    async def _long_text(
        self, send: Callable[[str, dict[str, Any]], Coroutine[Any, Any, Result]], data: dict
    ) -> Result:
        """The chunks in order, the buttons under the last; returns the last message."""
        chunks = split_message(data["text"])
        result: Result = True
        for index, chunk in enumerate(chunks):
            part = {**data, "text": chunk}
            if index < len(chunks) - 1:
                part.pop("reply_markup", None)
            if index > 0:
                part.pop("reply_parameters", None)
            result = await send("sendMessage", part)
        return result

    async def _long_caption(
        self,
        send: Callable[[str, dict[str, Any]], Coroutine[Any, Any, Result]],
        endpoint: str,
        data: dict[str, Any],
        caption: str,
    ) -> Result:
        """The media with the caption's head, then the rest as messages; returns the media's."""
        head, rest = split_caption(caption)
        media = {**data, "caption": head}
        if rest is not None:
            media.pop("reply_markup", None)
        result = await send(endpoint, media)
        if rest is not None:
            follow = {
                key: data[key]
                for key in ("chat_id", "parse_mode", "message_thread_id", "reply_markup")
                if data.get(key) is not None
            }
            follow["text"] = rest
            if utf16_len(rest) > MESSAGE_LIMIT:
                await self._long_text(send, follow)
            else:
                await send("sendMessage", follow)
        return result
