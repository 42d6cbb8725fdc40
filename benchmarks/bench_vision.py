"""Images per second of the whole image path, one by one and batched, and peak memory.

    uv run python benchmarks/bench_vision.py [--photos 32]

The photos are scikit-image / scikit-learn samples encoded as JPEG in memory (sizes 300x451 to
640x427). "decode" is analyzers.images.decode_image; "vision" the TFLite backbone with its
heads; "faces" the faces analyzer (mediapipe + fer + pose), left out when it cannot load;
"style" the style analyzer. Single: each photo through every step, one after another. Batched:
decode all, one `analyze_batch` call per batch for the backbone, then faces and style per
photo. Interpreters use one thread each (as in the service's worker pool). Peak memory is the
process's maximum resident set size. The machine is shared: expect noise of 10-20%.
"""

from __future__ import annotations

import argparse
import io
import resource
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from PIL import Image
from skimage import data as skdata
from sklearn.datasets import load_sample_images

from analyzers.images import decode_image
from analyzers.style import StyleAnalyzer
from analyzers.types import AnalyzerUnavailable, PhotoContext
from analyzers.vision import VisionAnalyzer


def sample_jpegs(count: int) -> list[bytes]:
    pictures = [skdata.astronaut(), skdata.coffee(), skdata.chelsea(), skdata.rocket()]
    pictures += list(load_sample_images().images)
    out = []
    for pixels in pictures:
        buffer = io.BytesIO()
        Image.fromarray(np.asarray(pixels)[..., :3]).save(buffer, "JPEG", quality=90)
        out.append(buffer.getvalue())
    return [out[i % len(out)] for i in range(count)]


def load_faces() -> Any | None:
    try:
        from analyzers.faces import FacesAnalyzer

        return FacesAnalyzer()
    except (ImportError, AnalyzerUnavailable) as exc:
        print(f"faces analyzer left out: {exc}")
        return None


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=32)
    args = parser.parse_args()
    jpegs = sample_jpegs(args.photos)
    vision, style, faces = VisionAnalyzer(), StyleAnalyzer(), load_faces()

    def after_vision(photo: PhotoContext) -> None:
        if faces is not None:
            photo.results["faces"] = faces.analyze(photo)
        photo.results["style"] = style.analyze(photo)

    def single() -> None:
        for data in jpegs:
            photo = PhotoContext(image=decode_image(data))
            photo.results["vision"] = vision.analyze(photo)
            after_vision(photo)

    def batched(size: int) -> Callable[[], None]:
        def run() -> None:
            photos = [PhotoContext(image=decode_image(d)) for d in jpegs]
            for start in range(0, len(photos), size):
                chunk = photos[start : start + size]
                outputs = vision.analyze_batch([p.image for p in chunk])
                for photo, out in zip(chunk, outputs, strict=True):
                    photo.results["vision"] = out
                    after_vision(photo)

        return run

    images = [decode_image(d) for d in jpegs]
    vision.analyze_batch(images[:1])  # warm-up: the first call allocates the interpreter
    rows = [
        ("decode only", timed(lambda: [decode_image(d) for d in jpegs])),
        ("vision only, one by one", timed(lambda: [vision.analyze_batch([i]) for i in images])),
        ("vision only, batches of 8", timed(lambda: batched_vision(vision, images, 8))),
        ("vision only, batches of 32", timed(lambda: batched_vision(vision, images, 32))),
        ("whole path, one by one", timed(single)),
        ("whole path, batches of 8", timed(batched(8))),
    ]
    with_faces = "with faces" if faces is not None else "without faces"
    print(f"{args.photos} photos, whole path = decode + vision + {with_faces} + style")
    print(f"{'':32s} {'images/s':>9s} {'ms/image':>9s}")
    for name, seconds in rows:
        print(f"{name:32s} {args.photos / seconds:9.1f} {1000 * seconds / args.photos:9.1f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MiB")


def batched_vision(vision: VisionAnalyzer, images: list[Any], size: int) -> None:
    for start in range(0, len(images), size):
        vision.analyze_batch(images[start : start + size])


if __name__ == "__main__":
    main()
