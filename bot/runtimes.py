"""Choosing the runtime: aiogram (the default) or python-telegram-bot, over the same
conversations, send path, guard and metrics (`[telegram] runtime`, or DIGBOT_RUNTIME)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from bot.container import Container
    from bot.ptb_runtime import PtbRuntime
    from bot.runtime import BotRuntime

RuntimeName = Literal["aiogram", "ptb"]
RUNTIMES: tuple[RuntimeName, ...] = ("aiogram", "ptb")


def make_runtime(
    name: RuntimeName,
    container: Container,
    token: str,
    api_base: str | None = None,
    *,
    album_latency: float = 1.0,
) -> BotRuntime | PtbRuntime:
    """The named runtime around `container`, its requests to Telegram (or `api_base`); only
    the chosen framework's modules are imported."""
    if name == "ptb":
        from bot.ptb_runtime import PtbRuntime, make_application
        from bot.ptb_send import PacedSending

        application = make_application(token, api_base, PacedSending(pacer=container.pacer()))
        return PtbRuntime(container, application, album_latency=album_latency)
    from bot.runtime import BotRuntime, make_bot

    return BotRuntime(
        container, make_bot(token, api_base, container.pacer()), album_latency=album_latency
    )
