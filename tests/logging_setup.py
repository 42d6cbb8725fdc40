"""Logging configured as `digbot` configures it, every record captured, restored afterwards."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from bot.cli import _configure_logging
from bot.settings import Settings

_CONFIGURED = (
    "sqlalchemy.engine",
    "aiosqlite",
    "aiogram.utils.chat_action",
    "aiohttp.access",
    "alembic",
)
"""Loggers whose level `_configure_logging` sets."""


@contextmanager
def logging_as_digbot(settings: Settings) -> Iterator[list[logging.LogRecord]]:
    records: list[logging.LogRecord] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in ("", *_CONFIGURED)}
    factory, filters = logging.getLogRecordFactory(), {h: list(h.filters) for h in root.handlers}
    capture = Capture(logging.DEBUG)
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    _configure_logging(settings)
    try:
        yield records
    finally:
        root.removeHandler(capture)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
        for handler, before in filters.items():
            handler.filters = before
        logging.setLogRecordFactory(factory)
