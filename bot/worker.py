"""`digbot worker`: analyses from the queue, replies sent from here.

A worker loads the models, takes tasks from the Redis queue (bot.taskqueue) and runs the same
use-cases as the embedded bot, then replies as the handler would have: the status line the
ingress showed is edited stage by stage and becomes the answer, through the same send path
(limits, retries, pacing). A task is acknowledged (its function returns) only after its reply
is recorded as sent; a task whose reply is recorded sends nothing.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from aiogram import Bot
from arq import Worker
from arq.typing import WorkerCoroutine
from arq.worker import func

from analyzers.types import ProfileAnalysis
from bot.aiogram_chat import AiogramChat
from bot.container import Container
from bot.taskqueue import (
    QUEUE_NAME,
    RUN_FUNCTION,
    RUN_RESULT_SECONDS,
    TASK_FUNCTION,
    RepliesSent,
)
from handlers import texts
from handlers.chat import ChatBlocked, Keyboard, Picture
from handlers.keyboards import profile_keyboard
from handlers.photos import why_keyboard
from handlers.replies import StatusMessage, send_report
from instagram.models import FetchedProfile
from reports.names import style_words
from service.pseudonyms import pseudonym
from service.queue import AnalysisTask

log = logging.getLogger("digbot.worker")


class AnalysisWorker:
    """Runs one task: the analysis, then its reply, then the record that it was sent."""

    def __init__(self, container: Container, bot: Bot) -> None:
        assert container.redis is not None
        self.container = container
        self.service = container.service
        self.bot = bot
        self.replies = RepliesSent(container.redis)
        self.done = 0
        """Tasks answered by this worker since start (an operator counter)."""

    async def handle(self, task: AnalysisTask) -> None:
        if await self.replies.sent(task.key):
            log.info("task %s (%s): already answered; nothing sent", task.key, task.kind)
            return
        chat_id = task.reply_to.chat_id
        try:
            await self._reply(task)
        except ChatBlocked:
            if chat_id == task.user_id:
                await self.service.set_blocked(task.user_id, blocked=True)
            log.info("task %s: the person blocked the bot meanwhile; reply dropped", task.key)
        except Exception as error:
            reply = getattr(error, "user_message", None)
            if not isinstance(reply, str):
                log.exception(
                    "task %s (%s) failed (chat %s)", task.key, task.kind, pseudonym(chat_id)
                )
            await self.bot.send_message(chat_id, reply or texts.FAILED)
        await self.replies.record(task.key)
        self.done += 1

    async def _reply(self, task: AnalysisTask) -> None:
        """What the handler would have done after its use-case call, on the ingress's status."""
        service, user_id, target = self.service, task.user_id, task.reply_to
        chat = AiogramChat(self.bot, target.chat_id, user_id)
        status = StatusMessage(chat)
        status.message_id, status.lines = target.status_message_id, list(target.status_lines)
        keyboard: Keyboard | None
        if task.kind == "profile":
            assert task.username is not None
            report = await service.profile_report(
                task.username, user_id=user_id, progress=status.progress
            )
            keyboard = profile_keyboard(task.username, user_id)
        elif task.kind == "explain":
            assert task.kept is not None
            jpeg = await service.explain_photo(user_id, task.kept)
            caption = texts.WHY_CAPTION.format(style=style_words(task.kept.style))
            await chat.send_photo(Picture("why", jpeg), caption=caption)
            return
        elif task.kind == "photo":
            report = await service.photo_report(task.photos[0], user_id=user_id)
            keyboard = why_keyboard(report)
        else:
            report = await service.album_report(list(task.photos), user_id=user_id)
            keyboard = why_keyboard(report)
        await send_report(chat, report, keyboard, status)


def arq_worker(worker: AnalysisWorker, concurrency: int) -> Worker:
    """arq's worker loop around `worker`: `concurrency` tasks at once, acknowledged on return."""
    settings = worker.container.settings.queue

    async def analyse(_: dict[str, Any], task: AnalysisTask) -> None:
        await worker.handle(task)

    async def analyse_run(_: dict[str, Any], fetched: FetchedProfile) -> ProfileAnalysis:
        return await worker.service.analysis.analyze_fetched(fetched)

    assert worker.container.redis is not None
    return Worker(
        [
            func(cast(WorkerCoroutine, analyse), name=TASK_FUNCTION),
            func(
                cast(WorkerCoroutine, analyse_run),
                name=RUN_FUNCTION,
                keep_result=RUN_RESULT_SECONDS,
            ),
        ],
        queue_name=QUEUE_NAME,
        redis_pool=worker.container.redis,
        max_jobs=concurrency,
        job_timeout=settings.task_timeout_seconds,
        max_tries=settings.max_tries,
        keep_result=0,
        poll_delay=0.2,
        handle_signals=False,
    )
