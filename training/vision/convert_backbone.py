"""Convert torchvision's MobileNetV2 to Keras and write the reference numbers of the tests.

    uv run python -m training.vision.convert_backbone

Writes `var/vision/reference_crops.npy` and `var/vision/keras_logits.npy` (for the independent
torch check, `training/vision/verify_torch.py`, run in a throwaway venv with torch) and
`tests/analyzers/reference/backbone.json`: for each fixed sample image, the first 10 logits
(and log-probabilities, which the TFLite model's probability output can be compared with) and
the top-5 ImageNet ids of the converted Keras model, which match torch to 1.5e-5.
"""

from __future__ import annotations

import json

import numpy as np

from analyzers.imagenet import imagenet_names
from analyzers.vision import crop_for_backbone
from training.vision.backbone import build_backbone, embed
from training.vision.paths import REFERENCE_DIR, VAR_DIR
from training.vision.samples import sample_images


def main() -> None:
    model = build_backbone()
    images = sample_images()
    crops = np.stack([crop_for_backbone(px) for px in images.values()])
    _, logits = embed(model, crops)
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    np.save(VAR_DIR / "reference_crops.npy", crops)
    np.save(VAR_DIR / "keras_logits.npy", logits)
    names = imagenet_names()
    reference = {}
    for name, row in zip(images, logits, strict=True):
        top5 = [int(i) for i in np.argsort(row)[::-1][:5]]
        log_probs = row - row.max() - np.log(np.exp(row - row.max()).sum())
        reference[name] = {
            "logits_0_10": [round(float(v), 5) for v in row[:10]],
            "log_probs_0_10": [round(float(v), 5) for v in log_probs[:10]],
            "top5": top5,
        }
        print(f"{name:10s} {' | '.join(names[i] for i in top5)}")
    REFERENCE_DIR.mkdir(parents=True, exist_ok=True)
    out = REFERENCE_DIR / "backbone.json"
    out.write_text(json.dumps(reference, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
