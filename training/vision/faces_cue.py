"""Run the faces analyzer's detector over every labelled photo once and cache the face cue.

    uv run python -m training.vision.faces_cue

Uses the same detectors as analyzers/faces.py (mediapipe short range, plus full-range faces
that overlap none of them) so the combiner learns the cue it will get at run time. Writes
var/vision/faces.npz: paths, and per photo the cue of `analyzers.style.face_cue` (area share of
the largest face, number of faces capped at 3 over 3).
"""

from __future__ import annotations

import time

import mediapipe as mp
import numpy as np

from analyzers.faces import detect_faces, make_graphs
from analyzers.style import face_cue_from_boxes
from training.vision.dataset import list_items
from training.vision.embed import load_rgb
from training.vision.paths import VAR_DIR

FACES = VAR_DIR / "faces.npz"


def load_face_cues(paths: np.ndarray) -> np.ndarray:
    """(N, 2) face cues in the order of `paths` (run this module first)."""
    with np.load(FACES) as cached:
        if not np.array_equal(cached["paths"], paths):
            raise ValueError(f"{FACES} is stale: rerun training.vision.faces_cue")
        return np.asarray(cached["cues"])


def main() -> None:
    items = list_items()
    paths = np.array([str(i.path) for i in items])
    if FACES.exists():
        with np.load(FACES) as cached:
            if np.array_equal(cached["paths"], paths):
                print(f"{FACES} is up to date")
                return
    short_range, full_range, _ = make_graphs(mp.solutions)
    cues = np.zeros((len(items), 2), np.float32)
    start = time.perf_counter()
    for n, item in enumerate(items):
        pixels = load_rgb(item.path)
        boxes = [box for box, _ in detect_faces(short_range, full_range, pixels)]
        cues[n] = face_cue_from_boxes(boxes, pixels.shape[0], pixels.shape[1])
        if n % 1000 == 999:
            print(f"{n + 1}/{len(items)}, {(n + 1) / (time.perf_counter() - start):.1f}/s")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    np.savez(FACES, paths=paths, cues=cues)
    print(f"wrote {FACES}")


if __name__ == "__main__":
    main()
