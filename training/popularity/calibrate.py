"""Measure the numbers the popularity heuristics and the album's duplicate test rest on.

    uv run python -m training.popularity.calibrate [--per-set 10]

1. Quality signals (analyzers.quality) on sharp photos and the same photos blurred: where the
   sharpness, contrast and colourfulness rules of popularity_prior put their thresholds.
2. Near-duplicates: each photo against two "burst" variants of itself (a 92 % crop shifted,
   8 % brighter, JPEG 70; a 3° turn with a 95 % crop) versus different photos of the same set
   (the hard case: two selfies, two plates of food). Cosine similarity of the backbone
   embeddings (training.vision.backbone, the converted MobileNetV2) and the Hamming distance
   of album.difference_hash; album.py's thresholds sit between the two distributions.
"""

from __future__ import annotations

import argparse
import io
import itertools

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter

from analyzers import quality
from analyzers.popularity.album_ranking import difference_hash
from analyzers.vision import crop_for_backbone
from training.popularity.sources import data_root

SETS = ("ucf_selfies/selfie", "food101_more/*", "intel_scenes/street", "sports6/*", "sky_sunrise")


def _images(per_set: int) -> dict[str, list[Image.Image]]:
    out = {}
    for pattern in SETS:
        found = (data_root() / "images").glob(f"{pattern}/*")
        files = sorted(f for f in found if f.suffix.lower() in (".jpg", ".jpeg", ".png"))
        step = max(1, len(files) // per_set)
        out[pattern] = [Image.open(f).convert("RGB") for f in files[::step][:per_set]]
    return out


def _pct(values: list[float]) -> str:
    return " ".join(f"{v:.3f}" for v in np.percentile(values, [5, 10, 50, 90, 95]))


def quality_table(images: list[Image.Image]) -> None:
    print("quality signals, percentiles 5/10/50/90/95 over", len(images), "photos")
    for radius in (0, 1, 2, 4):
        sharp, contrast, colour = [], [], []
        for image in images:
            im = image.copy()
            im.thumbnail((1080, 1080))
            if radius:
                im = im.filter(ImageFilter.GaussianBlur(radius * max(im.size) / 512))
            px = np.asarray(im)
            sharp.append(quality.sharpness_score(quality.laplacian_variance(px)))
            contrast.append(quality.rms_contrast(quality.luminance(px)))
            colour.append(quality.colorfulness(px))
        print(f" blur {radius} px@512: sharpness {_pct(sharp)}")
        if radius == 0:
            print(f"   contrast {_pct(contrast)}\n   colourfulness {_pct(colour)}")


def _variants(image: Image.Image) -> list[Image.Image]:
    w, h = image.size
    shifted = image.crop((int(0.06 * w), int(0.02 * h), int(0.98 * w), int(0.94 * h)))
    shifted = ImageEnhance.Brightness(shifted).enhance(1.08)
    buffer = io.BytesIO()
    shifted.save(buffer, "JPEG", quality=70)
    turned = image.rotate(3, resample=Image.Resampling.BILINEAR)
    turned = turned.crop((int(0.025 * w), int(0.025 * h), int(0.975 * w), int(0.975 * h)))
    return [Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"), turned]


def duplicate_table(images: dict[str, list[Image.Image]]) -> None:
    from training.vision.backbone import FastBackbone, build_backbone

    backbone = FastBackbone(build_backbone())
    groups = {name: [[im, *_variants(im)] for im in ims] for name, ims in images.items()}
    flat = [im for photos in groups.values() for trio in photos for im in trio]
    embs = backbone(np.stack([crop_for_backbone(np.asarray(im)) for im in flat]))[0]
    embs = embs / np.linalg.norm(embs, axis=1, keepdims=True)
    hashes = [difference_hash(np.asarray(im)) for im in flat]
    index = 0
    same: list[tuple[int, int]] = []
    different: list[tuple[int, int]] = []
    for photos in groups.values():
        starts = []
        for trio in photos:
            starts.append(index)
            same.extend(itertools.combinations(range(index, index + len(trio)), 2))
            index += len(trio)
        different.extend(itertools.combinations(starts, 2))

    def cos(pairs: list[tuple[int, int]]) -> list[float]:
        return [float(embs[i] @ embs[j]) for i, j in pairs]

    def ham(pairs: list[tuple[int, int]]) -> list[float]:
        return [float((hashes[i] != hashes[j]).sum()) for i, j in pairs]

    print(f"near-duplicate pairs {len(same)}, different same-set pairs {len(different)}")
    print(f" cosine  near-dup {_pct(cos(same))}\n         different {_pct(cos(different))}")
    print(f" dHash   near-dup {_pct(ham(same))}\n         different {_pct(ham(different))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-set", type=int, default=10)
    args = parser.parse_args()
    images = _images(args.per_set)
    quality_table([im for ims in images.values() for im in ims])
    duplicate_table(images)


if __name__ == "__main__":
    main()
