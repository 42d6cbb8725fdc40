"""A start logs one line per stage and nothing from native libraries, unless level is DEBUG."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from skimage import data as skdata

from bot.settings import DEFAULT_CONFIG

pytestmark = pytest.mark.slow

LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (INFO|WARNING) [\w.]+: ")
STAGES = ("settings loaded", "database ready", "model vision loaded in", "model faces loaded in")


def _photo_stderr(tmp_path: Path, level: str) -> list[str]:
    config = tmp_path / f"{level}.toml"
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    config.write_text(text.replace('level = "INFO"', f'level = "{level}"'), encoding="utf-8")
    photo = tmp_path / "astronaut.jpg"
    buffer = io.BytesIO()
    Image.fromarray(skdata.astronaut()).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())
    env = {
        **os.environ,
        "DIGBOT_CONFIG": str(config),
        "DIGBOT_DATABASE": str(tmp_path / f"{level}.sqlite"),
    }
    env.pop("BOT_TOKEN", None)
    done = subprocess.run(
        [str(Path(sys.executable).with_name("digbot")), "photo", str(photo)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "face" in done.stdout.lower()
    return done.stderr.splitlines()


def test_info_start_is_one_line_per_stage_and_debug_shows_native_lines(tmp_path: Path) -> None:
    lines = _photo_stderr(tmp_path, "INFO")
    assert [line for line in lines if not LOG_LINE.match(line)] == []
    for stage in STAGES:
        assert sum(stage in line for line in lines) == 1, stage
    assert not any(" native: " in line for line in lines)

    debug = _photo_stderr(tmp_path, "DEBUG")
    assert any("XNNPACK" in line or "W0000" in line for line in debug)
