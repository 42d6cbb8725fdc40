"""A phone-size walk through the playground's chat page in a real headless Chromium (412x915):
start, a directory profile whose folder name differs from its username, a selfie, "Why …?",
an album, subscribe, /subscriptions and /forget — asserting on what the page shows.

Needs Debian's `chromium` (`apt-get install chromium`); skips with that reason where it is not
installed. Uses the real SpaceX folder from the data sets when present (a fixture profile saved
under another folder name otherwise). Each step's screenshot goes into the test's output folder
(`screens/`), and into $DIGBOT_SCREENSHOTS when set; $DIGBOT_SCREENSHOT receives the profile
answer's screenshot (that is how docs/playground.png is made).
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from analyzers.imagenet import imagenet_names, plain_words
from tests.conftest import PROJECT_ROOT
from tests.e2e.conftest import Running
from tests.fixtures.instagram_fixture import (
    FixturePost,
    astronaut_jpeg,
    chelsea_jpeg,
    coffee_jpeg,
    sample_jpeg,
    write_profile,
)

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHAT = 777
PHONE = {"width": 412, "height": 915}
SPACEX = Path(os.environ.get("DIGBOT_DATA") or PROJECT_ROOT.parent / "shared" / "data")
SPACEX_FOLDER = SPACEX / "instagram" / "spacex_sample"
STATUS_LINES = ("🔎 Looking at", "🔎 Comparing")


def _directory_profile(root: Path) -> tuple[str, str]:
    """A profile saved in a folder named otherwise than its account: (folder, username)."""
    if SPACEX_FOLDER.is_dir():
        shutil.copytree(SPACEX_FOLDER, root / "spacex_sample")
        return "spacex_sample", "spacex"
    start = datetime(2026, 9, 1, 21, tzinfo=UTC)
    images = [coffee_jpeg(), chelsea_jpeg(), astronaut_jpeg(), sample_jpeg(1), sample_jpeg(2)]
    posts = [
        FixturePost(
            taken_at=start + timedelta(days=3 * i, hours=i % 3),
            caption=f"Launch day {i} #space #rocket",
            likes=1000 + 250 * i,
            comments=10 + i,
            images=[images[i % len(images)]],
        )
        for i in range(8)
    ]
    write_profile(root, "rocketco", posts, followers=120_000, full_name="Rocket Co")
    (root / "rocketco").rename(root / "rocketco_sample")
    return "rocketco_sample", "rocketco"


class Walk:
    """The page, and a screenshot after every step."""

    def __init__(self, page: Any, shots: Path) -> None:
        self.page = page
        self.shots = shots
        self.taken: list[Path] = []

    async def send(self, text: str) -> None:
        await self.page.fill("#text", text)
        await self.page.click("#send")

    async def send_photos(self, *paths: Path) -> None:
        await self.page.set_input_files("#photos", [str(p) for p in paths])
        await self.page.click("#send")

    async def bot_says(self, text: str, wait_ms: float = 120_000) -> None:
        """Wait for a bot message with `text` (case-sensitive, unlike Playwright's has_text
        with a string: "Your photo" must not match the status line "Looking at your photo")."""
        pattern = re.compile(re.escape(text))
        await self.page.locator(".msg.bot", has_text=pattern).last.wait_for(timeout=wait_ms)

    async def press(self, label: str) -> None:
        await self.page.locator(".buttons button", has_text=label).last.click()

    async def images_loaded(self) -> None:
        await self.page.wait_for_function(
            "[...document.querySelectorAll('.msg img')].every(i => i.complete && i.naturalWidth)",
            timeout=60_000,
        )

    async def shot(self, name: str, top_of: str | None = None) -> Path:
        """A screenshot of the phone's screen: the end of the chat, or with the last bot
        message holding `top_of` (or the last album, for "photos") at the top."""
        await self.images_loaded()
        await self.page.evaluate(
            """(text) => {
                const feed = document.getElementById('feed');
                const bubbles = [...document.querySelectorAll('.msg.bot')].filter(b =>
                    text === 'photos' ? b.classList.contains('has-photos')
                    : text !== null && b.innerText.includes(text));
                if (bubbles.length) bubbles[bubbles.length - 1].scrollIntoView({block: 'start'});
                else feed.scrollTop = 1e9;
            }""",
            top_of,
        )
        path = self.shots / f"{len(self.taken) + 1:02d}-{name}.png"
        await self.page.screenshot(path=str(path))
        self.taken.append(path)
        return path

    async def bot_texts(self) -> list[str]:
        texts: list[str] = await self.page.locator(".msg.bot").all_inner_texts()
        return texts

    async def chart_boxes(self) -> list[dict[str, float]]:
        boxes: list[dict[str, float]] = await self.page.evaluate(
            """[...document.querySelectorAll('.msg.bot img')].map(i => ({
                natural: i.naturalWidth / i.naturalHeight,
                shown: i.clientWidth / i.clientHeight,
                width: i.clientWidth}))"""
        )
        return boxes


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed (apt-get install chromium)")
async def test_phone_size_walk_through(
    running: Running, profiles_root: Path, tmp_path: Path
) -> None:
    from playwright.async_api import async_playwright

    folder, username = _directory_profile(profiles_root)
    selfie, cat, coffee = tmp_path / "selfie.jpg", tmp_path / "cat.jpg", tmp_path / "coffee.jpg"
    selfie.write_bytes(astronaut_jpeg())
    cat.write_bytes(chelsea_jpeg())
    coffee.write_bytes(coffee_jpeg())
    shots = tmp_path / "screens"
    shots.mkdir()
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
        page = await browser.new_page(viewport=PHONE, device_scale_factor=1)
        page.on("dialog", lambda dialog: dialog.dismiss())
        await page.goto(f"{running.playground.base_url}/?chat={CHAT}")
        walk = Walk(page, shots)
        await page.locator("#presence.online").wait_for(timeout=30_000)

        await walk.send("/start")
        await walk.bot_says("digbot", wait_ms=30_000)
        await walk.shot("start")

        await walk.send(folder)  # the folder's name: answered as the account's own name
        await walk.bot_says("Most liked", wait_ms=180_000)
        profile_shot = await walk.shot("profile-charts", top_of="photos")
        await walk.shot("profile-summary", top_of="A typical post")
        await walk.send(username)  # the account's name finds the same profile
        await page.locator(".msg.bot", has_text="Most liked").nth(1).wait_for(timeout=180_000)
        await walk.shot("profile-by-username")
        await walk.press("Daily report")
        await walk.bot_says("daily report on")
        await walk.shot("subscribed")

        await walk.send_photos(selfie)
        await walk.bot_says("Your photo")
        await walk.shot("selfie")
        await walk.press("Why")
        await walk.bot_says("Where the model looked")
        await walk.shot("why")

        await walk.send_photos(cat, coffee, selfie)
        await walk.bot_says("photos, best first")  # not the welcome's "best first"
        await walk.shot("album")

        await walk.send("/subscriptions")
        await walk.bot_says("You follow")
        await walk.shot("subscriptions")

        await walk.send("/forget")
        await walk.press("Yes, delete everything")
        await walk.bot_says("I deleted")
        await walk.shot("forget")

        texts = await walk.bot_texts()
        boxes = await walk.chart_boxes()
        forget_buttons = await page.locator(".buttons button", has_text="Yes, delete").count()
        await browser.close()

    page_text = "\n".join(texts)
    # Charts are shown whole: each image's box keeps the PNG's aspect ratio, and is wide
    # enough to read on the phone without opening it.
    assert len(boxes) >= 7  # 4 profile charts (twice), the selfie card, the heat map, the album
    for box in boxes:
        assert box["shown"] == pytest.approx(box["natural"], rel=0.02), box
        assert box["width"] >= 300, box
    # One account, one name: the folder's name never shows; the account's does.
    names = set(re.findall(r"@[A-Za-z0-9._]+[A-Za-z0-9_]", page_text))
    assert names == {f"@{username}"}, names
    assert "does not exist" not in page_text and "could not find" not in page_text
    # No 0 % runner-up, and no bare score in 0..1.
    assert not re.search(r"\b0%", page_text), page_text
    assert not re.search(r"\b0\.\d\d\b", page_text), page_text
    # No raw ImageNet class name: "looks like" is only ever followed by reviewed plain words.
    plain = set(plain_words().values())
    for said in re.findall(r"looks like ([^,;.\n]+)", page_text):
        assert said.strip() in plain, said
    raw_only = set(imagenet_names()) - plain
    assert not [n for n in raw_only if len(n) > 6 and f"looks like {n}" in page_text]
    assert forget_buttons == 0  # /forget's Yes/Cancel removed once answered
    assert any("You follow" in t and f"@{username}" in t for t in texts)  # header in one bubble

    target_dir = os.environ.get("DIGBOT_SCREENSHOTS")
    if target_dir:
        shutil.copytree(shots, target_dir, dirs_exist_ok=True)
    if target := os.environ.get("DIGBOT_SCREENSHOT"):
        shutil.copyfile(profile_shot, target)

    leftovers = [t for t in texts if t.strip().startswith(STATUS_LINES)]
    assert leftovers == []
