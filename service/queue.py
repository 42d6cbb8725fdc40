"""Analyses handed to a worker: the task, where its reply goes, and the queue's interface.

With a queue (`[queue] url`), the ingress loads no model: a use-case that needs one (a
profile, a photo, an album, "Why <style>?") puts an `AnalysisTask` on the queue and raises
`Enqueued`; a worker (`digbot worker`) runs the same use-case and sends the reply. The task's
key is the update's id: a Telegram update delivered twice (an ingress restarted before it
confirmed it) is queued once, and a worker that finds the key's reply recorded sends nothing.

Where the reply goes is known to the runtime, not to the use-case: the runtime opens a
`ReplyTo` for each update (`answering`), and the status line notes itself there when it is
first shown (`note_status`), so the worker edits the line the person already sees.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Literal, Protocol

from analyzers.types import ProfileAnalysis
from instagram.models import FetchedProfile
from service.photo_memory import KeptPhoto

TaskKind = Literal["profile", "photo", "album", "explain"]


class Enqueued(Exception):
    """The analysis went to a worker, which sends the reply: the ingress has nothing to add."""


@dataclass
class ReplyTo:
    """The update being answered: its id (the task's idempotency key) and chat, and the
    status line shown for it so far."""

    key: str
    chat_id: int
    status_message_id: int | None = None
    status_lines: list[str] = field(default_factory=list)


_REPLY_TO: ContextVar[ReplyTo | None] = ContextVar("digbot_reply_to", default=None)


@contextlib.contextmanager
def answering(key: str, chat_id: int) -> Iterator[ReplyTo]:
    """Within this block (one update's handling), analyses handed off reply to `chat_id`."""
    reply_to = ReplyTo(key, chat_id)
    token = _REPLY_TO.set(reply_to)
    try:
        yield reply_to
    finally:
        _REPLY_TO.reset(token)


def note_status(message_id: int, lines: list[str]) -> None:
    """The status line of the update being answered is now `message_id` showing `lines`."""
    reply_to = _REPLY_TO.get()
    if reply_to is not None:
        reply_to.status_message_id = message_id
        reply_to.status_lines = list(lines)


def reply_to() -> ReplyTo | None:
    """Where the reply of the update being answered goes (None outside an update)."""
    return _REPLY_TO.get()


@dataclass(frozen=True, repr=False)
class AnalysisTask:
    """One analysis for a worker: what to analyse, for whom, and where the reply goes.

    Its repr names the kind and the key only: arq logs a job's arguments, and this one's hold
    photos, a username and a chat id."""

    kind: TaskKind
    user_id: int
    reply_to: ReplyTo
    username: str | None = None
    """The profile (kind "profile")."""
    photos: tuple[bytes, ...] = ()
    """The photo (kind "photo") or the album's photos (kind "album")."""
    kept: KeptPhoto | None = None
    """The photo to explain (kind "explain"): a downsized copy, in Redis only while queued."""

    @property
    def key(self) -> str:
        return self.reply_to.key

    def __repr__(self) -> str:
        return f"AnalysisTask({self.kind}, update {self.key})"


class TaskQueue(Protocol):
    """The queue the ingress hands analyses to (bot.taskqueue over Redis)."""

    async def submit(self, task: AnalysisTask) -> bool:
        """Queue `task` unless a task with its key is queued or done; True when queued."""
        ...

    async def depth(self) -> int:
        """Tasks waiting or running over all workers."""
        ...

    async def analyse_fetched(self, fetched: FetchedProfile) -> ProfileAnalysis:
        """A subscription run's analysis of `fetched`, done by a worker (the ingress loads no
        model)."""
        ...
