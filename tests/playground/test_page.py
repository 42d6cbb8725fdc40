"""The web chat page in a real headless Chromium (skipped when no Chromium is installed).

PLAYGROUND_SCREENSHOT=/tmp/page.png saves a phone-size screenshot of the final state.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
)
from playwright.async_api import Page, async_playwright, expect

from playground import Playground
from playground.client import PlaygroundClient

CHROMIUM = (
    os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium binary (set CHROMIUM=/path)"),
]
PAGE_CHAT = 77


@pytest.fixture
async def page(pg: Playground) -> AsyncIterator[Page]:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM)
        context = await browser.new_context(viewport={"width": 390, "height": 844})  # a phone
        tab = await context.new_page()
        await tab.goto(f"{pg.base_url}/?chat={PAGE_CHAT}")
        yield tab
        await browser.close()


async def test_page_chat_round_trip(
    page: Page, bot: Bot, client: PlaygroundClient, jpeg: Callable[..., bytes], tmp_path: Path
) -> None:
    tab = page
    # The person writes from the page; the bot sees it.
    await tab.fill("#text", "hello from the page")
    await tab.click("#send")
    [typed] = await client.messages(PAGE_CHAT, timeout=10)
    assert typed["text"] == "hello from the page"

    # Bot HTML is rendered with allowed tags only.
    await bot.send_message(
        PAGE_CHAT,
        '<b>bold</b> <i>it</i> <a href="javascript:alert(1)">bad link</a> &lt;script&gt;',
        parse_mode="HTML",
    )
    bubble = tab.locator(".msg.bot").last
    await expect(bubble.locator("b")).to_have_text("bold")
    await expect(bubble).to_contain_text("<script>")
    assert await bubble.locator("a").get_attribute("href") is None
    assert await tab.locator(".msg script").count() == 0

    # An album renders as one bubble with a grid; buttons send callbacks; edits replace in place.
    media = [InputMediaPhoto(media=BufferedInputFile(jpeg(seed=i), f"{i}.jpg")) for i in range(3)]
    await bot.send_media_group(PAGE_CHAT, media)
    await expect(tab.locator(".photos.n3 img")).to_have_count(3)
    button = InlineKeyboardButton(text="Go", callback_data="go")
    sent = await bot.send_message(
        PAGE_CHAT, "Choose", reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]])
    )
    await tab.get_by_role("button", name="Go").click()
    updates = await bot.get_updates(timeout=10, allowed_updates=["callback_query"])
    assert [u.callback_query.data for u in updates if u.callback_query] == ["go"]
    await bot.edit_message_text("Chosen", chat_id=PAGE_CHAT, message_id=sent.message_id)
    await expect(tab.locator(".msg.bot").last).to_contain_text("Chosen")
    await expect(tab.get_by_text("Choose", exact=True)).to_have_count(0)

    # Typing indicator, then the person sends an album of two photos from the page.
    await bot.send_chat_action(PAGE_CHAT, "typing")
    await expect(tab.locator("#typing")).to_be_visible()
    files = []
    for i in range(2):
        path = tmp_path / f"p{i}.jpg"
        path.write_bytes(jpeg(seed=i + 5))
        files.append(str(path))
    await tab.set_input_files("#photos", files)
    await tab.fill("#text", "two photos")
    await tab.click("#send")
    mine = [
        m
        for m in await client.messages(PAGE_CHAT, after=sent.message_id, timeout=10)
        if m["sender"] == "user"
    ]
    assert (
        len(mine) == 2
        and mine[0]["media_group_id"] == mine[1]["media_group_id"]
        and mine[0]["text"] == "two photos"
    )
    await expect(tab.locator(".msg.user .photos.n2 img")).to_have_count(2)
    if screenshot := os.environ.get("PLAYGROUND_SCREENSHOT"):  # to look at the page by eye
        await tab.screenshot(path=screenshot)
