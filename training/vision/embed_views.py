"""Cache the backbone's activations before its last block, for several views of every photo.

    uv run python -m training.vision.embed_views [--views centre,pad,aug1,aug2]

For each view, writes var/vision/views_<view>.npy: float16 (N, 7, 7, 160), the output of
`features.15` (the input of the last two inverted-residual blocks), in the order of
`dataset.list_items()`; `tail.py` runs the rest of the network on it (so the frozen embedding,
the ImageNet logits and a fine-tuned last block all come from the same cache). Views:

- `centre`: torchvision's resize 256 + centre crop 224 (what the bot served until issue 19);
- `pad`: the whole photo, longer side 224, padded to a square with the ImageNet mean colour
  (zero after normalisation), so nothing at the sides of a non-square photo is cut;
- `aug1`, `aug2`: training-only augmented views of the padded photo (seeded per photo and
  view): a random crop of 55-100% of the area, a horizontal flip half the time, and
  brightness / contrast / saturation jitter of +-20%.

Each view is its own file and is skipped when it already exists for the same list of photos.
"""

from __future__ import annotations

import argparse
import time
import zlib
from pathlib import Path

import numpy as np
import tensorflow as tf
from PIL import Image, ImageEnhance

from analyzers.vision import crop_for_backbone, pad_for_backbone
from training.vision.backbone import build_backbone
from training.vision.dataset import list_items
from training.vision.paths import VAR_DIR

CUT = "features.15.add"
VIEWS = ("centre", "pad", "aug1", "aug2")
BATCH = 32


def load_rgb(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def view_path(view: str) -> str:
    return str(VAR_DIR / f"views_{view}.npy")


def augment(pixels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random crop (55-100% of the area, aspect 3:4..4:3), flip and colour jitter."""
    h, w = pixels.shape[:2]
    area = rng.uniform(0.55, 1.0) * h * w
    aspect = np.exp(rng.uniform(np.log(3 / 4), np.log(4 / 3)))
    ch = int(min(h, round(np.sqrt(area / aspect))))
    cw = int(min(w, round(np.sqrt(area * aspect))))
    top = int(rng.integers(0, h - ch + 1))
    left = int(rng.integers(0, w - cw + 1))
    image = Image.fromarray(pixels[top : top + ch, left : left + cw])
    if rng.random() < 0.5:
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    for enhance in (ImageEnhance.Brightness, ImageEnhance.Contrast, ImageEnhance.Color):
        image = enhance(image).enhance(float(rng.uniform(0.8, 1.2)))
    return np.asarray(image)


def make_view(view: str, pixels: np.ndarray, index: int) -> np.ndarray:
    if view == "centre":
        return crop_for_backbone(pixels)
    if view == "pad":
        return pad_for_backbone(pixels)
    rng = np.random.default_rng(zlib.crc32(f"{view}/{index}".encode()))
    return pad_for_backbone(augment(pixels, rng))


class Trunk:
    """The backbone up to `CUT` as a float32 TFLite graph (XNNPACK, 2 threads)."""

    def __init__(self) -> None:
        model = build_backbone()
        import keras

        trunk = keras.Model(model.input, model.get_layer(CUT).output)

        @tf.function(input_signature=[tf.TensorSpec([BATCH, 224, 224, 3], tf.float32)])
        def serve(pixels: tf.Tensor) -> tf.Tensor:
            return trunk(pixels, training=False)

        converter = tf.lite.TFLiteConverter.from_concrete_functions([serve.get_concrete_function()])
        self.interpreter = tf.lite.Interpreter(model_content=converter.convert(), num_threads=2)
        self.interpreter.allocate_tensors()

    def __call__(self, crops: np.ndarray) -> np.ndarray:
        padded = np.zeros((BATCH, 224, 224, 3), np.float32)
        padded[: len(crops)] = crops
        self.interpreter.set_tensor(self.interpreter.get_input_details()[0]["index"], padded)
        self.interpreter.invoke()
        out = self.interpreter.get_tensor(self.interpreter.get_output_details()[0]["index"])
        return out[: len(crops)].astype(np.float16)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--views", default=",".join(VIEWS))
    args = parser.parse_args()
    items = list_items()
    paths = np.array([str(i.path) for i in items])
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    np.save(VAR_DIR / "views_paths.npy", paths)
    trunk = Trunk()
    for view in args.views.split(","):
        out = np.lib.format.open_memmap(
            view_path(view) + ".part", "w+", np.float16, (len(items), 7, 7, 160)
        )
        start = time.perf_counter()
        for first in range(0, len(items), BATCH):
            chunk = items[first : first + BATCH]
            crops = np.stack(
                [make_view(view, load_rgb(i.path), first + k) for k, i in enumerate(chunk)]
            )
            out[first : first + len(chunk)] = trunk(crops)
            done = first + len(chunk)
            if done % (BATCH * 40) < BATCH or done == len(items):
                rate = done / (time.perf_counter() - start)
                print(f"{view}: {done}/{len(items)} images, {rate:.1f}/s", flush=True)
        out.flush()
        del out
        (VAR_DIR / f"views_{view}.npy.part").rename(view_path(view))


if __name__ == "__main__":
    main()
