"""The bot token never reaches a log record, whatever fails: every send method under injected
dropped connections and 500s, and long polling under a dropped getUpdates, against the
playground over real HTTP with a real-looking token; every record captured at DEBUG on the root
logger (aiogram's and aiohttp's loggers included) is checked, message, args and exception.

Whether aiohttp's error for a dropped upload names the URL ("Can not write request body for
http://…/bot<token>/…") depends on which side of the socket notices first; on a quiet machine it
is usually "Connection reset by peer". A server that redirects in a loop makes aiohttp name the
URL every time (TooManyRedirects), so that test leaks on the code before the redaction."""

from __future__ import annotations

import asyncio
import io
import logging
import sys
import traceback
from collections.abc import AsyncIterator, Iterator

import numpy as np
import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import BufferedInputFile, InputMediaPhoto
from aiohttp import web
from PIL import Image

from bot.cli import _configure_logging
from bot.log_redaction import REDACTED, RedactingFilter
from bot.runtime import make_bot
from bot.session import RetryMiddleware, configure_session
from bot.settings import load_settings
from playground import Playground
from playground.client import PlaygroundClient

TOKEN = "7351902468:AAH3kq_Zr8vXw-Pm2LcN5tYbQe9uJf0sDgE"  # the shape of a real one
WEBHOOK_SECRET = "hook-secret-xyz"
CHAT = 5151
SENDS = [
    "sendMessage",
    "sendPhoto",
    "sendMediaGroup",
    "sendDocument",
    "editMessageText",
    "editMessageReplyMarkup",
    "sendChatAction",
    "deleteMessage",
]


def big_jpeg(seed: int) -> bytes:
    """A few MB of noise: the connection drops while the body is still being written, the case
    where aiohttp's error names the URL ("Can not write request body for http://…/bot<token>/…")."""
    pixels = np.random.default_rng(seed).integers(0, 256, (1400, 1400, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="JPEG", quality=95)
    return out.getvalue()


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.polling_failed = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        if "Failed to fetch updates" in record.getMessage():
            self.polling_failed.set()

    def texts(self) -> Iterator[str]:
        """Everything a handler could write of each record."""
        formatter = logging.Formatter("%(name)s %(message)s")
        for record in self.records:
            yield formatter.format(record)
            yield record.getMessage()
            yield repr(record.msg) + repr(record.args)
            if record.exc_info:
                yield "".join(traceback.format_exception(*record.exc_info))
            yield record.exc_text or ""


@pytest.fixture
def capture() -> Iterator[Capture]:
    """A DEBUG handler on the root logger, then logging configured as `digbot run` does."""
    root = logging.getLogger()
    handler, level, factory = Capture(), root.level, logging.getLogRecordFactory()
    filters = {each: list(each.filters) for each in root.handlers}
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    settings = load_settings(
        env={"BOT_TOKEN": TOKEN, "DIGBOT_WEBHOOK_SECRET": WEBHOOK_SECRET},
        logging={"level": "DEBUG"},
    )
    _configure_logging(settings)  # the one place `digbot` sets logging up
    try:
        yield handler
    finally:
        logging.setLogRecordFactory(factory)
        for each, before in filters.items():
            each.filters = before
        root.removeHandler(handler)
        root.setLevel(level)


@pytest.fixture
async def playground() -> AsyncIterator[Playground]:
    server = Playground(token=TOKEN, port=0)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.mark.slow
async def test_no_log_record_carries_the_token_under_drops_and_5xx(
    capture: Capture, playground: Playground
) -> None:
    client = PlaygroundClient(playground.base_url)
    bot = make_bot(TOKEN, playground.base_url)
    try:
        await client.send_text(CHAT, "hello")  # the chat exists
        for method in SENDS:
            await client.set_faults([method], "drop", count=1)
            await client.set_faults([method], "500", count=1)
        photo = BufferedInputFile(big_jpeg(1), "a.jpg")
        sent = await bot.send_message(CHAT, "one")
        await bot.send_photo(CHAT, photo, caption="two")
        await bot.send_media_group(
            CHAT,
            [InputMediaPhoto(media=BufferedInputFile(big_jpeg(i), f"{i}.jpg")) for i in (2, 3)],
        )
        await bot.send_document(CHAT, BufferedInputFile(big_jpeg(4), "data.bin"))
        await bot.edit_message_text("one, edited", chat_id=CHAT, message_id=sent.message_id)
        await bot.edit_message_reply_markup(chat_id=CHAT, message_id=sent.message_id)
        await bot.send_chat_action(CHAT, "typing")
        await bot.delete_message(CHAT, sent.message_id)
        stats = await client.fault_stats()
        assert stats["total"] == 2 * len(SENDS), stats  # every method failed twice, then passed

        await client.set_faults(["getUpdates"], "drop", count=1)
        polling = asyncio.create_task(Dispatcher().start_polling(bot, handle_signals=False))
        await asyncio.wait_for(capture.polling_failed.wait(), 30)  # aiogram logs, backs off
        polling.cancel()
        await asyncio.gather(polling, return_exceptions=True)
    finally:
        await bot.session.close()
        await client.close()
    texts = list(capture.texts())
    assert any("retrying" in t for t in texts)  # the failures were logged
    leaks = [t for t in texts if TOKEN in t or TOKEN.split(":")[1] in t]
    assert not leaks, leaks[:3]


async def test_an_error_text_with_the_url_is_redacted(capture: Capture) -> None:
    async def loop_back(request: web.Request) -> web.Response:
        raise web.HTTPTemporaryRedirect(str(request.url))

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", loop_back)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    session = AiohttpSession(api=TelegramAPIServer.from_base(f"http://127.0.0.1:{port}"))
    configure_session(session, retry=RetryMiddleware(attempts=2, base_delay=0.0))
    bot = Bot(TOKEN, session=session)
    try:
        with pytest.raises(Exception, match="TooManyRedirects") as raised:
            await bot.send_message(CHAT, "hello")
        assert TOKEN in str(raised.value)  # what the library says does carry the token
        logging.getLogger("aiogram.event").error("a handler failed", exc_info=raised.value)
    finally:
        await bot.session.close()
        await runner.cleanup()
    texts = list(capture.texts())
    assert any("retrying" in t for t in texts) and any(REDACTED in t for t in texts)
    leaks = [t for t in texts if TOKEN in t]
    assert not leaks, leaks[:3]


def test_the_filter_redacts_token_shapes_and_configured_secrets() -> None:
    redacting = RedactingFilter([WEBHOOK_SECRET])
    other = "123456789:" + "x" * 35
    try:
        raise OSError(f"Can not write request body for http://h/bot{other}/sendPhoto")
    except OSError:
        record = logging.LogRecord(
            "aiohttp.client", logging.ERROR, __file__, 1, "secret %s", (WEBHOOK_SECRET,), None
        )
        record.exc_info = sys.exc_info()
    assert redacting.filter(record)
    assert record.getMessage() == f"secret {REDACTED}"
    assert record.exc_info is None and record.exc_text is not None
    assert other not in record.exc_text and REDACTED in record.exc_text
    assert "OSError" in record.exc_text
