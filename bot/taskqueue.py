"""The task queue of the distributed mode, over Redis with arq.

arq keeps a job in its queue (a sorted set) until the function returned: that is the
acknowledgement. A worker marks a job it starts "in progress" for `task_timeout_seconds` + 10 s;
if the worker dies (SIGKILL, a lost machine), the mark expires and another worker runs the job
again. So delivery is at least once; the reply is sent once because the worker records it
(`RepliesSent`) before returning, and a job whose key is recorded sends nothing.

A job's id is its task's key (the update's id): arq refuses a second job with the id of one
still queued or running, and `submit` refuses a key whose reply is recorded. No job result
is kept (it would hold the photos).

A subscription's scheduled run (on the ingress, the active scheduler) needs the models too: its
fetched profile goes to a worker as a `RUN_FUNCTION` job whose result (the analysis) the run
awaits; the run itself (compare, store, outbox) stays on the ingress, under its lock.
"""

from __future__ import annotations

from arq import ArqRedis
from redis.asyncio import ConnectionPool

from analyzers.types import ProfileAnalysis
from instagram.models import FetchedProfile
from service.queue import AnalysisTask

QUEUE_NAME = "digbot:analyses"
TASK_FUNCTION = "analyse"
RUN_FUNCTION = "analyse_run"
RUN_RESULT_SECONDS = 600
"""How long a run's analysis waits in Redis for the ingress to read it."""
REPLIED_PREFIX = "digbot:replied:"
REPLIED_TTL_SECONDS = 7 * 24 * 3600
"""How long a sent reply's key is remembered: longer than any redelivery (arq gives a job up
after a day; Telegram keeps an unconfirmed update for 24 hours)."""


def connect(url: str) -> ArqRedis:
    """A client of the Redis at `url` (redis://host:port/db); it connects at first use."""
    return ArqRedis(ConnectionPool.from_url(url), default_queue_name=QUEUE_NAME)


def job_id(key: str) -> str:
    return f"update:{key}"


class RepliesSent:
    """The keys whose reply went out (recorded by the worker before it acknowledges)."""

    def __init__(self, redis: ArqRedis) -> None:
        self.redis = redis

    async def sent(self, key: str) -> bool:
        return bool(await self.redis.exists(REPLIED_PREFIX + key))

    async def record(self, key: str) -> None:
        await self.redis.set(REPLIED_PREFIX + key, b"1", ex=REPLIED_TTL_SECONDS)


class RedisTaskQueue:
    """The ingress's side: put analyses on the queue (a service.queue.TaskQueue)."""

    def __init__(self, redis: ArqRedis) -> None:
        self.redis = redis
        self.replies = RepliesSent(redis)

    async def submit(self, task: AnalysisTask) -> bool:
        if await self.replies.sent(task.key):
            return False
        job = await self.redis.enqueue_job(TASK_FUNCTION, task, _job_id=job_id(task.key))
        return job is not None

    async def depth(self) -> int:
        return int(await self.redis.zcard(QUEUE_NAME))

    async def analyse_fetched(self, fetched: FetchedProfile) -> ProfileAnalysis:
        """A scheduled run's analysis, done by a worker (the caller bounds the wait)."""
        job = await self.redis.enqueue_job(RUN_FUNCTION, fetched)
        if job is None:  # pragma: no cover - only a job with a fixed id can be refused
            raise RuntimeError("the run's analysis was not queued")
        analysis: ProfileAnalysis = await job.result(poll_delay=0.2)
        return analysis
