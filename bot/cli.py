"""`digbot`: run the bot, or analyse a profile or a photo from the command line."""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import logging
import re
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bot.log_redaction import install_redaction
from bot.native_stderr import capture_native_stderr
from bot.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from service.app import DigService, Report

log = logging.getLogger("digbot")


STARTED = time.monotonic()
"""When the CLI was imported: the start of the process, give or take the interpreter's own."""


THIRD_PARTY = ("absl", "matplotlib", "PIL", "mediapipe", "instaloader", "aiogram", "apscheduler")
"""Libraries whose INFO lines are noise for an operator; shown only at DEBUG."""


def _configure_logging(settings: Settings) -> None:
    debug = settings.logging.level == "DEBUG"
    logging.basicConfig(
        level=settings.logging.level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr if debug else capture_native_stderr(),
    )
    for noisy in ("aiohttp.access", "alembic", *(() if debug else THIRD_PARTY)):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    install_redaction(settings.telegram.secrets())
    # SQL statements carry their values (captions, ids): logged only when asked for, never as
    # a side effect of DEBUG. aiosqlite (every statement again), aiogram's chat action
    # sender (raw chat ids) and python-telegram-bot (every request's parameters: chat ids,
    # texts) write such lines at DEBUG, httpx every request at INFO: never wanted.
    sql = logging.INFO if settings.storage.echo_sql else logging.WARNING
    logging.getLogger("sqlalchemy.engine").setLevel(sql)
    for private in ("aiosqlite", "aiogram.utils.chat_action", "httpx", "telegram"):
        logging.getLogger(private).setLevel(logging.WARNING)


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def _work(settings: Settings) -> None:
    """`digbot worker`: analyse what the queue holds and reply, until SIGINT/SIGTERM."""
    from bot.container import Container
    from bot.runtime import make_bot
    from bot.worker import AnalysisWorker, arq_worker
    from playground.server import DEFAULT_TOKEN

    stop = _stop_on_signals()
    if settings.telegram.token is not None:
        token, api_base = settings.telegram.token.get_secret_value(), settings.telegram.api_base
    else:  # the playground `digbot run` starts when there is no token
        playground = settings.playground
        token, api_base = DEFAULT_TOKEN, f"http://{playground.host}:{playground.port}"
    container = Container(settings, role="worker")
    bot = make_bot(token, api_base or None, container.pacer())
    await container.start()
    await container.warm_up()
    loop = arq_worker(AnalysisWorker(container, bot), settings.analysis.worker_count)
    consuming = asyncio.create_task(loop.async_run())
    log.info("worker ready %.1f s after start", time.monotonic() - STARTED)
    print("digbot worker is running; Ctrl+C stops it", flush=True)
    await asyncio.wait([consuming, asyncio.create_task(stop.wait())], return_when="FIRST_COMPLETED")
    log.info("stopping: unfinished tasks go back to the queue")
    await loop.close()
    consuming.cancel()
    await bot.session.close()
    await container.close()


def _plain(text: str) -> str:
    """Telegram HTML to terminal text."""
    return html.unescape(re.sub(r"</?(b|i|u|s|code|pre|a)( [^>]*)?>", "", text))


async def _serve(settings: Settings) -> None:
    from bot.container import Container
    from bot.runtimes import make_runtime
    from bot.webhook import run_webhook

    stop = _stop_on_signals()
    playground = None
    token = settings.telegram.token.get_secret_value() if settings.telegram.token else None
    api_base = settings.telegram.api_base or None
    if token is None:
        from playground import Playground

        playground = Playground(host=settings.playground.host, port=settings.playground.port)
        await playground.start()
        token, api_base = playground.token, playground.base_url
    container = Container(settings, role="ingress" if settings.queue.url else "embedded")
    runtime = make_runtime(settings.telegram.runtime, container, token, api_base)
    await runtime.start_service()
    webhook = None
    if settings.telegram.mode == "webhook" and playground is None:
        webhook = await run_webhook(runtime, settings)
    else:
        await runtime.start_polling()
    log.info(
        "runtime ready (%s) %.1f s after start", settings.telegram.mode, time.monotonic() - STARTED
    )
    if playground is not None:
        print(f"digbot is running in the playground: open {playground.base_url}/", flush=True)
    else:
        print(f"digbot is running ({settings.telegram.mode}); Ctrl+C stops it", flush=True)
    await stop.wait()
    log.info("stopping: finishing running analyses")
    if webhook is not None:
        await webhook.cleanup()
    await runtime.stop()
    if playground is not None:
        await playground.stop()


def _print_report(report: Report, as_json: bool, out: Path | None) -> None:
    """Print the summary (or the JSON report) and write the charts into `out`."""
    from reports.canvas import extension  # loaded by now: the report has been drawn

    written: list[str] = []
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for name, image in report.charts:
            path = out / f"{name}.{extension(image)}"
            path.write_bytes(image)
            written.append(str(path))
    if as_json:
        print(json.dumps({**report.data, "charts": written}, ensure_ascii=False, indent=2))
        return
    print(_plain(report.text))
    for note in report.notes:
        print(_plain(note))
    for written_path in written:
        print(f"chart: {written_path}")


async def _report_once(
    settings: Settings,
    make: Callable[[DigService], Awaitable[Report]],
    as_json: bool,
    out: Path | None,
) -> int:
    """Start the service, make one report, print it; a refusal prints its plain reason."""
    from bot.container import Container

    container = Container(settings, chart_processes=0)  # one report: no processes to start
    await container.start()
    try:
        report = await make(container.service)
    except Exception as error:
        reason = getattr(error, "user_message", None)
        if not isinstance(reason, str):
            raise
        print(reason, file=sys.stderr)
        return 2
    finally:
        await container.close()
    _print_report(report, as_json, out)
    return 0


def _analyze(settings: Settings, target: str, as_json: bool, out: Path | None) -> int:
    from instagram.errors import InvalidUsername
    from instagram.usernames import parse_username

    folder = Path(target)
    if folder.is_dir():
        return asyncio.run(_report_once(settings, lambda s: s.folder_report(folder), as_json, out))

    try:
        username = parse_username(target)
    except InvalidUsername as error:
        print(error.user_message, file=sys.stderr)
        return 2
    return asyncio.run(
        _report_once(settings, lambda s: s.profile_report(username, user_id=None), as_json, out)
    )


def _photo(settings: Settings, path: Path, as_json: bool, out: Path | None) -> int:
    if not path.is_file():
        print(f"digbot: no such file: {path}", file=sys.stderr)
        return 2
    image = path.read_bytes()
    return asyncio.run(
        _report_once(settings, lambda s: s.photo_report(image, user_id=None), as_json, out)
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="digbot", description=__doc__)
    parser.add_argument("--config", type=Path, help="config file (default: config.toml)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot (the local playground when there is no token)")
    commands.add_parser("worker", help="analyse and reply from the queue ([queue] url)")
    analyze = commands.add_parser("analyze", help="analyse a profile: a username or a folder")
    analyze.add_argument("target", help="Instagram username, profile link, or profile folder")
    analyze.add_argument("--json", action="store_true", help="print the JSON report")
    analyze.add_argument("--out", type=Path, help="write the chart PNGs into this folder")
    photo = commands.add_parser("photo", help="the selfie report for one image file")
    photo.add_argument("image", type=Path)
    photo.add_argument("--json", action="store_true", help="print the JSON report")
    photo.add_argument("--out", type=Path, help="write the chart PNGs into this folder")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(args.config)
    except SettingsError as error:
        print(f"digbot: invalid configuration: {error}", file=sys.stderr)
        return 2
    _configure_logging(settings)
    log.info(
        "settings loaded: telegram token %s, instagram source %s, %d workers, log level %s",
        "set" if settings.telegram.token else "not set (playground)",
        settings.instagram.source,
        settings.analysis.worker_count,
        settings.logging.level,
    )
    if args.command == "run":
        asyncio.run(_serve(settings))
        return 0
    if args.command == "worker":
        if not settings.queue.url:
            print("digbot worker: no queue: set [queue] url or DIGBOT_QUEUE", file=sys.stderr)
            return 2
        asyncio.run(_work(settings))
        return 0
    if args.command == "analyze":
        return _analyze(settings, args.target, args.json, args.out)
    return _photo(settings, args.image, args.json, args.out)
