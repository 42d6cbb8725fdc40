"""'Why <style>?' through the playground: the button under a photo report draws the heat map;
after the kept copy expires (on the service's clock, moved by the test) or after /forget, the
button says to send the photo again; another person's press does nothing to the photo."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from typing import Any

import pytest
from PIL import Image

from analyzers.pipeline import LoadedAnalyzers
from bot.container import Container
from bot.runtimes import RuntimeName
from bot.settings import Settings
from handlers import texts
from reports import heatmap
from tests.e2e.conftest import Running, bot_running
from tests.e2e.test_bad_input import forge_press
from tests.fixtures.instagram_fixture import chelsea_jpeg, coffee_jpeg

pytestmark = pytest.mark.slow

ALICE, BOB = 5101, 5102
COFFEE_SIZE = (600, 400)
"""scikit-image's coffee: 600 x 400 (width x height)."""


class Clock:
    """The service's monotonic clock: moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 10_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def running(
    settings: Settings, analyzers: LoadedAnalyzers, clock: Clock, runtime_name: RuntimeName
) -> AsyncIterator[Running]:
    container = Container(settings, analyzers=analyzers, clock=clock)
    async with bot_running(container, runtime_name=runtime_name) as running:
        yield running


def why_button(messages: list[dict[str, Any]]) -> tuple[int, dict[str, Any]] | None:
    """(message id, button) of the first 'why:' button among the bot's messages."""
    for m in messages:
        for row in m["buttons"]:
            for button in row:
                if button["callback_data"].startswith("why:"):
                    return m["message_id"], button
    return None


async def report_with_button(
    running: Running, chat: int, photos: list[bytes]
) -> tuple[int, dict[str, Any]]:
    sent = await running.client.send_photos(chat, photos)
    replies = await running.client.wait_for(
        chat, lambda m: why_button(m) is not None, after=sent[-1]["message_id"], timeout=120
    )
    found = why_button(replies)
    assert found is not None
    return found


async def press(running: Running, chat: int, message_id: int, data: str) -> dict[str, Any]:
    """Press a button and return the callback's answer (every path must answer it)."""
    pressed = await running.client.press(chat, message_id, data)
    record = await running.client.callback(chat, pressed["callback_query_id"], timeout=30)
    assert record["answered"]
    return record


async def test_why_button_draws_the_heat_map_and_expires(running: Running, clock: Clock) -> None:
    client = running.client
    message_id, button = await report_with_button(running, ALICE, [coffee_jpeg()])
    assert button["text"].startswith("🔍 Why ") and button["text"].endswith("?")
    token = button["callback_data"].removeprefix("why:")

    # Another person forging a press with Alice's token: told the photo is gone, and Alice's
    # photo is neither shown to them nor dropped.
    bob_sent = await client.send_text(BOB, "/help")
    bob_help = await client.wait_for(BOB, lambda m: len(m) >= 1, after=bob_sent["message_id"])
    forged = await forge_press(running, BOB, bob_help[0]["message_id"], button["callback_data"])
    record = await client.callback(BOB, forged, timeout=30)
    assert record["text"] == texts.PHOTO_GONE and record["show_alert"]
    assert await running.service.kept_photo(ALICE, token) is not None

    record = await press(running, ALICE, message_id, button["callback_data"])
    assert record["text"] == texts.WHY_WORKING
    replies = await client.wait_for(
        ALICE, lambda m: any(x["photos"] for x in m), after=message_id, timeout=60
    )
    heat_map = next(m for m in replies if m["photos"])
    assert "Where the model looked for" in heat_map["text"]
    image = Image.open(io.BytesIO(await client.download(heat_map["photos"][0])))
    assert image.format == "JPEG"
    width, height = image.size
    assert width == heatmap.heatmap_size(*COFFEE_SIZE)[0]
    panel = width - 2 * heatmap.HEATMAP_MARGIN_PX
    legend = {heatmap.heatmap_legend_px(lines) for lines in range(1, 10)}
    photo_h = next(
        height - heatmap.HEATMAP_TITLE_PX - px
        for px in legend
        if (height - heatmap.HEATMAP_TITLE_PX - px) / panel
        == pytest.approx(COFFEE_SIZE[1] / COFFEE_SIZE[0], abs=0.005)
    )
    assert photo_h > 0  # the photo keeps its aspect above a legend of a few note lines

    clock.now += running.service.settings.privacy.photo_memory_minutes * 60
    record = await press(running, ALICE, message_id, button["callback_data"])
    assert record["text"] == texts.PHOTO_GONE and record["show_alert"]
    assert len(running.service.photos) == 0


async def test_privacy_tells_and_forget_drops_the_kept_photo(running: Running) -> None:
    client = running.client
    sent = await client.send_text(ALICE, "/privacy")
    told = await client.wait_for(ALICE, lambda m: len(m) >= 1, after=sent["message_id"])
    assert "stays in memory for 15 minutes" in told[0]["text"]
    message_id, button = await report_with_button(running, ALICE, [coffee_jpeg()])
    sent = await client.send_text(ALICE, "/forget")
    asked = await client.wait_for(ALICE, lambda m: len(m) >= 1, after=sent["message_id"])
    await client.press(ALICE, asked[0]["message_id"], f"forget:1:{ALICE}")
    await client.wait_for(
        ALICE, lambda m: any("deleted" in (x["text"] or "") for x in m), after=sent["message_id"]
    )
    record = await press(running, ALICE, message_id, button["callback_data"])
    assert record["text"] == texts.PHOTO_GONE and record["show_alert"]


async def test_album_offers_the_button_for_its_best_photo_only(running: Running) -> None:
    _, button = await report_with_button(running, ALICE, [coffee_jpeg(), chelsea_jpeg()])
    assert button["text"].startswith("🔍 Why is photo ")
    assert len(running.service.photos) == 1
