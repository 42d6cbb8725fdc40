"""Faces analyzer: speed, memory, thread strategy, and the face-model choice.

    uv run python benchmarks/bench_faces.py              # speed + memory + thread strategy
    uv run python benchmarks/bench_faces.py --compare-models

Speed: decode excluded (decode_image runs first, outside the timer); one warm-up photo. "single"
is the median over 10 runs on skimage's astronaut; "20 images" is the wall time over 20 photos
(20 UCF selfies when $DIGBOT_DATA is present, else skimage photos) run one after another, and
through 2 worker threads with (a) one mediapipe graph pair per thread — what FacesAnalyzer does —
and (b) one shared pair behind a lock. Peak memory is the process's maximum resident set size.

--compare-models runs mediapipe face detection with model_selection 0 (short range) and 1 (full
range) on labelled folders of $DIGBOT_DATA/images and prints the share of photos with at least
one face: on selfies and baby faces it should be high (a recall proxy), on food, scenes and
animals low (a false-positive rate). Folders with many photos are subsampled deterministically
(every k-th file in sorted order).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import mediapipe as mp
import numpy as np
from skimage import data as skdata

from analyzers.faces import FacesAnalyzer, detect_faces, estimate_pose, face_boxes, make_graphs
from analyzers.images import decode_image
from analyzers.types import DecodedImage, PhotoContext

DATA = Path(os.environ.get("DIGBOT_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))

COMPARE_FOLDERS: dict[str, tuple[str, bool]] = {
    # label: (folder under images/, faces expected)
    "ucf selfies": ("ucf_selfies/selfie", True),
    "selfies (face crops)": ("selfies_more/selfie", True),
    "baby faces": ("babies_animals/baby", True),
    "sad mood (people)": ("sad_mood/sad", True),
    "food": ("food101_more", False),
    "scenes": ("intel_scenes", False),
    "cats and dogs": ("cats_dogs", False),
    "horses, pandas": ("babies_animals/horse", False),
}
PER_FOLDER = 300


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_folder(folder: str, limit: int) -> list[DecodedImage]:
    files = sorted(
        p for p in (DATA / "images" / folder).rglob("*") if p.suffix.lower() in {".jpg", ".png"}
    )
    step = max(1, len(files) // limit)
    return [decode_image(p.read_bytes()) for p in files[::step][:limit]]


def sample_photos() -> list[DecodedImage]:
    if (DATA / "images" / "ucf_selfies").is_dir():
        return load_folder("ucf_selfies/selfie", 20)
    names = ("astronaut", "coffee", "chelsea", "rocket", "hubble_deep_field")
    return [DecodedImage(getattr(skdata, n)(), (0, 0), "PNG") for n in names for _ in range(4)][:20]


def wall_time(run: Callable[[DecodedImage], object], photos: list[DecodedImage], workers: int):
    start = time.perf_counter()
    if workers == 1:
        for photo in photos:
            run(photo)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(run, photos))
    return time.perf_counter() - start


def shared_locked_runner() -> Callable[[DecodedImage], object]:
    """The alternative to per-thread graphs: one set of graphs behind a lock."""
    short_range, full_range, pose = make_graphs(mp.solutions)
    lock = threading.Lock()

    def run(photo: DecodedImage) -> object:
        with lock:
            faces = detect_faces(short_range, full_range, photo.pixels)
            return estimate_pose(pose, photo.pixels, bool(faces))

    return run


def bench_speed() -> None:
    rss_before = peak_rss_mb()
    start = time.perf_counter()
    analyzer = FacesAnalyzer()
    print(
        f"load: {time.perf_counter() - start:.1f} s, peak RSS {peak_rss_mb():.0f} MB "
        f"(before: {rss_before:.0f} MB); emotions available: {analyzer.emotions_available}"
    )
    astronaut = DecodedImage(skdata.astronaut(), (512, 512), "PNG")
    analyzer.analyze(PhotoContext(astronaut))
    single = []
    for _ in range(10):
        t = time.perf_counter()
        analyzer.analyze(PhotoContext(astronaut))
        single.append(time.perf_counter() - t)
    print(f"single photo (astronaut 512×512): median {statistics.median(single) * 1000:.0f} ms")

    photos = sample_photos()
    sizes = sorted({p.pixels.shape[:2] for p in photos})
    print(f"20 photos, sizes {sizes[:3]}{'…' if len(sizes) > 3 else ''}")

    def full(photo: DecodedImage) -> object:
        return analyzer.analyze(PhotoContext(photo))

    for workers in (1, 2):
        seconds = wall_time(full, photos, workers)
        print(
            f"  FacesAnalyzer, {workers} thread(s), per-thread graphs: {seconds:.2f} s, "
            f"{len(photos) / seconds:.1f} photos/s"
        )
    locked = shared_locked_runner()
    locked(photos[0])
    seconds = wall_time(locked, photos, 2)
    print(
        f"  detection+pose only, 2 threads, one shared pair behind a lock: {seconds:.2f} s, "
        f"{len(photos) / seconds:.1f} photos/s"
    )
    per_thread = threading.local()

    def thread_local(photo: DecodedImage) -> object:
        if not hasattr(per_thread, "run"):
            per_thread.run = shared_locked_runner()  # a private pair; its lock is uncontended
        return per_thread.run(photo)

    seconds = wall_time(thread_local, photos, 2)
    print(
        f"  detection+pose only, 2 threads, one pair per thread (incl. building it): "
        f"{seconds:.2f} s, {len(photos) / seconds:.1f} photos/s"
    )
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


def compare_models() -> None:
    """Share of photos with at least one face: each model at several score thresholds, and the
    combination FacesAnalyzer uses (detect_faces)."""
    thresholds = (0.5, 0.6, 0.7, 0.8, 0.9)
    detectors = {
        selection: mp.solutions.face_detection.FaceDetection(
            model_selection=selection, min_detection_confidence=min(thresholds)
        )
        for selection in (0, 1)
    }
    short_range, full_range, _ = make_graphs(mp.solutions)
    print("share of photos with ≥1 face: model m0 (short range) / m1 (full range) at score ≥ t,")
    print("and 'used': FacesAnalyzer's combination; 'mean' = its mean faces per photo")
    header = " ".join(f"{f'm{m}@{t}':>7}" for m in detectors for t in thresholds)
    print(f"{'folder':<22} {'n':>4} {'faces?':<6} {header} {'used':>7} {'mean':>5}")
    for label, (folder, expected) in COMPARE_FOLDERS.items():
        if not (DATA / "images" / folder).is_dir():
            print(f"{label:<22} missing: {DATA / 'images' / folder}")
            continue
        photos = load_folder(folder, PER_FOLDER)
        cells = []
        for detector in detectors.values():
            best = np.array(
                [
                    max((s for _, s in face_boxes(detector, p.pixels, 0.0)), default=0.0)
                    for p in photos
                ]
            )
            cells += [f"{(best >= t).mean():7.1%}" for t in thresholds]
        used = np.array([len(detect_faces(short_range, full_range, p.pixels)) for p in photos])
        cells += [f"{(used > 0).mean():7.1%}", f"{used.mean():5.2f}"]
        print(f"{label:<22} {len(photos):>4} {'yes' if expected else 'no':<6} {' '.join(cells)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare-models", action="store_true")
    args = parser.parse_args()
    if args.compare_models:
        compare_models()
    else:
        bench_speed()


if __name__ == "__main__":
    main()
