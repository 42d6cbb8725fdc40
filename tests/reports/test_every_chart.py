"""Every chart renders a phone-sized, non-blank PNG, also when drawn in parallel threads.

Set DIGBOT_REPORT_PREVIEWS=<folder> to keep a copy of each full chart for a human to look at.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from chart_check import assert_chart

from analyzers.types import AlbumAnalysis, PhotoAnalysis, ProfileAnalysis
from reports.album import album_chart
from reports.profile_charts import big_five_chart, engagement_chart, habits_chart, style_mix_chart
from reports.selfie import selfie_card


def full_charts(
    profile: ProfileAnalysis, selfie: PhotoAnalysis, album: AlbumAnalysis
) -> dict[str, bytes]:
    assert profile.personality is not None and profile.habits is not None
    return {
        "style_mix": style_mix_chart(profile.style_shares, "@night.owl_eats: photo styles"),
        "big_five": big_five_chart(profile.personality),
        "habits": habits_chart(profile.habits),
        "engagement": engagement_chart(profile.posts, profile.followers),
        "selfie_card": selfie_card(selfie),
        "album": album_chart(album),
    }


@pytest.mark.slow
def test_every_chart_is_a_phone_sized_png(
    make_profile: Callable[..., ProfileAnalysis],
    make_selfie: Callable[..., PhotoAnalysis],
    sample_album: AlbumAnalysis,
    tmp_path: Path,
) -> None:
    rendered = full_charts(make_profile(), make_selfie(), sample_album)
    previews = os.environ.get("DIGBOT_REPORT_PREVIEWS")
    for name, png in rendered.items():
        assert_chart(png, min_std=25.0)
        path = tmp_path / f"{name}.png"
        path.write_bytes(png)
        if previews:
            Path(previews).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(previews) / path.name)


@pytest.mark.slow
def test_charts_render_concurrently_in_threads(
    make_profile: Callable[..., ProfileAnalysis], make_selfie: Callable[..., PhotoAnalysis]
) -> None:
    profile = make_profile()
    habits = profile.habits
    assert habits is not None
    jobs = [
        lambda: engagement_chart(profile.posts, profile.followers),
        lambda: style_mix_chart(profile.style_shares, "styles"),
        lambda: habits_chart(habits),
        lambda: selfie_card(make_selfie()),
    ] * 2
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda job: job(), jobs))
    assert results[:4] == results[4:], "the same chart rendered twice in parallel must be identical"
