"""Draw the texts of the habits evaluation set (run once; its output is committed as labels.csv).

A seeded random sample per source, without empty or duplicate texts; 40 % of it is marked
`heldout` before any labelling or lexicon tuning, and is only scored at the end. Rows arrive
with empty labels: a person labels them by reading each text against GUIDELINE.md.

    uv run python -m training.habits.sample            # writes training/habits/labels.csv
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
HELDOUT_SHARE = 0.4
SEED = 20261123
LABELS_PATH = Path(__file__).with_name("labels.csv")


def draw() -> list[tuple[str, str]]:
    """(id, split) rows, in a fixed order."""
    rng = random.Random(SEED)
    seen: set[str] = set()
    rows: list[tuple[str, str]] = []
    for source, size in SAMPLE_SIZES.items():
        items = [it for it in load_all(source) if it.caption.strip()]
        rng.shuffle(items)
        taken = 0
        for it in items:
            key = " ".join(it.caption.lower().split())
            if key in seen:
                continue
            seen.add(key)
            rows.append((it.id, "heldout" if rng.random() < HELDOUT_SHARE else "tuning"))
            taken += 1
            if taken == size:
                break
    return rows


def main() -> None:
    if LABELS_PATH.exists():
        sys.exit(f"{LABELS_PATH} exists: it holds the labels, not overwriting it")
    with LABELS_PATH.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "split", "labels"])
        writer.writerows((i, split, "") for i, split in draw())


if __name__ == "__main__":
    main()
