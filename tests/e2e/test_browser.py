"""The playground's chat page in a real headless Chromium: a person sends /start and a photo.

Needs Debian's `chromium` (`apt-get install chromium`); skips with that reason where it is not
installed. The screenshot goes into the test's output folder, and to $DIGBOT_SCREENSHOT when set
(that is how docs/playground.png is made).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.e2e.conftest import Running
from tests.fixtures.instagram_fixture import chelsea_jpeg

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHAT = 777


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed (apt-get install chromium)")
async def test_page_shows_the_bots_answer_with_its_chart(running: Running, tmp_path: Path) -> None:
    from playwright.async_api import async_playwright

    photo = tmp_path / "chelsea.jpg"
    photo.write_bytes(chelsea_jpeg())
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = await browser.new_page(viewport={"width": 430, "height": 1100})
        await page.goto(f"{running.playground.base_url}/?chat={CHAT}")
        await page.fill("#text", "/start")
        await page.click("#send")
        await page.locator(".msg.bot", has_text="digbot").first.wait_for(timeout=30_000)

        await page.set_input_files("#photos", str(photo))
        await page.click("#send")
        chart = page.locator(".msg.bot img")
        await chart.first.wait_for(timeout=120_000)
        await page.locator(".msg.bot", has_text="Style").last.wait_for(timeout=60_000)
        assert await chart.count() >= 1
        shot = tmp_path / "playground.png"
        await page.screenshot(path=str(shot), full_page=True)
        await browser.close()
    assert shot.stat().st_size > 10_000
    if target := os.environ.get("DIGBOT_SCREENSHOT"):
        shutil.copyfile(shot, target)
