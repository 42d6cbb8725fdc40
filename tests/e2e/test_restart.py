"""A report pending in the outbox survives a hard kill of the bot process and arrives once.

A playground runs in the test process. A, the runtime in the test process: the person
subscribes, the first run takes the baseline, the bot stops. While it is down the profile gains
a post and the job's run time passes. B, a real subprocess (`tests.e2e.bot_process`: the runtime
of `digbot run`): starts, runs the missed job once, writes the report to the outbox, but
Telegram answers 500 to every send; SIGKILL with the report pending. C, the subprocess again:
starts with Telegram healthy and delivers the report, exactly once; the job is still in the
job store. (A runs in the test process only because starting Python with aiogram takes tens of
seconds on a loaded machine.) No analyzer models are loaded: this is about delivery.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from analyzers.pipeline import LoadedAnalyzers
from bot.container import Container
from bot.runtimes import RuntimeName, make_runtime
from bot.settings import PROJECT_ROOT, load_settings
from playground import Playground
from playground.client import PlaygroundClient
from service.subscriptions.scheduler import job_id
from storage.jobstore import jobstore_url
from tests.e2e.subscribing import (
    USERNAME,
    eventually,
    jobs_file,
    query,
    report_messages,
    write_posts,
)

pytestmark = pytest.mark.slow

CHAT = 6101
JOB = job_id(USERNAME, "daily")


class BotProcess:
    """Start the bot as a subprocess and kill it without warning."""

    def __init__(
        self, config: Path, token: str, log: Path, runtime: RuntimeName = "aiogram"
    ) -> None:
        self.env = {
            **os.environ,
            "DIGBOT_CONFIG": str(config),
            "BOT_TOKEN": token,
            "DIGBOT_RUNTIME": runtime,
        }
        self.log = log
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("a") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tests.e2e.bot_process",
                cwd=PROJECT_ROOT,
                env=self.env,
                stdout=asyncio.subprocess.PIPE,
                stderr=log,
            )
        assert self.process.stdout is not None
        async with asyncio.timeout(60):
            line = await self.process.stdout.readline()
        assert line.strip() == b"ready", self.log.read_text()[-3000:]

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        self.process = None


def _config(tmp_path: Path, api_base: str) -> Path:
    away = (datetime.now(UTC).hour + 12) % 24  # the regular run never falls inside the test
    config = tmp_path / "config.toml"
    config.write_text(
        f"""
[telegram]
api_base = "{api_base}"
[storage]
database = "{tmp_path / "digbot.sqlite"}"
[instagram]
source = "directory"
directory = "{tmp_path / "profiles"}"
[analysis]
workers = 1
[subscriptions]
report_hour_utc = {away}
jitter_minutes = 0
outbox_poll_seconds = 1
""",
        encoding="utf-8",
    )
    return config


def _make_due(database: Path) -> None:
    """Move the job's next run into the past, in APScheduler's job store (the bot is down)."""
    store = SQLAlchemyJobStore(url=jobstore_url(f"sqlite+aiosqlite:///{database}"))
    store.start(BackgroundScheduler(timezone=UTC), "default")  # a scheduler only to load jobs
    job = store.lookup_job(JOB)
    assert job is not None
    job.next_run_time = datetime.now(UTC) - timedelta(minutes=5)
    store.update_job(job)
    store.shutdown()


@pytest.fixture
async def playground() -> AsyncIterator[Playground]:
    server = Playground(port=0)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def test_pending_report_survives_a_hard_kill(
    tmp_path: Path, playground: Playground, runtime_name: RuntimeName
) -> None:
    database = tmp_path / "digbot.sqlite"
    write_posts(tmp_path / "profiles", 3)
    config = _config(tmp_path, playground.base_url)
    bot = BotProcess(config, playground.token, tmp_path / "bot.log", runtime_name)
    client = PlaygroundClient(playground.base_url)

    async def snapshot_taken() -> bool:
        return query(database, "SELECT COUNT(*) FROM snapshots") == [(1,)]

    async def report_pending() -> bool:
        rows = query(database, "SELECT sent_at FROM outbox WHERE chat_id = ?", CHAT)
        tried = int((await client.fault_stats())["total"]) >= 1
        return len(rows) == 2 and all(sent_at is None for (sent_at,) in rows) and tried

    async def report_marked() -> bool:
        rows = query(database, "SELECT sent_at FROM outbox WHERE chat_id = ?", CHAT)
        return len(rows) == 2 and all(sent_at is not None for (sent_at,) in rows)

    try:
        service = Container(load_settings(config, env={}), analyzers=LoadedAnalyzers())
        runtime = make_runtime(runtime_name, service, playground.token, playground.base_url)
        await runtime.start()  # A
        sent = await client.send_text(CHAT, f"/subscribe {USERNAME} daily")
        await client.wait_for(CHAT, lambda m: len(m) >= 1, after=sent["message_id"])
        await eventually(snapshot_taken)  # the first run, at once: the baseline
        await runtime.stop()

        write_posts(tmp_path / "profiles", 4)
        _make_due(database)
        await client.set_faults(["sendMessage", "sendPhoto"], "500", rate=1.0)
        await bot.start()  # B runs the missed job at start; Telegram refuses every send
        await eventually(report_pending)
        await bot.kill()

        await client.clear_faults()
        await bot.start()  # C delivers what B left
        messages = await client.wait_for(CHAT, lambda m: len(report_messages(m)) >= 1)
        await eventually(report_marked)
        messages = await client.messages(CHAT)
        reports = report_messages(messages)
        assert len(reports) == 1, [m["text"] for m in messages]
        assert "1 new post" in reports[0]["text"]
        assert len([m for m in messages if m["photos"]]) == 1
        jobs = query(
            jobs_file(database), "SELECT id, next_run_time FROM apscheduler_jobs WHERE id = ?", JOB
        )
        assert len(jobs) == 1 and jobs[0][1] > datetime.now(UTC).timestamp()
    finally:
        if bot.process is not None:
            await bot.kill()
        await client.close()


async def test_a_first_run_killed_midway_runs_again_at_start(
    tmp_path: Path, playground: Playground, runtime_name: RuntimeName
) -> None:
    """SIGKILL while a new subscription's first run is fetching: the job is already moved to
    tomorrow and no baseline exists. At the next start the first run happens again, once, and
    sends nothing (a baseline has nothing to compare with)."""
    database = tmp_path / "digbot.sqlite"
    write_posts(tmp_path / "profiles", 3)
    config = _config(tmp_path, playground.base_url)
    bot = BotProcess(config, playground.token, tmp_path / "bot.log", runtime_name)
    client = PlaygroundClient(playground.base_url)
    held = tmp_path / "first-run-under-way"

    async def first_run_under_way() -> bool:
        return held.exists()

    async def baseline_taken() -> bool:
        return query(database, "SELECT period FROM snapshots") == [("daily",)]

    try:
        bot.env["DIGBOT_TEST_HOLD"] = str(held)
        await bot.start()
        sent = await client.send_text(CHAT, f"/subscribe {USERNAME} daily")
        replies = await client.wait_for(CHAT, lambda m: len(m) >= 1, after=sent["message_id"])
        assert "daily report" in replies[0]["text"]
        await eventually(first_run_under_way)
        await bot.kill()
        assert not await baseline_taken()
        jobs = query(
            jobs_file(database), "SELECT next_run_time FROM apscheduler_jobs WHERE id = ?", JOB
        )
        assert jobs[0][0] > datetime.now(UTC).timestamp()  # APScheduler moved it on already

        del bot.env["DIGBOT_TEST_HOLD"]
        await bot.start()
        await eventually(baseline_taken)
        assert query(database, "SELECT COUNT(*) FROM outbox") == [(0,)]
        sent = await client.send_text(CHAT, f"/subscribe {USERNAME} daily")
        replies = await client.wait_for(CHAT, lambda m: len(m) >= 1, after=sent["message_id"])
        assert "already" in replies[0]["text"]
        assert query(database, "SELECT COUNT(*) FROM snapshots") == [(1,)]
    finally:
        if bot.process is not None:
            await bot.kill()
        await client.close()
