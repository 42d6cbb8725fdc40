"""The bot's process never imports matplotlib: a selfie report's card is drawn with Pillow in
the process, every other chart in a chart process that imports its drawing function itself
(service/render.py), and those processes start with the first chart that needs them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.fixtures.instagram_fixture import astronaut_jpeg
from tests.python_snippet import snippet_result

SELFIE = """
import asyncio, json, sys
import bot.runtimes, service.app
from bot.container import Container
from bot.settings import load_settings

async def main(photo: bytes) -> None:
    container = Container(load_settings())
    await container.start()
    try:
        await container.warm_up()
        report = await container.service.photo_report(photo, user_id=None)
        started = len(container.charts._started)
    finally:
        await container.close()
    print(json.dumps({
        "card": report.charts[0][1][:2].hex(),
        "faces": len(report.data["faces"]["faces"]),
        "chart_processes": started,
        "imported": sorted(m for m in sys.modules if m.split(".")[0] == "matplotlib"),
    }))

asyncio.run(main(sys.stdin.buffer.read()))
"""


@pytest.mark.slow
def test_a_selfie_report_never_imports_matplotlib(tmp_path: Path) -> None:
    env = {**os.environ, "DIGBOT_DATABASE": str(tmp_path / "digbot.sqlite")}
    env.pop("BOT_TOKEN", None)

    result = snippet_result(SELFIE, stdin=astronaut_jpeg(), env=env)
    assert result["card"] == "ffd8", "the card is there (a JPEG)"
    assert result["faces"] == 1
    assert result["chart_processes"] == 0, "no chart process started for a selfie"
    assert result["imported"] == []
