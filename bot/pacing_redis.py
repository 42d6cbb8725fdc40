"""Telegram pacing shared by every process that sends with one token (the distributed mode).

Telegram's limits are per bot token, so an ingress and its workers must share one budget:
`RedisPacer` keeps the same policy as `bot.pacing.Pacer` (the same limits, the same GCRA
schedules, the chat's turn first and then the overall one) but keeps each schedule's next due
time in Redis and reserves turns with one Lua script, on Redis's clock, so that processes on
different machines agree. A schedule's key expires a minute after its last reserved turn.
"""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from bot.pacing import Limit, Pacer, is_group

PREFIX = "digbot:pace:"

RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local cost = tonumber(ARGV[1])
local start = now
local dues = {}
for i, key in ipairs(KEYS) do
  dues[i] = tonumber(redis.call('GET', key) or '-1e18')
  start = math.max(start, dues[i] - tonumber(ARGV[2 * i + 1]))
end
for i, key in ipairs(KEYS) do
  local due = math.max(dues[i], start) + cost * tonumber(ARGV[2 * i])
  redis.call('SET', key, string.format('%.6f', due), 'PX', math.ceil((due - now) * 1000) + 60000)
end
return string.format('%.6f', start - now)
"""
"""KEYS: the schedules; ARGV: cost, then each schedule's interval and tolerance (seconds).
Returns the seconds to wait for the turn it reserved in every schedule."""


def _schedule(limit: Limit) -> tuple[float, float]:
    interval = 1.0 / limit.rate
    return interval, (limit.burst - 1) * interval


class RedisPacer(Pacer):
    """Pacer whose schedules live in Redis, shared by every sending process."""

    def __init__(
        self,
        redis: Redis,
        overall: Limit | None = None,
        per_chat: Limit | None = None,
        per_group: Limit | None = None,
    ) -> None:
        super().__init__(overall, per_chat, per_group)
        self.redis = redis
        self._script = redis.register_script(RESERVE)
        self._chat_order = asyncio.Lock()
        """Reservations go out one at a time, so a chat's turns keep this process's call order."""

    async def _reserve_in_redis(self, schedules: list[tuple[str, Limit]], cost: int) -> float:
        args: list[float] = [cost]
        for _, limit in schedules:
            args.extend(_schedule(limit))
        delay = await self._script(keys=[PREFIX + key for key, _ in schedules], args=args)
        return max(0.0, float(delay))

    async def _chat_turn(self, chat: int | str, cost: int) -> float:
        schedules = [(f"chat:{chat}", self.per_chat)]
        if is_group(chat):
            schedules.append((f"group:{chat}", self.per_group))
        async with self._chat_order:
            return await self._reserve_in_redis(schedules, cost)

    async def _overall_turn(self, cost: int) -> float:
        return await self._reserve_in_redis([("overall", self.overall)], cost)
