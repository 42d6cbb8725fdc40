"""Two instaloader-format profiles of real photos, to read the portrait the bot writes.

    uv run --frozen --no-sync python -m training.portrait.fixture_profiles /tmp/profiles
    uv run --frozen --no-sync digbot analyze /tmp/profiles/food.fixture

Writes `food.fixture` (15 Food-101 photos: 3 of each of 5 dishes) and `sports.fixture` (15
sports6 photos: 3 of each of 5 sports), first by file name, one post every 2 days, from
$DIGBOT_DATA/images (research-use photos: written outside the repository, never committed).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.fixtures.instagram_fixture import FixturePost, write_profile
from training.portrait.sample import IMAGES

PROFILES: dict[str, tuple[str, ...]] = {
    "food.fixture": tuple(
        f"food101_more/{dish}"
        for dish in ("bibimbap", "breakfast_burrito", "apple_pie", "beignets", "baklava")
    ),
    "sports.fixture": tuple(
        f"sports6/{sport}" for sport in ("basketball", "football", "tennis", "rowing", "swimming")
    ),
}
PER_FOLDER = 3
START = datetime(2026, 1, 5, 12, tzinfo=UTC)


def main() -> None:
    root = Path(sys.argv[1])
    root.mkdir(parents=True, exist_ok=True)
    for name, folders in PROFILES.items():
        photos = [
            path.read_bytes()
            for folder in folders
            for path in sorted((IMAGES / folder).glob("*.jpg"))[:PER_FOLDER]
        ]
        posts = [
            FixturePost(taken_at=START + timedelta(days=2 * i), likes=100 + i, images=[photo])
            for i, photo in enumerate(photos)
        ]
        print(write_profile(root, name, posts))


if __name__ == "__main__":
    main()
