"""The pacer hands out send times within Telegram's limits (a fake clock; nothing sleeps)."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.methods import GetFile, SendChatAction, SendMediaGroup, SendMessage
from aiogram.types import InputMediaPhoto

from bot.pacing import Limit, Pacer, PacingMiddleware, paced_chat


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def chat_turns(pacer: Pacer, clock: Clock, chats: list[int]) -> list[float]:
    """When each message's chat turn comes (reserved in this order, all at the same moment)."""
    return [clock.now + pacer.reserve_chat(chat) for chat in chats]


def most_in_window(times: list[float], window: float) -> int:
    """The most send times in any half-open window of `window` seconds (float slack 1 µs)."""
    return max(sum(1 for t in times if start <= t < start + window - 1e-6) for start in times)


def test_one_chat_gets_a_short_burst_then_one_a_second() -> None:
    clock = Clock()
    pacer = Pacer(per_chat=Limit(rate=1.0, burst=3), clock=clock)
    times = chat_turns(pacer, clock, [7] * 6)
    assert [t - clock.now for t in times] == pytest.approx([0, 0, 0, 1, 2, 3])


def test_a_chat_recovers_its_burst_after_a_quiet_while() -> None:
    clock = Clock()
    pacer = Pacer(per_chat=Limit(rate=1.0, burst=3), clock=clock)
    chat_turns(pacer, clock, [7] * 3)
    clock.now += 10
    assert [pacer.reserve_chat(7) for _ in range(3)] == pytest.approx([0, 0, 0])


def test_overall_rate_holds() -> None:
    clock = Clock()
    pacer = Pacer(overall=Limit(rate=30.0), clock=clock)
    times = [clock.now + pacer.reserve_overall() for _ in range(300)]
    assert most_in_window(times, 1.0) <= 30
    assert max(times) - clock.now == pytest.approx(299 / 30)


def test_a_group_gets_twenty_a_minute() -> None:
    clock = Clock()
    pacer = Pacer(per_group=Limit(rate=20 / 60), clock=clock)
    times = chat_turns(pacer, clock, [-100] * 45)
    assert most_in_window(times, 60.0) <= 20
    assert chat_turns(pacer, clock, [5]) == [clock.now]  # a private chat is not held up


async def test_every_limit_is_waited_for_in_turn() -> None:
    """Sequential sends of one chat and a busy overall limit: waits add up, order is kept."""
    clock = Clock()
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.now += seconds

    pacer = Pacer(overall=Limit(rate=2.0), per_chat=Limit(rate=1.0, burst=2), clock=clock)
    pacer.reserve_overall(cost=4)  # another chat's album just took two seconds of the bot's turns
    for _ in range(3):
        await pacer.wait_turn(1, sleep=sleep)
    assert slept == pytest.approx([2.0, 0.5, 0.5])  # overall, overall, then the chat's own limit
    assert pacer.paced == 3 and pacer.waited_seconds == pytest.approx(3.0)


def test_an_album_costs_one_turn_per_photo() -> None:
    clock = Clock()
    pacer = Pacer(per_chat=Limit(rate=1.0, burst=1), clock=clock)
    assert pacer.reserve_chat(9, cost=4) == 0
    assert pacer.reserve_chat(9) == pytest.approx(4)


def test_limits_reject_nonsense() -> None:
    with pytest.raises(ValueError):
        Limit(rate=0)


def test_what_is_paced() -> None:
    assert paced_chat(SendMessage(chat_id=5, text="hi")) == 5
    assert paced_chat(SendMessage(chat_id="@news", text="hi")) == "@news"
    assert paced_chat(SendChatAction(chat_id=5, action="typing")) is None
    assert paced_chat(GetFile(file_id="x")) is None


async def test_middleware_waits_for_the_turn_before_each_request() -> None:
    clock = Clock()
    slept: list[float] = []
    sent: list[str] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.now += seconds

    async def make_request(bot: Any, method: Any) -> Any:
        sent.append(type(method).__name__)
        return True

    middleware = PacingMiddleware(Pacer(per_chat=Limit(rate=1.0, burst=1), clock=clock), sleep)
    album = SendMediaGroup(
        chat_id=3, media=[InputMediaPhoto(media="a"), InputMediaPhoto(media="b")]
    )
    await middleware(make_request, None, album)  # type: ignore[arg-type]
    await middleware(make_request, None, SendChatAction(chat_id=3, action="typing"))  # type: ignore[arg-type]
    await middleware(make_request, None, SendMessage(chat_id=3, text="x"))  # type: ignore[arg-type]
    assert sent == ["SendMediaGroup", "SendChatAction", "SendMessage"]
    assert slept == pytest.approx([2.0])
