"""Telegram's limits and its error envelope, as the Bot API documents them."""

from __future__ import annotations

from typing import Any

MAX_TEXT = 4096  # characters of message text after entity parsing
MAX_CAPTION = 1024  # characters of a media caption after entity parsing
MAX_CALLBACK_DATA = 64  # bytes of callback_data (UTF-8)
MIN_ALBUM, MAX_ALBUM = 2, 10
MAX_PHOTO_UPLOAD = 10 * 1024 * 1024  # sendPhoto upload limit
MAX_FILE_UPLOAD = 50 * 1024 * 1024  # any other multipart upload
MAX_REQUEST = (
    MAX_FILE_UPLOAD * MAX_ALBUM + 1024 * 1024
)  # aiohttp body cap; the checks above are ours
TYPING_SECONDS = 5.0  # a chat action lasts 5 s or until the next message, as in Telegram


class ApiError(Exception):
    """An error answer: Telegram's envelope {"ok": false, "error_code", "description"}."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def unauthorized() -> ApiError:
    return ApiError(401, "Unauthorized")


def not_found() -> ApiError:
    return ApiError(404, "Not Found")


def blocked() -> ApiError:
    return ApiError(403, "Forbidden: bot was blocked by the user")


def webhook_conflict() -> ApiError:
    return ApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; "
        "use deleteWebhook to delete the webhook first",
    )


def too_large() -> ApiError:
    return ApiError(413, "Request Entity Too Large")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


def server_error() -> ApiError:
    return ApiError(500, "Internal Server Error")
