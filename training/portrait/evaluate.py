"""Precision (and recall) of every per-photo tag on the hand-labelled sample.

    uv run --frozen --no-sync python -m training.portrait.evaluate

Runs the app's own vision, faces and style analyzers and analyzers/content.py (with no tag
dropped) on the photos of labels.csv, read from $DIGBOT_DATA/images, and prints the table of
analyzers/models/PORTRAIT.md. A tag is kept when its precision is at least KEEP_PRECISION over at
least MIN_PREDICTED predictions; the last line lists the tags to put in DROPPED_TAGS. Outfit
tags have their own readers and thresholds: calibrate.py measures them.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from analyzers.content import describe, tags_of
from analyzers.images import decode_image
from analyzers.pipeline import Pipeline, load_analyzers
from analyzers.types import FacesResult, StyleResult, VisionOutput
from training.portrait.labels import LABELS
from training.portrait.sample import IMAGES

KEEP_PRECISION = 0.7
MIN_PREDICTED = 3
ANALYZERS = (
    "analyzers.vision:VisionAnalyzer",
    "analyzers.faces:FacesAnalyzer",
    "analyzers.style:StyleAnalyzer",
)


def predicted_tags(pipeline: Pipeline, path: Path) -> set[str]:
    context = pipeline.analyze_image(decode_image(path.read_bytes()))
    results = context.results
    vision, style, faces = results.get("vision"), results.get("style"), results.get("faces")
    faces = faces if isinstance(faces, FacesResult) else None
    content = describe(
        context.image,
        vision if isinstance(vision, VisionOutput) else None,
        style if isinstance(style, StyleResult) else None,
        faces,
        dropped=frozenset(),
    )
    return set(tags_of(content))


def main() -> None:
    pipeline = Pipeline(load_analyzers(ANALYZERS, ()))
    if pipeline.unavailable:
        raise SystemExit(f"analyzers not available: {pipeline.unavailable}")
    with LABELS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    predicted_n: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    labelled_n: Counter[str] = Counter()
    for row in rows:
        truth = set(row["tags"].split())
        said = predicted_tags(pipeline, IMAGES / row["file"])
        labelled_n.update(truth)
        predicted_n.update(said)
        correct.update(said & truth)
    print(f"{len(rows)} hand-labelled photos\n")
    print("| tag | said | right | precision | labelled | recall | kept |")
    print("|---|---|---|---|---|---|---|")
    dropped = []
    for tag in sorted(t for t in set(predicted_n) | set(labelled_n) if not t.startswith("outfit:")):
        n_said, right, labelled = predicted_n[tag], correct[tag], labelled_n[tag]
        precision = right / n_said if n_said else None
        keep = precision is not None and precision >= KEEP_PRECISION and n_said >= MIN_PREDICTED
        if not keep:
            dropped.append(tag)
        p_text = f"{precision:.2f}" if precision is not None else "–"
        r_text = f"{right / labelled:.2f}" if labelled else "–"
        kept = "yes" if keep else "no"
        print(f"| `{tag}` | {n_said} | {right} | {p_text} | {labelled} | {r_text} | {kept} |")
    print(f"\nDROPPED_TAGS = {sorted(dropped)}")


if __name__ == "__main__":
    main()
