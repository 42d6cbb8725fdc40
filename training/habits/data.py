"""Load the texts of the habits evaluation set from $DIGBOT_DATA (never from the repository).

The labelled set commits only stable ids (`source:row`) and labels; the texts are research-only
personal data and stay in ../shared/data. Each text is a caption plus its hashtags, as a post
would carry them.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

SOURCES: dict[str, str] = {
    "mypersonality": "text/mypersonality.csv",
    "natgeo": "instagram/natgeo_posts/instagram_posts.csv",
    "natgeo_labeled": "instagram/natgeo_posts/instagram_posts_labeled.csv",
    "ig_reach": "instagram/small_tabular/amankharwal_instagram_reach.csv",
    "ig_aman": "instagram/small_tabular/amankharwal_Instagram_data.csv",
    "persian_news": "instagram/persian_news/khabar_fouri.json",
}
"""Source name -> file under the data folder."""


@dataclass(frozen=True)
class Item:
    id: str
    """'<source>:<0-based row index>' — stable as long as the data files are unchanged."""
    caption: str
    hashtags: tuple[str, ...]


def data_dir() -> Path:
    """$DIGBOT_DATA, or ../shared/data beside the repository."""
    return Path(os.environ.get("DIGBOT_DATA", REPO_ROOT.parent / "shared" / "data"))


def _read_text(path: Path) -> str:
    # The READMEs disagree on encodings (myPersonality was converted to UTF-8, the tutorial
    # tables were cp1252): accept either.
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def _csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(_read_text(path).splitlines(keepends=True)))


def _tags(field: str) -> tuple[str, ...]:
    # Tutorial tables separate hashtags by spaces, non-breaking spaces or nothing ("#a#b").
    return tuple(t.lower() for t in re.split(r"[\s#]+", field) if t)


def _items(source: str, root: Path) -> Iterator[Item]:
    path = root / SOURCES[source]
    if source == "persian_news":
        posts = json.loads(_read_text(path))["posts"]
        for i, post in enumerate(posts):
            yield Item(f"{source}:{i}", post.get("caption") or "", ())
        return
    for i, row in enumerate(_csv_rows(path)):
        if source == "mypersonality":
            yield Item(f"{source}:{i}", row["STATUS"], ())
        elif source.startswith("natgeo"):
            yield Item(f"{source}:{i}", row["post_caption"], ())
        else:
            yield Item(f"{source}:{i}", row["Caption"] or "", _tags(row["Hashtags"] or ""))


def load_all(source: str, root: Path | None = None) -> list[Item]:
    """Every item of one source, in file order."""
    return list(_items(source, root or data_dir()))


def load_items(ids: list[str], root: Path | None = None) -> dict[str, Item]:
    """The items with these ids (raises KeyError for an id the data does not have)."""
    wanted = set(ids)
    found: dict[str, Item] = {}
    for source in sorted({i.split(":", 1)[0] for i in wanted}):
        found.update((it.id, it) for it in load_all(source, root) if it.id in wanted)
    missing = wanted - found.keys()
    if missing:
        raise KeyError(f"ids not in the data: {sorted(missing)[:5]}")
    return found


def data_available(root: Path | None = None) -> bool:
    base = root or data_dir()
    return all((base / rel).exists() for rel in SOURCES.values())
