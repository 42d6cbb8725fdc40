"""Draw the texts of the habits evaluation set (its output is committed as labels.csv).

A seeded random sample per source, without empty or duplicate texts. Rows arrive with empty
labels: a person labels them by reading each text against GUIDELINE.md.

- First draw (`SAMPLE_SIZES`): 40 % marked `heldout` before any labelling or lexicon tuning,
  the rest `tuning`. All of it was read while labelling, before the lexicon was written.
- Second draw (`--fresh`, `FRESH_SIZES`): new texts appended as split `fresh`, drawn and
  labelled after the lexicon was frozen, so nobody had read them while writing it.

    uv run python -m training.habits.sample            # writes training/habits/labels.csv
    uv run python -m training.habits.sample --fresh    # appends the fresh split
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

from training.habits.data import load_all

SAMPLE_SIZES: dict[str, int] = {
    "mypersonality": 190,
    "natgeo": 45,
    "natgeo_labeled": 35,
    "ig_reach": 30,
    "ig_aman": 15,
    "persian_news": 15,
}
FRESH_SIZES: dict[str, int] = {
    "mypersonality": 120,
    "natgeo": 20,
    "natgeo_labeled": 20,
    "ig_reach": 15,
}
HELDOUT_SHARE = 0.4
SEED = 20261123
FRESH_SEED = 20261124
LABELS_PATH = Path(__file__).with_name("labels.csv")


def _key(caption: str) -> str:
    return " ".join(caption.lower().split())


def draw(
    sizes: dict[str, int], seed: int, fresh: bool, taken_ids: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """(id, split) rows, in a fixed order, skipping texts equal to one in `taken_ids`."""
    rng = random.Random(seed)
    seen = {_key(it.caption) for s in sizes for it in load_all(s) if it.id in taken_ids}
    rows: list[tuple[str, str]] = []
    for source, size in sizes.items():
        items = [it for it in load_all(source) if it.caption.strip()]
        rng.shuffle(items)
        taken = 0
        for it in items:
            if _key(it.caption) in seen:
                continue
            seen.add(_key(it.caption))
            split = "fresh" if fresh else "heldout" if rng.random() < HELDOUT_SHARE else "tuning"
            rows.append((it.id, split))
            taken += 1
            if taken == size:
                break
    return rows


def main() -> None:
    if "--fresh" in sys.argv:
        with LABELS_PATH.open(newline="") as f:
            existing = list(csv.DictReader(f))
        if any(r["split"] == "fresh" for r in existing):
            sys.exit("the fresh split is already drawn")
        taken = frozenset(r["id"] for r in existing)
        with LABELS_PATH.open("a", newline="") as f:
            csv.writer(f).writerows(
                (i, s, "") for i, s in draw(FRESH_SIZES, FRESH_SEED, True, taken)
            )
        return
    if LABELS_PATH.exists():
        sys.exit(f"{LABELS_PATH} exists: it holds the labels, not overwriting it")
    with LABELS_PATH.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "split", "labels"])
        writer.writerows((i, s, "") for i, s in draw(SAMPLE_SIZES, SEED, False))


if __name__ == "__main__":
    main()
