"""Round four of the labelling: a census of the `formal` candidates' positives on fresh photos.

    uv run --frozen --no-sync python -m training.portrait.census_formal /tmp/formal [--cache F]

Every photo of FORMAL_POOL never labelled in rounds one to three on which a FORMAL_SCREEN
reader scores `formal` (analyzers/content.py: suit + Windsor tie + bow tie) at least
FORMAL_FLOOR is labelled for `formal` only (GUIDELINE.md, round four). `--floors` prints how
many photos each floor would bring, which is how FORMAL_FLOOR was set before any label.
Writes numbered contact sheets (no scores on them) and prints the files in sheet order.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from analyzers.content import OUTFIT_CLASSES
from training.portrait.calibrate import FORMAL_THRESHOLDS, cached_scores
from training.portrait.census import pool_files
from training.portrait.labels import (
    FORMAL,
    FORMAL_FLOOR,
    FORMAL_SCREEN,
    LABELS,
    LABELS_CENSUS,
    LABELS_OUTFIT,
)
from training.portrait.sample import write_sheets

FORMAL_POOL = (
    "other_instagram/family_group",
    "ucf_selfies/selfie",
    "sad_mood/sad",
    "selfies_more/selfie",
    "sports6",
)


def best_formal(files: list[str], cache: Path | None) -> np.ndarray:
    """Per file, the highest `formal` score of the FORMAL_SCREEN."""
    scores = cached_scores(files, cache, FORMAL_SCREEN)
    column = list(OUTFIT_CLASSES).index(FORMAL)
    return np.max([scores[reader][:, column] for reader in FORMAL_SCREEN], axis=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sheets", type=Path)
    parser.add_argument("--cache", type=Path, help="store/reuse the readers' scores here")
    parser.add_argument("--floors", action="store_true", help="only count photos per floor")
    args = parser.parse_args()
    files = pool_files(FORMAL_POOL, (LABELS, LABELS_OUTFIT, LABELS_CENSUS))
    best = best_formal(files, args.cache)
    if args.floors:
        for floor in FORMAL_THRESHOLDS:
            print(f"floor {floor:.2f}: {int((best >= floor).sum())} of {len(files)} pool photos")
        return
    screened = [f for f, score in zip(files, best, strict=True) if score >= FORMAL_FLOOR]
    write_sheets(screened, args.sheets)
    print(f"# {len(screened)} of {len(files)} pool photos reach {FORMAL_FLOOR}")
    print("\n".join(screened))


if __name__ == "__main__":
    main()
