"""The playground over raw HTTP: Telegram's encodings and envelope, and the person JSON API."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from playground import Playground
from playground.client import PlaygroundClient, PlaygroundError
from tests.playground.conftest import until_polling

Jpeg = Callable[..., bytes]


async def call(pg: Playground, method: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    """POST (or GET with params=) a Bot API method; returns (status, envelope)."""
    verb = "GET" if "params" in kwargs else "POST"
    async with (
        aiohttp.ClientSession() as session,
        session.request(verb, f"{pg.base_url}/bot{pg.token}/{method}", **kwargs) as response,
    ):
        return response.status, await response.json()


async def test_every_encoding_and_case_insensitive_names(pg: Playground, chat: int) -> None:
    status, sent = await call(pg, "SENDMESSAGE", params={"chat_id": str(chat), "text": "get"})
    assert status == 200 and sent["ok"] and sent["result"]["text"] == "get"
    _, sent = await call(pg, "sendmessage", data={"chat_id": str(chat), "text": "form"})
    assert sent["result"]["text"] == "form"
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    _, sent = await call(
        pg, "sendMessage", json={"chat_id": chat, "text": "json", "reply_markup": markup}
    )
    assert sent["result"]["reply_markup"] == markup


async def test_multipart_photo_part_without_attach(pg: Playground, chat: int, jpeg: Jpeg) -> None:
    form = aiohttp.FormData()
    form.add_field("chat_id", str(chat))
    form.add_field("photo", jpeg(100, 50), filename="p.jpg", content_type="image/jpeg")
    status, sent = await call(pg, "sendPhoto", data=form)
    assert status == 200 and sent["result"]["photo"][-1]["width"] == 100


async def test_error_envelopes(pg: Playground, chat: int) -> None:
    status, body = await call(pg, "noSuchMethod", json={})
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    status, body = await call(pg, "sendMessage", json={"chat_id": chat})
    assert status == 400 and body["description"] == "Bad Request: message text is empty"
    status, body = await call(
        pg, "sendPhoto", json={"chat_id": chat, "photo": "https://x.invalid/a.jpg"}
    )
    assert status == 400 and "wrong file identifier" in body["description"]
    status, body = await call(
        pg, "sendPhoto", data={"chat_id": str(chat), "photo": "attach://nothing"}
    )
    assert status == 400
    status, body = await call(
        pg, "sendMessage", json={"chat_id": chat, "text": "<x>", "parse_mode": "HTML"}
    )
    assert status == 400 and "can't parse entities" in body["description"]


async def test_file_download_checks_token_and_path(
    pg: Playground, client: PlaygroundClient, jpeg: Jpeg
) -> None:
    photo = jpeg()
    [sent] = await client.send_photos(3, [photo])
    _, updates = await call(pg, "getUpdates", json={})
    file_id = updates["result"][0]["message"]["photo"][-1]["file_id"]
    _, file = await call(pg, "getFile", json={"file_id": file_id})
    path = file["result"]["file_path"]
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{pg.base_url}/file/bot{pg.token}/{path}") as response:
            assert response.status == 200 and await response.read() == photo
        async with session.get(f"{pg.base_url}/file/bot1:wrong/{path}") as response:
            assert response.status == 401
        async with session.get(f"{pg.base_url}/file/bot{pg.token}/photos/none.jpg") as response:
            assert response.status == 404
    assert await client.download(sent["photos"][0]) == photo


async def test_users_document_reaches_the_bot(pg: Playground, client: PlaygroundClient) -> None:
    view = await client.send_document(
        4, b"%PDF-1.4 tiny", "cv.pdf", "application/pdf", caption="my cv"
    )
    assert view["document"]["file_name"] == "cv.pdf" and view["text"] == "my cv"
    _, updates = await call(pg, "getUpdates", json={})
    message = updates["result"][0]["message"]
    assert message["document"]["mime_type"] == "application/pdf" and message["caption"] == "my cv"


async def test_seeded_rate_faults_are_reproducible(
    chat: int, pg: Playground, client: PlaygroundClient
) -> None:
    async def pattern() -> list[int]:
        await client.clear_faults()
        await client.set_faults(["getMe"], "500", rate=0.5, seed=123)
        return [(await call(pg, "getMe", json={}))[0] for _ in range(20)]

    first, second = await pattern(), await pattern()
    assert first == second and {200, 500} == set(first)
    assert (await client.fault_stats())["injected"]["getMe"]["500"] == first.count(500)


async def test_fault_rules_are_validated(client: PlaygroundClient) -> None:
    with pytest.raises(PlaygroundError) as caught:
        await client.set_faults(["sendMessage"], "418", count=1)
    assert caught.value.status == 400
    with pytest.raises(PlaygroundError):
        await client.set_faults(["sendMessage"], "429")  # neither rate nor count


async def test_wait_for_sees_edits_and_times_out_with_a_transcript(
    pg: Playground, client: PlaygroundClient, chat: int
) -> None:
    _, sent = await call(pg, "sendMessage", json={"chat_id": chat, "text": "Analysing…"})
    message_id = sent["result"]["message_id"]

    async def finish() -> None:
        await call(
            pg, "editMessageText", json={"chat_id": chat, "message_id": message_id, "text": "Done"}
        )

    editing = asyncio.create_task(finish())
    done = await client.wait_for(chat, lambda ms: any(m["text"] == "Done" for m in ms), timeout=10)
    await editing
    assert [m["message_id"] for m in done] == [message_id]
    with pytest.raises(TimeoutError, match=r"(?s)/start.*Done"):
        await client.wait_for(chat, lambda ms: len(ms) > 5, timeout=0.2)


async def test_since_listing_reports_changes_and_deletions(
    pg: Playground, client: PlaygroundClient, chat: int
) -> None:
    first = await client._feed(chat, after=0, wait=0)
    _, sent = await call(pg, "sendMessage", json={"chat_id": chat, "text": "bye"})
    await call(
        pg, "deleteMessage", json={"chat_id": chat, "message_id": sent["result"]["message_id"]}
    )
    changes = await client._feed(chat, after=0, wait=5, since=first["rev"])
    assert changes["messages"] == [] and changes["deleted"] == [sent["result"]["message_id"]]


async def test_person_api_refusals(client: PlaygroundClient, pg: Playground, chat: int) -> None:
    with pytest.raises(PlaygroundError, match="no such bot message"):
        await client.press(chat, 1, "nothing")
    _, sent = await call(pg, "sendMessage", json={"chat_id": chat, "text": "no buttons"})
    with pytest.raises(PlaygroundError, match="no button"):
        await client.press(chat, sent["result"]["message_id"], "nothing")
    await client.block(chat)
    with pytest.raises(PlaygroundError) as caught:
        await client.send_text(chat, "hello?")
    assert caught.value.status == 409
    with pytest.raises(PlaygroundError, match="too long"):
        await client.send_text(chat + 1, "x" * 4097)


async def test_health_and_page(pg: Playground, chat: int) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{pg.base_url}/health") as response:
            health = await response.json()
        async with session.get(f"{pg.base_url}/") as response:
            page = await response.text()
        async with session.get(f"{pg.base_url}/static/app.js") as response:
            assert response.status == 200
    assert (
        health["ok"]
        and health["chats"] == 1
        and health["messages"] == 1
        and health["pending_updates"] == 1
    )
    assert "<script" in page


async def test_long_poll_returns_when_the_server_stops() -> None:
    pg = Playground(port=0)
    await pg.start()
    poll = asyncio.create_task(call(pg, "getUpdates", json={"timeout": 50}))
    await until_polling(pg)
    await pg.stop()
    status, body = await asyncio.wait_for(poll, 10)
    assert status == 200 and body["result"] == []


async def test_the_page_learns_when_the_bot_connects(pg: Playground, chat: int) -> None:
    """Until a bot asks for updates, the feed says so (the page shows "bot is starting")."""
    async with aiohttp.ClientSession() as session:

        async def connected() -> bool:
            url = f"{pg.base_url}/api/chats/{chat}/messages"
            async with session.get(url, params={"timeout": "0"}) as response:
                return bool((await response.json())["bot_connected"])

        assert await connected() is False
        status, _ = await call(pg, "getUpdates", json={"timeout": 0})
        assert status == 200
        assert await connected() is True


async def test_the_page_has_a_favicon(pg: Playground) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{pg.base_url}/") as page:
            assert 'rel="icon"' in await page.text()
        async with session.get(f"{pg.base_url}/static/favicon.svg") as icon:
            assert icon.status == 200 and (await icon.text()).startswith("<svg")
