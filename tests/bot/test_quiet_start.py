"""A start logs one line per stage and nothing from native libraries, unless level is DEBUG."""

from __future__ import annotations

import io
import os
import re
import signal
import socket
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


def test_bot_start_logs_only_its_stages(tmp_path: Path) -> None:
    """`digbot run` (playground mode) until it is warmed up: only our stage lines."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = tmp_path / "run.toml"
    text = DEFAULT_CONFIG.read_text(encoding="utf-8").replace("port = 8080", f"port = {port}")
    config.write_text(text, encoding="utf-8")
    env = {
        **os.environ,
        "DIGBOT_CONFIG": str(config),
        "DIGBOT_DATABASE": str(tmp_path / "run.sqlite"),
    }
    env.pop("BOT_TOKEN", None)
    bot = subprocess.Popen(
        [str(Path(sys.executable).with_name("digbot")), "run"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    lines: list[str] = []
    try:
        assert bot.stderr is not None
        for line in bot.stderr:
            lines.append(line.rstrip("\n"))
            if "warmed up in" in line:
                break
    finally:
        bot.send_signal(signal.SIGINT)
        bot.wait(timeout=120)
    assert any("warmed up in" in line for line in lines), lines
    assert [line for line in lines if not LOG_LINE.match(line)] == []
    loggers = {line.split(" ")[3].rstrip(":") for line in lines}
    # The scheduler's lease line is a stage too: it says whether this process runs the jobs.
    stages = {"digbot", "service.app", "analyzers.pipeline", "service.subscriptions.lease"}
    assert loggers <= stages, lines
    assert sum("runtime ready" in line for line in lines) == 1
