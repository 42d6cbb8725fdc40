"""A real aiogram 3 Bot against the playground over HTTP: the Bot API as Telegram answers it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    ReplyParameters,
)

from playground import Playground
from playground.client import PlaygroundClient
from tests.playground.conftest import make_bot, until_polling

Jpeg = Callable[..., bytes]


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=d.upper(), callback_data=d) for d in data]]
    )


async def test_get_me(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot and me.id == bot.id and me.username == "digbot_playground_bot"


async def test_wrong_token_is_unauthorized(pg: Playground) -> None:
    intruder = make_bot(pg, token="42:not-the-token")
    try:
        with pytest.raises(TelegramUnauthorizedError, match="Unauthorized"):
            await intruder.get_me()
    finally:
        await intruder.session.close()


async def test_send_message_is_stored_for_the_person(
    bot: Bot, client: PlaygroundClient, chat: int
) -> None:
    sent = await bot.send_message(chat, "<b>Hello</b> &amp; welcome", parse_mode="HTML")
    assert sent.message_id == 2  # shares the chat's counter with the person's /start (id 1)
    assert sent.text == "Hello & welcome"
    assert sent.entities and sent.entities[0].type == "bold" and sent.entities[0].length == 5
    assert sent.chat.id == chat and sent.chat.type == "private"
    assert sent.from_user and sent.from_user.id == bot.id
    [seen] = await client.messages(chat, after=1)
    assert seen["sender"] == "bot" and seen["text"] == "<b>Hello</b> &amp; welcome"
    assert seen["parse_mode"] == "HTML" and seen["edited"] is False


async def test_unknown_chat_is_not_found(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(999, "anyone?")


async def test_reply_parameters(bot: Bot, chat: int) -> None:
    reply = await bot.send_message(chat, "hi", reply_parameters=ReplyParameters(message_id=1))
    assert reply.reply_to_message and reply.reply_to_message.text == "/start"
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(chat, "hi", reply_to_message_id=77)


async def test_send_photo_get_file_and_download(
    bot: Bot, client: PlaygroundClient, chat: int, jpeg: Jpeg
) -> None:
    original = jpeg(640, 480)
    sent = await bot.send_photo(chat, BufferedInputFile(original, "chart.jpg"), caption="a chart")
    assert sent.photo is not None
    assert [(p.width, p.height) for p in sent.photo] == [(320, 240), (640, 480)]
    assert sent.caption == "a chart"
    file = await bot.get_file(sent.photo[-1].file_id)
    assert file.file_size == len(original)
    downloaded = await bot.download(file)
    assert downloaded is not None and downloaded.read() == original
    [seen] = await client.messages(chat, after=1)
    assert seen["text"] == "a chart" and await client.download(seen["photos"][0]) == original
    again = await bot.send_photo(chat, sent.photo[-1].file_id)  # resend by file_id
    assert again.photo and again.photo[-1].file_id == sent.photo[-1].file_id


async def test_send_media_group_shares_one_group_id(
    bot: Bot, client: PlaygroundClient, chat: int, jpeg: Jpeg
) -> None:
    media = [
        InputMediaPhoto(
            media=BufferedInputFile(jpeg(seed=i), f"{i}.jpg"), caption="album" if i == 0 else None
        )
        for i in range(3)
    ]
    sent = await bot.send_media_group(chat, media)
    assert len(sent) == 3 and len({m.media_group_id for m in sent}) == 1 and sent[0].media_group_id
    assert [m.caption for m in sent] == ["album", None, None]
    assert [m.message_id for m in sent] == [2, 3, 4]
    seen = await client.messages(chat, after=1)
    assert {m["media_group_id"] for m in seen} == {sent[0].media_group_id}
    assert all(len(m["photos"]) == 1 for m in seen)


async def test_send_documents_and_a_document_album(
    bot: Bot, client: PlaygroundClient, chat: int
) -> None:
    doc = await bot.send_document(
        chat, BufferedInputFile(b"a,b\n1,2\n", "report.csv"), caption="data"
    )
    assert (
        doc.document
        and doc.document.file_name == "report.csv"
        and doc.document.mime_type == "text/csv"
    )
    pair = await bot.send_media_group(
        chat,
        [
            InputMediaDocument(media=BufferedInputFile(bytes([i]) * 10, f"{i}.bin"))
            for i in range(2)
        ],
    )
    assert all(m.document for m in pair)
    [view, *_] = await client.messages(chat, after=1)
    assert view["document"]["file_name"] == "report.csv"
    assert await client.download(view["document"]["url"]) == b"a,b\n1,2\n"


async def test_edit_with_the_same_text_is_not_modified(
    bot: Bot, client: PlaygroundClient, chat: int
) -> None:
    sent = await bot.send_message(chat, "Working…", reply_markup=keyboard("stop"))
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "Working…", chat_id=chat, message_id=sent.message_id, reply_markup=keyboard("stop")
        )
    edited = await bot.edit_message_text("Done", chat_id=chat, message_id=sent.message_id)
    assert isinstance(edited, type(sent)) and edited.text == "Done" and edited.edit_date
    [seen] = await client.messages(chat, after=1)
    assert (
        seen["text"] == "Done" and seen["edited"] and seen["buttons"] == []
    )  # no markup given → removed
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=chat, message_id=99)
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await bot.edit_message_text("x", chat_id=chat, message_id=1)


async def test_edit_markup_and_caption(
    bot: Bot, client: PlaygroundClient, chat: int, jpeg: Jpeg
) -> None:
    photo = await bot.send_photo(chat, BufferedInputFile(jpeg(), "p.jpg"), caption="old")
    await bot.edit_message_caption(chat_id=chat, message_id=photo.message_id, caption="new")
    await bot.edit_message_reply_markup(
        chat_id=chat, message_id=photo.message_id, reply_markup=keyboard("a", "b")
    )
    [seen] = await client.messages(chat, after=1)
    assert seen["text"] == "new" and [b["callback_data"] for b in seen["buttons"][0]] == ["a", "b"]
    with pytest.raises(TelegramBadRequest, match="no text in the message"):
        await bot.edit_message_text("text", chat_id=chat, message_id=photo.message_id)


async def test_delete_message_disappears(bot: Bot, client: PlaygroundClient, chat: int) -> None:
    sent = await bot.send_message(chat, "temporary")
    assert await bot.delete_message(chat, sent.message_id)
    assert await client.messages(chat, after=1) == []
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(chat, sent.message_id)


async def test_long_poll_receives_a_users_album(
    bot: Bot, pg: Playground, client: PlaygroundClient, jpeg: Jpeg
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await until_polling(pg)  # the poll is waiting; the album then ends it
    sent = await client.send_photos(7, [jpeg(seed=i) for i in range(3)], caption="my album")
    updates = await poll
    got = [u.message for u in updates]
    while len(got) < 3:  # an album may arrive over more than one poll
        more = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=5)
        updates, got = more, got + [u.message for u in more]
    assert all(m is not None for m in got)
    assert [m.message_id for m in got if m] == [s["message_id"] for s in sent]
    assert len({m.media_group_id for m in got if m}) == 1 and got[0] and got[0].media_group_id
    assert [m.caption for m in got if m] == ["my album", None, None]
    assert got[0] and got[0].photo and got[0].photo[-1].width == 64


async def test_get_updates_offset_confirms_and_allowed_updates_filters(
    bot: Bot, client: PlaygroundClient
) -> None:
    await client.send_text(5, "one")
    await client.block(5)
    [message, member] = await bot.get_updates()
    assert message.message and member.my_chat_member
    assert member.my_chat_member.new_chat_member.status == "kicked"
    only_messages = await bot.get_updates(allowed_updates=["message"])
    assert [u.update_id for u in only_messages] == [message.update_id]
    assert await bot.get_updates(offset=member.update_id + 1) == []


async def test_a_second_poller_ends_the_first_with_409(bot: Bot, pg: Playground) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=30))
    await until_polling(pg)
    second = make_bot(pg)
    try:
        assert await second.get_updates() == []
    finally:
        await second.session.close()
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await first


async def test_callback_flow(bot: Bot, client: PlaygroundClient, chat: int) -> None:
    sent = await bot.send_message(chat, "Pick one", reply_markup=keyboard("yes", "no"))
    await bot.get_updates(offset=-1)  # skip the /start update
    pressed = await client.press(chat, sent.message_id, "yes")
    [start, update] = await bot.get_updates(timeout=5)
    query = update.callback_query
    assert (
        start.message and query and query.data == "yes" and query.id == pressed["callback_query_id"]
    )
    assert query.message and query.message.message_id == sent.message_id
    record = await client.callback(chat, query.id)
    assert record["answered"] is False
    assert await bot.answer_callback_query(query.id, text="Noted")
    record = await client.callback(chat, query.id, timeout=5)
    assert record["answered"] and record["text"] == "Noted"
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query.id)


async def test_429_raises_retry_after_and_has_no_side_effect(
    bot: Bot, client: PlaygroundClient, chat: int
) -> None:
    await client.set_faults(["sendMessage"], "429", count=1, retry_after=3)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(chat, "first try")
    assert caught.value.retry_after == 3
    await bot.send_message(chat, "second try")
    assert [m["text"] for m in await client.messages(chat, after=1)] == ["second try"]
    assert (await client.fault_stats())["injected"] == {"sendMessage": {"429": 1}}


async def test_500_and_dropped_connections(bot: Bot, client: PlaygroundClient, chat: int) -> None:
    await client.set_faults(["sendmessage"], "500", count=1)
    await client.set_faults(["sendChatAction"], "drop", count=1)
    with pytest.raises(TelegramServerError):
        await bot.send_message(chat, "x")
    with pytest.raises(TelegramNetworkError):
        await bot.send_chat_action(chat, "typing")
    assert await bot.send_chat_action(chat, "typing")
    assert await client.messages(chat, after=1) == []
    assert (await client.clear_faults())["total"] == 2
    assert (await client.fault_stats())["total"] == 0


async def test_wildcard_faults_spare_get_updates(bot: Bot, client: PlaygroundClient) -> None:
    await client.set_faults(["*"], "429", rate=1.0)
    assert await bot.get_updates() == []
    with pytest.raises(TelegramRetryAfter):
        await bot.get_me()


async def test_blocked_chat_is_forbidden_until_unblocked(
    bot: Bot, client: PlaygroundClient, chat: int
) -> None:
    await client.block(chat)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(chat, "still there?")
    await client.unblock(chat)
    await bot.send_message(chat, "welcome back")
    statuses = [
        u.my_chat_member.new_chat_member.status for u in await bot.get_updates() if u.my_chat_member
    ]
    assert statuses == ["kicked", "member"]


async def test_webhook_makes_get_updates_conflict(bot: Bot) -> None:
    await bot.set_webhook("https://example.invalid/hook")
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert await bot.get_updates() == []


async def test_text_limits(bot: Bot, chat: int) -> None:
    await bot.send_message(chat, "x" * 4096)
    await bot.send_message(chat, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")  # tags don't count
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(chat, "x" * 4097)
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(chat, "   ")


async def test_caption_and_album_limits(
    bot: Bot, client: PlaygroundClient, chat: int, jpeg: Jpeg
) -> None:
    photo = jpeg()
    await bot.send_photo(chat, BufferedInputFile(photo, "p.jpg"), caption="c" * 1024)
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_photo(chat, BufferedInputFile(photo, "p.jpg"), caption="c" * 1025)
    for size in (1, 11):
        with pytest.raises(TelegramBadRequest):
            await bot.send_media_group(
                chat, [InputMediaPhoto(media=BufferedInputFile(photo, "p.jpg"))] * size
            )
    assert len(await client.messages(chat, after=1)) == 1


async def test_callback_data_is_limited_to_64_bytes(bot: Bot, chat: int) -> None:
    await bot.send_message(chat, "ok", reply_markup=keyboard("é" * 32))  # 64 bytes
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(chat, "too long", reply_markup=keyboard("é" * 33))
    link = InlineKeyboardButton(text="x", url="javascript:alert(1)")
    with pytest.raises(TelegramBadRequest, match="BUTTON_URL_INVALID"):
        await bot.send_message(
            chat, "bad", reply_markup=InlineKeyboardMarkup(inline_keyboard=[[link]])
        )


async def test_photo_over_10_mb_is_too_large(bot: Bot, client: PlaygroundClient, chat: int) -> None:
    with pytest.raises(TelegramEntityTooLarge):
        await bot.send_photo(chat, BufferedInputFile(b"\xff" * (10 * 1024 * 1024 + 1), "big.jpg"))
    assert await client.messages(chat, after=1) == []


async def test_commands_and_chat_action(bot: Bot, client: PlaygroundClient, chat: int) -> None:
    from aiogram.types import BotCommand

    await bot.set_my_commands([BotCommand(command="start", description="Begin")])
    assert [c.command for c in await bot.get_my_commands()] == ["start"]
    await bot.send_chat_action(chat, "typing")
    feed = await client._feed(chat, after=0, wait=0)
    assert feed["typing"] is True
    await bot.send_message(chat, "here")
    assert (await client._feed(chat, after=0, wait=0))["typing"] is False
