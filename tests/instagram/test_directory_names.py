"""Directory mode: a profile saved in a folder named otherwise than its account answers to both
names, and always by the account's own name (issue 21, item 1)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from instagram.directory import DirectorySource, folder_username
from instagram.errors import InvalidUsername, ProfileNotFound
from tests.fixtures.instagram_fixture import FixturePost, sample_jpeg, write_profile


@pytest.fixture
def root(tmp_path: Path) -> Path:
    post = FixturePost(
        taken_at=datetime(2026, 9, 1, 8, tzinfo=UTC),
        caption="Launch day",
        likes=10,
        comments=1,
        images=[sample_jpeg(0)],
    )
    write_profile(tmp_path, "rocketco", [post])
    (tmp_path / "rocketco").rename(tmp_path / "rocketco_sample")
    return tmp_path


async def test_the_folder_name_and_the_username_are_one_account(root: Path) -> None:
    source = DirectorySource(root)
    assert folder_username(root / "rocketco_sample") == "rocketco"
    assert await source.canonical_username("rocketco_sample") == "rocketco"
    assert await source.canonical_username("@RocketCo") == "rocketco"
    by_folder = await source.fetch("rocketco_sample", 5)
    by_name = await source.fetch("rocketco", 5)
    assert by_folder.username == by_name.username == "rocketco"
    assert [p.shortcode for p in by_folder.posts] == [p.shortcode for p in by_name.posts]


async def test_unknown_and_invalid_names(root: Path) -> None:
    source = DirectorySource(root)
    assert await source.canonical_username("nobody_here") == "nobody_here"
    with pytest.raises(ProfileNotFound):
        await source.fetch("nobody_here", 5)
    with pytest.raises(InvalidUsername):
        await source.canonical_username("../etc")
