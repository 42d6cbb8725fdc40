"""Outgoing messages paced to Telegram's limits, for every send, in one place.

Telegram allows a bot about 30 messages a second overall, about one a second in one chat (short
bursts are tolerated) and 20 a minute in one group; above that it answers 429. `Pacer` keeps
one schedule per limit (GCRA, "virtual scheduling": each limit remembers when its next message
is theoretically due, and tolerates `burst - 1` messages ahead of that), and
`PacingMiddleware` makes every request that puts something into a chat wait for its turn.

A request first reserves its turn in its chat (and group) synchronously, before it awaits
anything, so a chat's turns are handed out in call order and its messages keep their order; when
that turn comes it takes the next overall turn. (Reserving the overall turn up front would let
one busy group's messages, due minutes ahead, hold up every other chat.) An album
(sendMediaGroup) costs one turn per item, as Telegram counts each of its messages. Chat actions
("typing…") and requests without a chat (getUpdates, getFile, answerCallbackQuery) are not
paced: Telegram does not count them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import SendChatAction, SendMediaGroup

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import Response, TelegramMethod


@dataclass
class Limit:
    """`rate` messages a second on average, with up to `burst` at once."""

    rate: float
    burst: int = 1

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.burst < 1:
            raise ValueError(f"a limit needs rate > 0 and burst >= 1, not {self}")


class _Schedule:
    """One limit's virtual schedule: when its next message is theoretically due."""

    def __init__(self, limit: Limit) -> None:
        self.interval = 1.0 / limit.rate
        self.tolerance = (limit.burst - 1) * self.interval
        self.due = float("-inf")

    def earliest(self, now: float) -> float:
        """Never before an earlier reservation's start: `due` and `now` only grow."""
        return max(now, self.due - self.tolerance)

    def take(self, start: float, cost: int) -> None:
        self.due = max(self.due, start) + cost * self.interval


class Pacer:
    """Hands out send times that respect an overall, a per-chat and a per-group limit.

    Negative chat ids are groups, supergroups and channels (Telegram's convention); they get the
    group limit on top of the per-chat one. `clock` is injectable for tests.
    """

    def __init__(
        self,
        overall: Limit | None = None,
        per_chat: Limit | None = None,
        per_group: Limit | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.overall = overall or Limit(rate=30.0)
        self.per_chat = per_chat or Limit(rate=1.0, burst=3)
        self.per_group = per_group or Limit(rate=20 / 60)
        self._clock = clock
        self._global = _Schedule(self.overall)
        self._chats: dict[int | str, _Schedule] = {}
        self._groups: dict[int | str, _Schedule] = {}
        self._tidy_above = 1024
        self.paced = 0
        """Messages that had to wait for their turn (an operator counter)."""
        self.waited_seconds = 0.0
        """Total time messages spent waiting for their turn."""

    def _reserve(self, schedules: list[_Schedule], cost: int) -> float:
        now = self._clock()
        start = max(schedule.earliest(now) for schedule in schedules)
        for schedule in schedules:
            schedule.take(start, cost)
        return start - now

    def reserve_chat(self, chat: int | str, cost: int = 1) -> float:
        """Reserve the chat's (and group's) next turn for `cost` messages; seconds to wait."""
        schedules = [self._chats.setdefault(chat, _Schedule(self.per_chat))]
        if is_group(chat):
            schedules.append(self._groups.setdefault(chat, _Schedule(self.per_group)))
        self._forget_idle(self._clock())
        return self._reserve(schedules, cost)

    def reserve_overall(self, cost: int = 1) -> float:
        """Reserve the bot's next overall turn for `cost` messages; seconds to wait."""
        return self._reserve([self._global], cost)

    async def wait_turn(
        self,
        chat: int | str,
        cost: int = 1,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        """Return when `cost` messages may go into `chat` under every limit."""
        waited = 0.0
        for reserve in (lambda: self._chat_turn(chat, cost), lambda: self._overall_turn(cost)):
            delay = await reserve()
            if delay > 0:
                waited += delay
                await sleep(delay)
        if waited > 0:
            self.paced += 1
            self.waited_seconds += waited

    async def _chat_turn(self, chat: int | str, cost: int) -> float:
        """Seconds until the chat's reserved turn (RedisPacer reserves it in Redis)."""
        return self.reserve_chat(chat, cost)

    async def _overall_turn(self, cost: int) -> float:
        """Seconds until the bot's reserved overall turn (RedisPacer: in Redis)."""
        return self.reserve_overall(cost)

    def _forget_idle(self, now: float) -> None:
        """Drop chats whose schedule is long past, so memory does not grow with every chat."""
        if len(self._chats) <= self._tidy_above:
            return
        for table in (self._chats, self._groups):
            for chat in [c for c, s in table.items() if s.due < now - 60]:
                del table[chat]
        self._tidy_above = max(1024, 2 * len(self._chats))


def is_group(chat: int | str) -> bool:
    return isinstance(chat, str) or chat < 0  # "@channelname" is a channel


def _cost(method: TelegramMethod[Any]) -> int:
    return len(method.media) if isinstance(method, SendMediaGroup) else 1


def paced_chat(method: TelegramMethod[Any]) -> int | str | None:
    """The chat whose limits `method` counts against, or None when it is not paced."""
    if isinstance(method, SendChatAction):
        return None
    chat = getattr(method, "chat_id", None)
    return chat if isinstance(chat, int | str) else None


class PacingMiddleware(BaseRequestMiddleware):
    """Session middleware: each request into a chat waits for the turn `pacer` gives it.

    Register it after RetryMiddleware (inner to it) so that every retry waits for a turn too.
    """

    def __init__(
        self,
        pacer: Pacer | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.pacer = pacer or Pacer()
        self._sleep = sleep

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
    ) -> Response[Any]:
        chat = paced_chat(method)
        if chat is not None:
            await self.pacer.wait_turn(chat, _cost(method), self._sleep)
        return await make_request(bot, method)
