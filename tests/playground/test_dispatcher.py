"""A whole aiogram Dispatcher polling the playground while a person chats through the JSON API."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters import CommandStart
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.utils.formatting import Bold, Text

from playground.client import PlaygroundClient


def echo_router() -> Router:
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        button = InlineKeyboardButton(text="Analyse", callback_data="analyse")
        await message.answer(
            "Send me a photo", reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]])
        )

    @router.message(F.photo)
    async def photo(message: Message, bot: Bot) -> None:
        assert message.photo
        downloaded = await bot.download(message.photo[-1].file_id)
        assert downloaded is not None
        data = downloaded.read()
        await message.answer_photo(
            BufferedInputFile(data, "echo.jpg"), caption=f"{len(data)} bytes"
        )

    @router.callback_query(F.data == "analyse")
    async def analyse(query: CallbackQuery) -> None:
        await query.answer("On it")
        assert isinstance(query.message, Message)
        await query.message.edit_text(**Text("Result: ", Bold("42")).as_kwargs())

    return router


async def test_dispatcher_round_trip(
    bot: Bot, client: PlaygroundClient, jpeg: Callable[..., bytes]
) -> None:
    dispatcher = Dispatcher()
    dispatcher.include_router(echo_router())
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, polling_timeout=5)
    )
    try:
        await client.send_text(9, "/start")
        [menu] = await client.wait_for(9, lambda ms: len(ms) == 1, timeout=20)
        pressed = await client.press(9, menu["message_id"], "analyse")
        answer = await client.callback(9, pressed["callback_query_id"], timeout=20)
        assert answer["text"] == "On it"
        [edited] = await client.wait_for(9, lambda ms: ms[0]["edited"], timeout=20)
        assert edited["text"] == "Result: 42" and edited["buttons"] == []
        photo = jpeg(200, 100)
        await client.send_photos(9, [photo])
        reply = await client.wait_for(9, lambda ms: len(ms) == 2, timeout=20)
        assert reply[1]["text"] == f"{len(photo)} bytes"
        assert await client.download(reply[1]["photos"][0]) == photo
    finally:
        await dispatcher.stop_polling()
        await polling
