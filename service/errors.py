"""Errors the service raises for the person to read (handlers show `user_message`)."""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal with a plain explanation for the person."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class Busy(ServiceError):
    """Too many analyses at once, or this person's hourly allowance is used up."""

    def __init__(self, user_message: str, retry_after: float) -> None:
        super().__init__(user_message)
        self.retry_after = retry_after
