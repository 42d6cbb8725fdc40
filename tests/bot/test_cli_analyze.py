"""`digbot analyze <folder> --json`, run as a user runs it: the installed command, a new process,
a profile folder in instaloader's on-disk format, a real SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from analyzers.types import TRAIT_IDS
from tests.fixtures.instagram_fixture import FixturePost, sample_jpeg, write_profile

pytestmark = pytest.mark.slow

CAPTIONS = [
    "Morning coffee on the balcony before a long day of work. I love planning the week "
    "ahead, writing lists and ticking things off one by one. #coffee #latte",
    "Finally finished the book I started last month, and I already miss the characters. "
    "Tonight I am starting another one with a big mug of tea. #reading",
    "Spent the whole afternoon with my friends at the park, laughing about old stories "
    "and making plans for the summer trip we keep talking about. #friends",
    "Early run along the river, the city was still asleep and the light was beautiful. "
    "Ten kilometres done and breakfast well deserved. #running #fitness",
    "Another cappuccino at our favourite little cafe, the barista knows my order by now. "
    "Working on my notes for the exam next week. #coffeetime",
    "Quiet Sunday at home, cooking soup and cleaning the flat. Sometimes doing nothing "
    "special is exactly what I need after a busy week. #sunday",
]


def _run_cli(*args: str, database: Path) -> subprocess.CompletedProcess[str]:
    command = Path(sys.executable).with_name("digbot")
    env = {**os.environ, "DIGBOT_DATABASE": str(database)}
    env.pop("BOT_TOKEN", None)
    return subprocess.run(
        [str(command), *args], capture_output=True, text=True, env=env, timeout=600, check=False
    )


def test_analyze_folder_json_fills_personality_and_habits(tmp_path: Path) -> None:
    start = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
    posts = [
        FixturePost(
            taken_at=start + timedelta(days=2 * i, minutes=i),
            caption=caption,
            likes=50 + 5 * i,
            images=[sample_jpeg(i)],
        )
        for i, caption in enumerate(CAPTIONS)
    ]
    folder = write_profile(tmp_path / "profiles", "cli.reader", posts)
    database = tmp_path / "digbot.sqlite"

    done = _run_cli("analyze", str(folder), "--json", database=database)

    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["username"] == "cli.reader"
    personality = report["personality"]
    assert set(personality) == set(TRAIT_IDS)
    assert all(0.0 < score < 1.0 for score in personality.values())
    assert report["personality_reason"] is None
    assert 0.0 < report["personality_confidence"] <= 1.0
    habits = {habit["name"]: habit for habit in report["habits"]}
    assert "coffee" in habits
    assert any("coffee" in quote.lower() for quote in habits["coffee"]["evidence"])
    assert database.is_file()


def test_analyze_missing_folder_or_bad_username_is_a_clear_refusal(tmp_path: Path) -> None:
    done = _run_cli("analyze", "not a username!", "--json", database=tmp_path / "db.sqlite")

    assert done.returncode == 2
    assert done.stdout == ""
    assert "username" in done.stderr.lower()
