"""Independent check of the Keras conversion against torch itself (not run by the app or CI).

torchvision's MobileNetV2, written out in plain torch (torchvision does not import beside the
local torch build), loads the original state dict with `torch.load` and runs the same crops
that `convert_backbone.py` saved. Run it in a throwaway venv:

    python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch==2.13.0 numpy
    uv run python -m training.vision.convert_backbone
    /tmp/torchvenv/bin/python training/vision/verify_torch.py <path of mobilenet_v2-b0353104.pth>

It prints, per image, the largest absolute logit difference and whether the top-1 ids agree,
and exits non-zero if any difference exceeds 1e-3 or any top-1 differs.
"""

import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

VAR = Path(__file__).resolve().parents[2] / "var" / "vision"
SETTINGS = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1]]
SETTINGS += [[6, 160, 3, 2], [6, 320, 1, 1]]


class ConvBNReLU(nn.Sequential):
    def __init__(self, inp, out, kernel=3, stride=1, groups=1):
        padding = (kernel - 1) // 2
        super().__init__(
            nn.Conv2d(inp, out, kernel, stride, padding, groups=groups, bias=False),
            nn.BatchNorm2d(out),
            nn.ReLU6(inplace=True),
        )


class InvertedResidual(nn.Module):
    def __init__(self, inp, out, stride, expand):
        super().__init__()
        hidden = inp * expand
        self.use_res = stride == 1 and inp == out
        layers = [] if expand == 1 else [ConvBNReLU(inp, hidden, kernel=1)]
        layers += [
            ConvBNReLU(hidden, hidden, stride=stride, groups=hidden),
            nn.Conv2d(hidden, out, 1, 1, 0, bias=False),
            nn.BatchNorm2d(out),
        ]
        self.conv = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.conv(x) if self.use_res else self.conv(x)


class MobileNetV2(nn.Module):
    def __init__(self):
        super().__init__()
        features, inp = [ConvBNReLU(3, 32, stride=2)], 32
        for t, c, n, s in SETTINGS:
            for i in range(n):
                features.append(InvertedResidual(inp, c, s if i == 0 else 1, t))
                inp = c
        features.append(ConvBNReLU(inp, 1280, kernel=1))
        self.features = nn.Sequential(*features)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(1280, 1000))

    def forward(self, x):
        x = self.features(x)
        x = nn.functional.adaptive_avg_pool2d(x, 1).reshape(x.shape[0], -1)
        return self.classifier(x)


def main() -> int:
    model = MobileNetV2()
    model.load_state_dict(torch.load(sys.argv[1], map_location="cpu", weights_only=True))
    model.eval()
    crops = np.load(VAR / "reference_crops.npy")
    keras_logits = np.load(VAR / "keras_logits.npy")
    mean = np.array([0.485, 0.456, 0.406], np.float32)
    std = np.array([0.229, 0.224, 0.225], np.float32)
    x = ((crops / 255.0 - mean) / std).astype(np.float32).transpose(0, 3, 1, 2)
    with torch.no_grad():
        torch_logits = model(torch.from_numpy(x)).numpy()
    np.save(VAR / "torch_logits.npy", torch_logits)
    ok = True
    for i, (t, k) in enumerate(zip(torch_logits, keras_logits, strict=True)):
        diff = float(np.abs(t - k).max())
        same = int(t.argmax()) == int(k.argmax())
        ok &= diff <= 1e-3 and same
        print(
            f"image {i}: max |logit diff| {diff:.2e}, top-1 torch {t.argmax()} keras {k.argmax()}"
        )
    print("OK" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
