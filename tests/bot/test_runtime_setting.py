"""`[telegram] runtime` picks the framework; DIGBOT_RUNTIME overrides it; a typo names the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings


def _config(tmp_path: Path, runtime: str | None) -> Path:
    path = tmp_path / "config.toml"
    line = f'runtime = "{runtime}"\n' if runtime else ""
    path.write_text(f"[telegram]\n{line}", encoding="utf-8")
    return path


def test_aiogram_by_default(tmp_path: Path) -> None:
    assert load_settings(_config(tmp_path, None), env={}).telegram.runtime == "aiogram"


def test_the_file_then_the_environment_choose(tmp_path: Path) -> None:
    config = _config(tmp_path, "ptb")
    assert load_settings(config, env={}).telegram.runtime == "ptb"
    assert load_settings(config, env={"DIGBOT_RUNTIME": "aiogram"}).telegram.runtime == "aiogram"


def test_an_unknown_runtime_names_the_key(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"telegram\.runtime.*'telethon'"):
        load_settings(_config(tmp_path, None), env={"DIGBOT_RUNTIME": "telethon"})
