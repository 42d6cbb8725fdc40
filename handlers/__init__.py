"""aiogram routers, one module per conversation: parse, validate, reply — never compute."""

from __future__ import annotations

from aiogram import Router
from aiogram.utils.callback_answer import CallbackAnswerMiddleware

from handlers import membership, photos, privacy, profile, start, subscriptions
from handlers.ownership import OwnButtonsOnly


def build_router(album_latency: float = 1.0) -> Router:
    """A fresh tree of every conversation's router, the catch-all last."""
    root = Router(name="digbot")
    root.callback_query.middleware(OwnButtonsOnly())  # inner: sees the parsed callback data
    # Then every press is answered before its handler runs (the client's spinner stops at
    # once); handlers whose answer carries a text say so with the flag `OWN_ANSWER`.
    root.callback_query.middleware(CallbackAnswerMiddleware(pre=True))
    root.include_routers(
        start.make_router(),
        membership.make_router(),
        privacy.make_router(),
        subscriptions.make_router(),
        photos.make_router(album_latency),
        profile.make_router(),
        start.make_fallback_router(),
    )
    return root
