"""Outgoing requests that survive Telegram's bad moments and limits, in one place.

`configure_session` installs the whole chain on a bot's session, outermost first:

- `LimitsMiddleware`: a text over 4096 characters goes as several messages, cut at paragraph or
  line breaks (the keyboard under the last one); a caption over 1024 keeps its first part and
  the rest follows as messages; "message is not modified" after an edit is success, not an error;
  a chat action ("typing…") that fails is dropped: it is only an indicator, and its sender
  (aiogram's ChatActionSender) runs in a task nobody awaits, where an error is only logged as
  "Task exception was never retrieved" (e.g. the 403 of a person who blocked the bot).
- `RetryMiddleware`: `bot.retries.RetryPolicy` (429 waits `retry_after` holding everyone back;
  5xx and dropped connections back off with jitter) over aiogram's errors.
- `bot.pacing.PacingMiddleware`: every attempt, retries included, waits for its turn under
  Telegram's rate limits.
- `ResponseTypesMiddleware`: keeps the answer types aiogram parses into, so each is built once.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from aiogram.client.session.base import BaseSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import (
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    GetUpdates,
    Response,
    SendAnimation,
    SendAudio,
    SendChatAction,
    SendDocument,
    SendMessage,
    SendPhoto,
    SendVideo,
    SendVoice,
)

from bot.pacing import Pacer, PacingMiddleware
from bot.retries import Retryable, RetryPolicy
from reports.split import CAPTION_LIMIT, MESSAGE_LIMIT, split_caption, split_message, utf16_len

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import TelegramMethod

log = logging.getLogger(__name__)


_CAPTIONED = (SendPhoto, SendDocument, SendVideo, SendAnimation, SendAudio, SendVoice)
_EDITS = (EditMessageText, EditMessageCaption, EditMessageReplyMarkup)


class LimitsMiddleware(BaseRequestMiddleware):
    """Telegram's size limits and its one harmless error, handled for every caller."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
    ) -> Response[Any]:
        if isinstance(method, SendMessage) and utf16_len(method.text) > MESSAGE_LIMIT:
            return await self._long_text(make_request, bot, method)
        caption = getattr(method, "caption", None)
        if (
            isinstance(method, _CAPTIONED)
            and isinstance(caption, str)
            and utf16_len(caption) > CAPTION_LIMIT
        ):
            return await self._long_caption(make_request, bot, method, caption)
        if isinstance(method, SendChatAction):
            try:
                return await make_request(bot, method)
            except TelegramAPIError as error:
                log.debug("chat action not shown: %s", type(error).__name__)
                return True  # type: ignore[return-value]  # sendChatAction's own result
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as error:
            if isinstance(method, _EDITS) and "message is not modified" in error.message:
                return True  # type: ignore[return-value]  # the edit's result when nothing changed
            raise

    async def _long_text(
        self, make_request: NextRequestMiddlewareType[Any], bot: Bot, method: SendMessage
    ) -> Response[Any]:
        """The chunks in order, the keyboard under the last; returns the last message."""
        chunks = split_message(method.text)
        result: Response[Any] | None = None
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            update: dict[str, Any] = {"text": chunk}
            if not last:
                update["reply_markup"] = None
            if index > 0:
                update.update(reply_parameters=None, reply_to_message_id=None)
            result = await make_request(bot, method.model_copy(update=update))
        assert result is not None
        return result

    async def _long_caption(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
        caption: str,
    ) -> Response[Any]:
        """The media with the caption's head, then the rest as messages; returns the media's."""
        head, rest = split_caption(caption)
        markup = getattr(method, "reply_markup", None)
        update: dict[str, Any] = {"caption": head}
        if rest is not None:
            update["reply_markup"] = None
        result = await make_request(bot, method.model_copy(update=update))
        if rest is not None:
            follow = SendMessage(
                chat_id=getattr(method, "chat_id"),  # noqa: B009  # every captioned send has one
                text=rest,
                parse_mode=getattr(method, "parse_mode", None),
                message_thread_id=getattr(method, "message_thread_id", None),
                reply_markup=markup,
            )
            await self(make_request, bot, follow)  # itself split when longer than a message
        return result


def _classify(error: BaseException) -> Retryable | None:
    if isinstance(error, TelegramRetryAfter):
        return Retryable("429", retry_after=error.retry_after)
    if isinstance(error, TelegramServerError):
        return Retryable("5xx", message=error.message)
    if isinstance(error, TelegramNetworkError):
        return Retryable("network", message=error.message)
    return None


class RetryMiddleware(RetryPolicy, BaseRequestMiddleware):
    """bot.retries.RetryPolicy over aiogram's errors."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
    ) -> Response[Any]:
        if isinstance(method, GetUpdates):  # the dispatcher has its own backoff for polling
            return await make_request(bot, method)
        return await self.run(lambda: make_request(bot, method), type(method).__name__, _classify)


class ResponseTypesMiddleware(BaseRequestMiddleware):
    """Holds every `Response[T]` aiogram parses Telegram's answers into.

    aiogram parses each answer as `Response[method.__returning__]`, and pydantic keeps a generic
    model's parametrisations only weakly: once an answer is parsed the type is garbage, and the
    next answer builds its validator again, on the event loop (Response[list[Update]] for each
    poll, [Message], [bool], [File]: 7-15 ms each on an idle machine, 50-100 ms under load;
    found by benchmarks/bench_load.py's stall sampler). One reference per type makes each build
    once. A handful of types in all (one per return type the bot's methods use).
    """

    def __init__(self) -> None:
        self.types: dict[Any, type[Response[Any]]] = {}

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
    ) -> Response[Any]:
        returning = method.__returning__
        if returning not in self.types:
            self.types[returning] = Response[returning]  # type: ignore[valid-type]
        return await make_request(bot, method)


def configure_session(
    session: BaseSession, *, retry: RetryMiddleware | None = None, pacer: Pacer | None = None
) -> tuple[RetryMiddleware, Pacer]:
    """Install the chain on `session` (limits, retries, pacing); returns its counters' owners."""
    retry = retry or RetryMiddleware()
    pacer = pacer or Pacer()
    session.middleware(LimitsMiddleware())
    session.middleware(retry)
    session.middleware(PacingMiddleware(pacer))
    session.middleware(ResponseTypesMiddleware())
    return retry, pacer


def send_path_of(session: BaseSession) -> tuple[RetryMiddleware | None, Pacer | None]:
    """The retry policy and the pacer `configure_session` installed on `session`, if any."""
    retry = next((m for m in session.middleware if isinstance(m, RetryMiddleware)), None)
    pacing = next((m for m in session.middleware if isinstance(m, PacingMiddleware)), None)
    return retry, pacing.pacer if pacing is not None else None
