"""Load the two Big Five text sets from $DIGBOT_DATA (never from the repository).

Labels come back as an (n, 5) int array in `TRAIT_IDS` order (1 = the set's 'y', high).
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analyzers.types import TRAIT_IDS

REPO_ROOT = Path(__file__).resolve().parents[2]
VAR_DIR = REPO_ROOT / "var" / "personality"
"""Git-ignored cache of expensive intermediate results (embeddings)."""

TRAIT_CODES: dict[str, str] = {
    "openness": "OPN",
    "conscientiousness": "CON",
    "extraversion": "EXT",
    "agreeableness": "AGR",
    "neuroticism": "NEU",
}
"""Trait id -> the column suffix both data sets use (cEXT, sEXT, ...)."""

MAJUMDER_2017: dict[str, float] = {
    "extraversion": 58.09,
    "neuroticism": 59.38,
    "agreeableness": 56.71,
    "conscientiousness": 57.30,
    "openness": 62.68,
}
"""Majumder et al. 2017 (deep CNN + Mairesse features, 10-fold CV) essays accuracy, percent."""


def data_dir() -> Path:
    """$DIGBOT_DATA, or ../shared/data beside the repository."""
    return Path(os.environ.get("DIGBOT_DATA", REPO_ROOT.parent / "shared" / "data"))


def essays_path() -> Path:
    return data_dir() / "text" / "essays_big5.csv"


def mypersonality_path() -> Path:
    return data_dir() / "text" / "mypersonality.csv"


def _decode(raw: bytes) -> str:
    # The README says cp1252, but the shipped file is valid UTF-8 ('’', 'å' decode correctly
    # only as UTF-8); accept both so a re-export in either encoding still loads.
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def _labels(row: dict[str, str]) -> list[int]:
    return [int(row["c" + TRAIT_CODES[t]].strip().lower() == "y") for t in TRAIT_IDS]


@dataclass(frozen=True)
class Essays:
    texts: list[str]
    labels: np.ndarray
    """(n, 5) int, TRAIT_IDS order."""


def load_essays() -> Essays:
    """The 2,467 usable essays (the corrupt 'Err:000' row dropped)."""
    with essays_path().open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["TEXT"].strip() != "Err:000"]
    return Essays([r["TEXT"] for r in rows], np.array([_labels(r) for r in rows]))


@dataclass(frozen=True)
class Person:
    author: str
    statuses: list[str]
    labels: np.ndarray
    """(5,) int, TRAIT_IDS order."""
    scores: np.ndarray
    """(5,) float, the questionnaire scores 1..5, TRAIT_IDS order."""

    @property
    def text(self) -> str:
        """All statuses joined, as a profile's captions are joined at run time."""
        return "\n".join(self.statuses)


def load_mypersonality() -> list[Person]:
    """The 250 people of the myPersonality sample, in order of first appearance."""
    rows = list(csv.DictReader(io.StringIO(_decode(mypersonality_path().read_bytes()))))
    people: dict[str, Person] = {}
    for r in rows:
        author = r["#AUTHID"]
        if author not in people:
            scores = np.array([float(r["s" + TRAIT_CODES[t]]) for t in TRAIT_IDS])
            people[author] = Person(author, [], np.array(_labels(r)), scores)
        people[author].statuses.append(r["STATUS"])
    return list(people.values())
