"""Score the habits analyzer's interest detection against the hand-labelled captions.

Each labelled text (training/habits/labels.csv: id, split, labels) is loaded from $DIGBOT_DATA,
run through `analyzers.habits.interests_in_text` (caption + hashtags, the per-post building
block of the analyzer), and compared to its labels, habit by habit. Beside it, a baseline: one
keyword per habit (its own name, e.g. "travel", "coffee", "party"), matched as a word prefix in
the caption and hashtags. Splits (see sample.py): `tuning` was used to adjust the lexicon on its
errors; `heldout` was read while labelling but its errors were never looked at; `fresh` was
drawn and labelled after the lexicon was frozen.

    uv run python -m training.habits.evaluate            # prints the tables of HABITS.md
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from analyzers.habit_lexicon import LEXICON
from analyzers.habits import interests_in_text
from training.habits.data import Item, data_available, data_dir, load_items

LABELS_PATH = Path(__file__).with_name("labels.csv")
HABITS: tuple[str, ...] = tuple(LEXICON)

BASELINE_WORDS: dict[str, str] = {
    "travel": "travel",
    "fitness": "fitness",
    "food": "food",
    "coffee": "coffee",
    "nightlife": "party",
    "studying": "study",
    "pets": "pet",
    "music": "music",
    "fashion": "fashion",
    "art": "art",
    "gaming": "game",
    "nature": "nature",
    "movies_tv": "movie",
    "tech": "tech",
}
"""The naive baseline: one word per habit, matched at a word start ('#travelgram', 'pets')."""

_BASELINE_RE = {h: re.compile(rf"\b{w}", re.IGNORECASE) for h, w in BASELINE_WORDS.items()}


@dataclass(frozen=True)
class Labelled:
    item: Item
    split: str
    labels: frozenset[str]


def load_labelled(path: Path = LABELS_PATH) -> list[Labelled]:
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    items = load_items([r["id"] for r in rows])
    return [
        Labelled(items[r["id"]], r["split"], frozenset(filter(None, r["labels"].split(";"))))
        for r in rows
    ]


def predict(item: Item) -> frozenset[str]:
    return frozenset(interests_in_text(item.caption, item.hashtags))


def predict_baseline(item: Item) -> frozenset[str]:
    text = " ".join([item.caption, *(f"#{t}" for t in item.hashtags)])
    return frozenset(h for h, pattern in _BASELINE_RE.items() if pattern.search(text))


@dataclass(frozen=True)
class Scores:
    tp: int
    fp: int
    fn: int

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.support if self.support else None

    @property
    def f1(self) -> float | None:
        total = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / total if total else None


def score(pairs: Iterable[tuple[frozenset[str], frozenset[str]]], habit: str | None) -> Scores:
    """TP/FP/FN over (gold, predicted) pairs for one habit, or micro-averaged over all (None)."""
    tp = fp = fn = 0
    for gold, pred in pairs:
        for h in HABITS if habit is None else (habit,):
            tp += h in gold and h in pred
            fp += h not in gold and h in pred
            fn += h in gold and h not in pred
    return Scores(tp, fp, fn)


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _macro_f1(per_habit: list[Scores]) -> float:
    f1s = [s.f1 or 0.0 for s in per_habit if s.support]
    return sum(f1s) / len(f1s) if f1s else 0.0


def table(rows: list[Labelled], title: str) -> str:
    """Markdown table: per habit P/R/F1 of the analyzer and of the baseline, with support."""
    ours = [(r.labels, predict(r.item)) for r in rows]
    base = [(r.labels, predict_baseline(r.item)) for r in rows]
    lines = [
        f"{title} ({len(rows)} texts, {sum(bool(r.labels) for r in rows)} with a habit)",
        "",
        "| habit | support | P | R | F1 | baseline P | baseline R | baseline F1 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    ours_by_habit, base_by_habit = [], []
    for habit in HABITS:
        s, b = score(ours, habit), score(base, habit)
        ours_by_habit.append(s)
        base_by_habit.append(b)
        lines.append(
            f"| {habit} | {s.support} | {_fmt(s.precision)} | {_fmt(s.recall)} | {_fmt(s.f1)} "
            f"| {_fmt(b.precision)} | {_fmt(b.recall)} | {_fmt(b.f1)} |"
        )
    s, b = score(ours, None), score(base, None)
    lines.append(
        f"| **micro** | {s.support} | {_fmt(s.precision)} | {_fmt(s.recall)} | {_fmt(s.f1)} "
        f"| {_fmt(b.precision)} | {_fmt(b.recall)} | {_fmt(b.f1)} |"
    )
    lines.append(
        f"| **macro F1** (habits with support) | | | | {_macro_f1(ours_by_habit):.2f} "
        f"| | | {_macro_f1(base_by_habit):.2f} |"
    )
    return "\n".join(lines)


def by_source(rows: list[Labelled]) -> str:
    """Micro P/R per data source (language robustness: persian_news is Persian)."""
    lines = [
        "Per source, all splits, analyzer (micro over habits)",
        "",
        "| source | texts | labels | predicted | P | R |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    sources: dict[str, list[Labelled]] = {}
    for r in rows:
        sources.setdefault(r.item.id.split(":")[0], []).append(r)
    for source, group in sources.items():
        pairs = [(r.labels, predict(r.item)) for r in group]
        s = score(pairs, None)
        lines.append(
            f"| {source} | {len(group)} | {s.support} | {s.tp + s.fp} "
            f"| {_fmt(s.precision)} | {_fmt(s.recall)} |"
        )
    return "\n".join(lines)


def report(rows: list[Labelled]) -> str:
    """Every table of the model card, in its order."""
    split: Callable[[str], list[Labelled]] = lambda name: [r for r in rows if r.split == name]  # noqa: E731
    return "\n\n".join(
        [
            table(split("heldout"), "Held-out split (errors never inspected while tuning)"),
            table(split("fresh"), "Fresh split (drawn and labelled after the lexicon was frozen)"),
            table(split("tuning"), "Tuning split (the lexicon was adjusted on its errors)"),
            table(rows, "All labelled texts"),
            by_source(rows),
        ]
    )


def main() -> None:
    if not data_available():
        sys.exit(f"data not found under {data_dir()} (set DIGBOT_DATA)")
    print(report(load_labelled()))


if __name__ == "__main__":
    main()
