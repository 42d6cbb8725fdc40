"""Outfit tags: per-tag thresholds set by cross-validation on the hand-labelled photos.

    uv run --frozen --no-sync python -m training.portrait.calibrate [--cache /tmp/outfit.npz]

Reads every photo of labels.csv (round one) and labels_outfit.csv (round two) from
$DIGBOT_DATA/images, runs the app's vision, faces and style analyzers, and scores each outfit
tag (analyzers/content.py OUTFIT_CLASSES: the ImageNet probability summed over the tag's
classes) with three readers, on photos where someone is detected:
- `whole`: the top-5 ImageNet classes of the whole photo (what the vision analyzer keeps; no
  extra backbone pass);
- `person`: a second backbone pass on the crop around the main face (PERSON_BOX);
- `torso`: a second backbone pass on the crop below the main face (TORSO_BOX);
- `persons`, `torsos`: the same around / below each of the MAX_PEOPLE largest subject faces,
  the highest score over them (a suit worn by the second person of a family photo counts).
For each reader and tag, FOLDS-fold cross-validation: on the training folds the threshold is
the lowest of THRESHOLDS whose training precision reaches KEEP_PRECISION over MIN_PREDICTED
predictions (none: the tag says nothing in that fold); the held-out folds' predictions are
pooled into the table. A tag ships when its cross-validated precision reaches KEEP_PRECISION
over at least MIN_PREDICTED held-out predictions; its shipped threshold is the same rule on all
the labels, with the reader that got the most held-out tags right (a choice among several
readers: a mild optimism the card states). The last line is analyzers/content.py's OUTFIT_SHIPPED.
Round three's census rows (labels.py) measure only the reader that screened them, `persons`,
at or above its floor. `formal` (round four, GUIDELINE.md) is decided on its own census
(labels_formal.csv), screened by FORMAL_SCREEN at FORMAL_FLOOR, with the threshold grid
extended to FORMAL_THRESHOLDS; its row in the main table (rounds one and two) is reported, not
shipped from.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analyzers.content import (
    OUTFIT_CLASSES,
    OUTFIT_READERS,
    PERSON_BOX,
    TORSO_BOX,
    ContentAnalyzer,
    CropReader,
    count_people,
    outfit_scores,
)
from analyzers.imagenet import imagenet_names
from analyzers.images import decode_image
from analyzers.pipeline import Pipeline, load_analyzers
from analyzers.types import FacesResult, VisionOutput
from training.portrait.evaluate import ANALYZERS, KEEP_PRECISION, MIN_PREDICTED
from training.portrait.labels import (
    CENSUS_FLOORS,
    FORMAL,
    FORMAL_FLOOR,
    FORMAL_READERS,
    LABELS_FORMAL,
    Labelled,
    labelled_rows,
)
from training.portrait.sample import IMAGES

READERS = ("whole", "person", "torso", *OUTFIT_READERS)
CROP_READERS = {
    "person": CropReader(PERSON_BOX, 1),
    "torso": CropReader(TORSO_BOX, 1),
    **OUTFIT_READERS,
}
CENSUS_READER = "persons"
FOLDS = 5
SEED = 23
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.05, 0.65, 0.05))
FORMAL_THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.05, 1.0, 0.05))
"""Round four's grid: `formal`'s false positives reach 0.8 (GUIDELINE.md)."""
SWEEP = (0.3, 0.5, 0.7, 0.9)
"""Thresholds at which round four's census precision is shown, whatever the rule picks."""


def read_scores(files: list[str], readers: tuple[str, ...] = READERS) -> dict[str, np.ndarray]:
    """Reader -> (photos, tags) scores; zero where nobody is detected or the crop is too small."""
    pipeline = Pipeline(load_analyzers(ANALYZERS, ()))
    if pipeline.unavailable:
        raise SystemExit(f"analyzers not available: {pipeline.unavailable}")
    reader = ContentAnalyzer(shipped=dict.fromkeys(OUTFIT_CLASSES, ("persons", 1.0)))
    names = imagenet_names()
    index = {name: i for i, name in enumerate(names)}  # a repeated name: its last class
    scores = {name: np.zeros((len(files), len(OUTFIT_CLASSES))) for name in readers}
    for row, name in enumerate(files):
        context = pipeline.analyze_image(decode_image((IMAGES / name).read_bytes()))
        faces = context.results.get("faces")
        faces = faces if isinstance(faces, FacesResult) else None
        if count_people(faces)[0] == "none":
            continue
        vision = context.results.get("vision")
        if "whole" in readers and isinstance(vision, VisionOutput):
            top = np.zeros((1, len(names)))
            for label, p in vision.imagenet_top:
                top[0, index[label]] += p
            scores["whole"][row] = outfit_scores(top)
        for crop_reader in (r for r in readers if r != "whole"):
            read = reader.outfit_scores(context.image, faces, CROP_READERS[crop_reader])
            if read is not None:
                scores[crop_reader][row] = read
    return scores


def cached_scores(
    files: list[str], cache: Path | None, readers: tuple[str, ...] = READERS
) -> dict[str, np.ndarray]:
    if cache is not None and cache.exists():
        stored = np.load(cache)
        if list(stored["files"]) == files and set(readers) <= set(stored):
            return {reader: stored[reader] for reader in readers}
    scores = read_scores(files, readers)
    if cache is not None:
        np.savez(cache, files=np.array(files), **scores)
    return scores


def threshold_for(
    scores: np.ndarray,
    truth: np.ndarray,
    floor: float = 0.0,
    grid: tuple[float, ...] = THRESHOLDS,
) -> float | None:
    """The lowest `grid` value (at least `floor`) whose precision reaches KEEP_PRECISION over at
    least MIN_PREDICTED predictions on these rows; None when none does."""
    for threshold in (t for t in grid if t >= floor):
        said = scores >= threshold
        if said.sum() >= MIN_PREDICTED and truth[said].mean() >= KEEP_PRECISION:
            return threshold
    return None


@dataclass(frozen=True)
class Measured:
    said: int
    right: int
    labelled: int
    threshold: float | None
    """Set on all the labels; None: the tag is never said."""

    @property
    def precision(self) -> float | None:
        return self.right / self.said if self.said else None

    @property
    def kept(self) -> bool:
        return (
            self.threshold is not None
            and self.said >= MIN_PREDICTED
            and self.right >= KEEP_PRECISION * self.said
        )


def cross_validate(
    scores: np.ndarray,
    truth: np.ndarray,
    floor: float = 0.0,
    grid: tuple[float, ...] = THRESHOLDS,
) -> Measured:
    """Held-out predictions of FOLDS folds, each fold's threshold set on the other folds."""
    folds = np.random.default_rng(SEED).permutation(len(truth)) % FOLDS
    said = right = 0
    for fold in range(FOLDS):
        train, held = folds != fold, folds == fold
        threshold = threshold_for(scores[train], truth[train], floor, grid)
        if threshold is None:
            continue
        hits = scores[held] >= threshold
        said += int(hits.sum())
        right += int(truth[held][hits].sum())
    return Measured(said, right, int(truth.sum()), threshold_for(scores, truth, floor, grid))


def measure(rows: list[Labelled], scores: np.ndarray, tag: str, reader: str) -> Measured:
    """Cross-validate one reader on one tag, on the rows labelled for it. Round three was
    screened by CENSUS_READER: its rows measure only that reader, at or above the floor."""
    census = reader == CENSUS_READER and tag in CENSUS_FLOORS
    used = [i for i, r in enumerate(rows) if tag in r.answered and (census or not r.census)]
    truth = np.array([tag in rows[i].outfit for i in used])
    return cross_validate(scores[used], truth, CENSUS_FLOORS[tag] if census else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, help="store/reuse the readers' scores here")
    cache = parser.parse_args().cache
    rows = labelled_rows()
    scores = cached_scores([r.file for r in rows], cache)
    print(f"{len(rows)} hand-labelled photos, {FOLDS}-fold cross-validation")
    print("cells: right of said (held-out precision); * with the round-three census rows\n")
    print(f"| tag | worn (rounds 1-2) | {' | '.join(READERS)} | ships |")
    print("|---|---|" + "---|" * len(READERS) + "---|")
    shipped: dict[str, tuple[str, float]] = {}
    for column, tag in enumerate(OUTFIT_CLASSES):
        cells: list[str] = []
        best = 0
        for reader in READERS:
            m = measure(rows, scores[reader][:, column], tag, reader)
            star = "*" if reader == CENSUS_READER and tag in CENSUS_FLOORS else ""
            precision = f" ({m.precision:.2f})" if m.precision is not None else ""
            cells.append(f"{m.right} of {m.said}{precision}{star}")
            if tag != FORMAL and m.kept and m.threshold is not None and m.right > best:
                shipped[tag], best = (reader, m.threshold), m.right
        worn = sum(tag in r.outfit for r in rows if not r.census)
        ships = f"{shipped[tag][0]} ≥ {shipped[tag][1]:.2f}" if tag in shipped else "no"
        print(f"| `{tag}` | {worn} | {' | '.join(cells)} | {ships} |")
    print(f"\n{CENSUS_READER} reader over every labelled photo at the census floor:")
    for tag, floor in CENSUS_FLOORS.items():
        said = [
            r
            for r, v in zip(
                rows, scores[CENSUS_READER][:, list(OUTFIT_CLASSES).index(tag)], strict=True
            )
            if v >= floor and tag in r.answered
        ]
        right = sum(tag in r.outfit for r in said)
        print(f"- {tag} ≥ {floor}: {right} of {len(said)} right")
    if LABELS_FORMAL.exists():
        shipped |= formal_census(cache)
    print(f"\nOUTFIT_SHIPPED = {shipped}")


def formal_census(cache: Path | None) -> dict[str, tuple[str, float]]:
    """Round four: each FORMAL_READERS reader cross-validated on the census (every photo where
    it reaches FORMAL_FLOOR is labelled); {FORMAL: (reader, threshold)} when the best one
    reaches the bar, else {}."""
    rows = labelled_rows((LABELS_FORMAL,))
    files = [r.file for r in rows]
    scores = cached_scores(files, cache and cache.with_suffix(".formal.npz"), FORMAL_READERS)
    truth = np.array([FORMAL in r.outfit for r in rows])
    column = list(OUTFIT_CLASSES).index(FORMAL)
    print(f"\nround four, `formal` census: {len(rows)} photos, {truth.sum()} formal")
    best: tuple[int, str, float] | None = None
    for reader in FORMAL_READERS:
        read = scores[reader][:, column]
        m = cross_validate(read, truth, FORMAL_FLOOR, FORMAL_THRESHOLDS)
        precision = f" ({m.precision:.2f})" if m.precision is not None else ""
        swept = ", ".join(
            f"≥ {t}: {int(truth[read >= t].sum())} of {int((read >= t).sum())}"
            for t in (FORMAL_FLOOR, *SWEEP)
        )
        print(f"- {reader}: {m.right} of {m.said} held-out{precision}; right of said {swept}")
        if m.kept and m.threshold is not None and (best is None or m.right > best[0]):
            best = (m.right, reader, m.threshold)
    return {FORMAL: (best[1], best[2])} if best is not None else {}


if __name__ == "__main__":
    main()
