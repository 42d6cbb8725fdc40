"""Faces analyzer: speed, memory, thread strategy, and the face-model choice.

    uv run python benchmarks/bench_faces.py              # speed + memory + thread strategy
    uv run python benchmarks/bench_faces.py --compare-models
    uv run python benchmarks/bench_faces.py --emotions

Speed (decoding timed on its own, then excluded: photos are decoded before the other timers):
- decode: median of 5 decodes of a 4032×3024 JPEG and PNG (a phone photo's size);
- cold start: a fresh process imports, loads the models and analyses one photo; its peak RSS;
- single photo: median of 10 runs on skimage's astronaut at 512×512 and upscaled to 1024×1024
  (the decoder's working size, what a phone photo becomes);
- 20 photos (10 UCF selfies + 10 football photos from $DIGBOT_DATA, else skimage photos): the best
  of 3 wall times through FacesAnalyzer on 1 worker thread, and on 2 threads with 1 graph set
  (one shared set behind a lock) and with 2 graph sets;
- the resident memory one more set of mediapipe graphs costs.
The machine is shared: the load average is printed with the numbers.

--compare-models runs mediapipe face detection with model_selection 0 (short range) and 1 (full
range) on labelled folders of $DIGBOT_DATA/images and prints the share of photos with at least
one face: on selfies and baby faces it should be high (a recall proxy), on food, scenes and
animals low (a false-positive rate). Folders with many photos are subsampled deterministically
(every k-th file in sorted order).

--emotions prints the dominant emotion of the main face on selfies and on "sad mood" photos: a
plausibility check, not an accuracy (no emotion-labelled photos are available).
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import numpy as np
from PIL import Image
from skimage import data as skdata

from analyzers.faces import FacesAnalyzer, detect_faces, estimate_pose, face_boxes, make_graphs
from analyzers.images import decode_image
from analyzers.mediapipe_import import import_mediapipe
from analyzers.types import EMOTION_IDS, DecodedImage, PhotoContext

mp = import_mediapipe()

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
REPEATS = 3

COLD_START = """
import resource, time
t = time.perf_counter()
from skimage import data
from analyzers.faces import FacesAnalyzer
from analyzers.types import EMOTION_IDS, DecodedImage, PhotoContext
FacesAnalyzer().analyze(PhotoContext(DecodedImage(data.astronaut(), (512, 512), "PNG")))
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


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
        return load_folder("ucf_selfies/selfie", 10) + load_folder("sports6/football", 10)
    names = ("astronaut", "coffee", "chelsea", "rocket", "hubble_deep_field")
    return [DecodedImage(getattr(skdata, n)(), (0, 0), "PNG") for n in names for _ in range(4)]


def cold_start() -> tuple[float, float]:
    """(seconds, peak RSS MB) of a fresh process importing, loading and analysing one photo."""
    out = subprocess.run(
        [sys.executable, "-c", COLD_START], capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[-2]), float(out[-1])


def median_ms(analyzer: FacesAnalyzer, image: DecodedImage, runs: int = 10) -> float:
    analyzer.analyze(PhotoContext(image))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        analyzer.analyze(PhotoContext(image))
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def best_wall_time(analyzer: FacesAnalyzer, photos: list[DecodedImage], workers: int) -> float:
    """The best of REPEATS wall times through one long-lived pool of `workers` threads (on a
    shared machine the least disturbed run is the best estimate)."""
    times = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(lambda p: analyzer.analyze(PhotoContext(p)), photos[:workers]))  # warm-up
        for _ in range(REPEATS):
            start = time.perf_counter()
            list(pool.map(lambda p: analyzer.analyze(PhotoContext(p)), photos))
            times.append(time.perf_counter() - start)
    return min(times)


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def graph_set_mb(photo: DecodedImage) -> float:
    """Resident memory added by building and running one more set of mediapipe graphs."""
    before = current_rss_mb()
    short_range, full_range, pose = make_graphs(mp.solutions)
    estimate_pose(pose, photo.pixels, bool(detect_faces(short_range, full_range, photo.pixels)))
    return current_rss_mb() - before


def decode_ms(fmt: str, runs: int = 5) -> float:
    """Median time to decode a 4032×3024 phone-sized photo into the 1024-pixel working image."""
    rng = np.random.default_rng(0)
    small = rng.integers(0, 256, (189, 252, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(cv2.resize(small, (4032, 3024), interpolation=cv2.INTER_CUBIC)).save(buf, fmt)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        decode_image(buf.getvalue())
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def bench_speed() -> None:
    print(f"load average at start: {os.getloadavg()[0]:.1f} (2 cores, shared)")
    for fmt in ("JPEG", "PNG"):
        print(f"decode a 4032×3024 {fmt} to 1024 px: median {decode_ms(fmt):.0f} ms")
    seconds, rss = cold_start()
    print(
        f"cold start (import + load + first photo, fresh process): {seconds:.1f} s, "
        f"peak RSS {rss:.0f} MB"
    )
    analyzer = FacesAnalyzer()
    astronaut = skdata.astronaut()
    big = cv2.resize(astronaut, (1024, 1024), interpolation=cv2.INTER_CUBIC)
    for label, pixels in (("512×512", astronaut), ("1024×1024", big)):
        image = DecodedImage(pixels, (pixels.shape[1], pixels.shape[0]), "PNG")
        print(f"single photo, astronaut {label}: median {median_ms(analyzer, image):.0f} ms")
    print(f"one more set of mediapipe graphs: {graph_set_mb(image):.0f} MB resident")

    photos = sample_photos()
    sizes = sorted({p.pixels.shape[:2] for p in photos})
    print(
        f"{len(photos)} photos ({len(sizes)} sizes, {sizes[0]}..{sizes[-1]}), "
        f"best of {REPEATS} runs:"
    )
    for label, sets, workers in (
        ("1 thread", 1, 1),
        ("2 threads, 1 graph set (shared, lock)", 1, 2),
        ("2 threads, 2 graph sets", 2, 2),
    ):
        seconds = best_wall_time(FacesAnalyzer(graph_sets=sets), photos, workers)
        print(f"  {label:<40} {seconds:5.2f} s  {len(photos) / seconds:5.1f} photos/s")
    print(
        f"peak RSS of this process: {peak_rss_mb():.0f} MB; "
        f"load average at end: {os.getloadavg()[0]:.1f}"
    )


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


EMOTION_FOLDERS = {
    "ucf selfies": "ucf_selfies/selfie",
    "selfies (face crops)": "selfies_more/selfie",
    "sad mood (people)": "sad_mood/sad",
}


def describe_emotions() -> None:
    """No emotion-labelled photos exist here: as a plausibility check only, the share of main
    faces per dominant emotion on selfies (people mostly smile or pose neutrally) versus
    photos picked for a sad mood."""
    analyzer = FacesAnalyzer()
    print("main face's dominant emotion (share of photos with a face); mean 'happy' probability")
    print(f"{'folder':<22} {'faces':>5} " + " ".join(f"{e:>8}" for e in EMOTION_IDS) + "  happy")
    for label, folder in EMOTION_FOLDERS.items():
        if not (DATA / "images" / folder).is_dir():
            print(f"{label:<22} missing: {DATA / 'images' / folder}")
            continue
        mains = [analyzer.analyze(PhotoContext(p)).main_face for p in load_folder(folder, 300)]
        faces = [f for f in mains if f is not None and f.emotions]
        dominant = Counter(f.dominant_emotion for f in faces)
        shares = " ".join(f"{dominant[e] / max(1, len(faces)):8.1%}" for e in EMOTION_IDS)
        happy = np.mean([f.emotions["happy"] for f in faces]) if faces else float("nan")
        print(f"{label:<22} {len(faces):>5} {shares}  {happy:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare-models", action="store_true")
    parser.add_argument("--emotions", action="store_true")
    args = parser.parse_args()
    if args.compare_models:
        compare_models()
    elif args.emotions:
        describe_emotions()
    else:
        bench_speed()


if __name__ == "__main__":
    main()
