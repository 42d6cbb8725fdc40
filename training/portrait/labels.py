"""The three rounds of hand labels (GUIDELINE.md) and which outfit tags each row answers."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from analyzers.content import OUTFIT_CLASSES

HERE = Path(__file__).parent
LABELS = HERE / "labels.csv"
"""Round one: every tag of GUIDELINE.md."""
LABELS_OUTFIT = HERE / "labels_outfit.csv"
"""Round two: every outfit tag, on a random draw of photos with people."""
LABELS_CENSUS = HERE / "labels_census.csv"
"""Round three: the CENSUS_FLOORS tags only, on every pool photo reaching a floor."""
LABELS_FORMAL = HERE / "labels_formal.csv"
"""Round four: `formal` only, on every fresh pool photo where FORMAL_SCREEN reaches FORMAL_FLOOR."""
CENSUS_FLOORS: dict[str, float] = {"suit": 0.05, "hat": 0.05, "dress": 0.3, "swimwear": 0.3}
"""Tag -> the lowest `persons` score labelled in round three (census.py); thresholds under it
are not tried for that reader (calibrate.py). Set from how many pool photos each floor brings
(suit 11, hat 7, dress 30, swimwear 51 of 507), before any round-three label."""


@dataclass(frozen=True)
class Labelled:
    file: str
    outfit: frozenset[str]
    """The yes outfit tags ('suit', 'tie', ...)."""
    answered: frozenset[str]
    """The outfit tags this row was labelled for."""
    census: bool


FORMAL = "formal"
FORMAL_PARTS = frozenset({"suit", "tie"})
"""A round one or two row is `formal` when it is labelled with either (GUIDELINE.md, round four)."""
FORMAL_SCREEN = ("persons", "busts")
"""The readers whose positives at FORMAL_FLOOR round four labels."""
FORMAL_READERS = (*FORMAL_SCREEN, "large_busts")
"""The candidate readers of round four (`large_busts` positives are a subset of `busts`')."""
FORMAL_FLOOR = 0.15
"""The lowest FORMAL_SCREEN score labelled in round four: the lowest grid value bringing at
most about 150 of the 2,235 pool photos (`census_formal --floors`: 0.10 brings 216, 0.15 135,
0.20 103), set before any round-four label."""


def labelled_rows(
    files: tuple[Path, ...] = (LABELS, LABELS_OUTFIT, LABELS_CENSUS),
) -> list[Labelled]:
    rows: list[Labelled] = []
    for path in files:
        census = path in (LABELS_CENSUS, LABELS_FORMAL)
        answered = {
            LABELS_CENSUS: frozenset(CENSUS_FLOORS),
            LABELS_FORMAL: frozenset({FORMAL}),
        }.get(path, frozenset(OUTFIT_CLASSES))
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                tags = row["tags"].split()
                outfit = frozenset(
                    t.removeprefix("outfit:") for t in tags if t.startswith("outfit:")
                )
                if not census and outfit & FORMAL_PARTS:
                    outfit |= {FORMAL}
                rows.append(Labelled(row["file"], outfit, answered, census))
    return rows
