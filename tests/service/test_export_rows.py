"""What the bot stores about analysed public posts is enough to retrain the popularity prior."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from analyzers.pipeline import LoadedAnalyzers
from bot.container import Container
from bot.settings import Settings
from tests.fixtures.instagram_fixture import FixturePost, sample_jpeg, write_profile
from training.popularity.export_rows import stored_rows
from training.popularity.prior_fit import targets

pytestmark = [pytest.mark.slow, pytest.mark.both_backends]


async def test_stored_posts_export_as_retraining_rows(
    settings: Settings, analyzers: LoadedAnalyzers, profiles_root: Path
) -> None:
    start = datetime(2026, 5, 1, 9, tzinfo=UTC)
    posts = [
        FixturePost(
            taken_at=start + timedelta(days=i),
            caption=f"day {i} #coffee",
            likes=100 + i,
            comments=i,
            images=[sample_jpeg(i)],
            is_video=i == 5,
        )
        for i in range(6)
    ]
    write_profile(profiles_root, "rows.account", posts, followers=900)
    service = Container(settings, analyzers=analyzers)
    await service.start()
    try:
        await service.service.profile_report("rows.account", user_id=None)
    finally:
        await service.close()

    rows = sorted(stored_rows(settings.database_url), key=lambda r: r["taken_at"])
    assert [r["likes"] for r in rows] == [100 + i for i in range(6)]
    assert {r["account"] for r in rows} == {"rows.account"}
    assert all(r["followers"] == 900 and r["age_days"] > 2 for r in rows)
    assert all(r["features"]["has_photo"] == 1.0 for r in rows)
    assert not any("caption" in key for r in rows for key in r if key != "features")
    assert len(targets(rows)) == 5  # the video is never trained on
