"""Export what the bot has stored about analysed public posts as retraining rows (JSON lines).

    uv run python -m training.popularity.export_rows [--database var/digbot.sqlite] OUT.jsonl
    uv run python -m training.popularity.retrain_prior OUT.jsonl

One row per stored post, in the schema of `analyzers.popularity.features.engagement_row`: the
account, its follower count, the post's latest likes and comments and its age when they were
read, and the numbers the popularity model learns from (never pixels, never caption text).
Posts stored before those numbers were kept are left out.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from analyzers.popularity.features import age_days
from bot.settings import load_settings
from storage.database import sync_url
from storage.models import Post, Profile


def stored_rows(database_url: str) -> Iterator[dict[str, Any]]:
    engine = create_engine(sync_url(database_url))
    try:
        with Session(engine) as session:
            query = select(Post, Profile).join(Profile, Profile.id == Post.profile_id)
            for post, profile in session.execute(query):
                features = post.features.get("popularity_features")
                if not features:
                    continue
                yield {
                    "account": profile.username,
                    "shortcode": post.shortcode,
                    "followers": profile.followers,
                    "likes": post.likes,
                    "comments": post.comments,
                    "taken_at": post.taken_at.isoformat(),
                    "age_days": age_days(post.taken_at, post.fetched_at),
                    "is_video": post.is_video,
                    "features": features,
                }
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path, help="the JSON-lines file to write")
    parser.add_argument("--database", help="SQLite file or SQLAlchemy URL (default: the config's)")
    args = parser.parse_args(argv)
    if args.database:
        settings = load_settings(storage={"database": args.database})
    else:
        settings = load_settings()
    count = 0
    with open(args.out, "w", encoding="utf-8") as out:
        for row in stored_rows(settings.database_url):
            out.write(json.dumps(row) + "\n")
            count += 1
    print(f"{count} rows written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
