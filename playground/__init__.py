"""A local Telegram Bot API server plus a web chat page: try digbot without Telegram."""

from playground.server import DEFAULT_TOKEN, Playground

__all__ = ["DEFAULT_TOKEN", "Playground"]
