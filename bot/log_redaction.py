"""Secrets never reach a log line: a filter on every handler that redacts each record.

aiohttp's and aiogram's error texts carry the request URL, and a Bot API URL carries the token
(`/bot<token>/sendMessage`). Redacting at each of our call sites would miss the next library
message, so `install_redaction` (called once, where logging is configured) puts a filter on the
root logger's handlers, which every propagated record reaches whichever logger made it, and also
makes every new record pass it (a handler added later, e.g. by a test harness, sees it redacted).

The filter rewrites the record itself: the formatted message (its args folded in), and the
exception text when there is one. A record whose exception text carried a secret keeps only the
redacted text (`exc_text`), not the exception object, so no handler can format it again.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

TOKEN_SHAPE = re.compile(r"\d{6,12}:[A-Za-z0-9_-]{30,}")
"""Any Bot API token (a bot id, a colon, the secret), configured or not."""
REDACTED = "<redacted>"


class RedactingFilter(logging.Filter):
    """Replaces token-shaped strings and the given secrets in a record; never drops a record."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return TOKEN_SHAPE.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            clean = self.redact(record.exc_text)
            if clean != record.exc_text:
                record.exc_text, record.exc_info = clean, None
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def install_redaction(secrets: Iterable[str] = ()) -> RedactingFilter:
    """Redact `secrets` and every token shape from all log records, whichever their logger."""
    redacting = RedactingFilter(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redacting)
    make_record = logging.getLogRecordFactory()

    def redacted_record(*args: object, **kwargs: object) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        redacting.filter(record)
        return record

    logging.setLogRecordFactory(redacted_record)
    return redacting
