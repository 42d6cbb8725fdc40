"""Look before fitting: the crops each outfit reader feeds the backbone, and what it sees there.

    uv run --frozen --no-sync python -m training.portrait.look_crops /tmp/crops PHOTO...

For each photo (a path under $DIGBOT_DATA/images) runs the app's vision and faces analyzers,
then writes, as PNG, the photo with its subject faces boxed and every reader's crops exactly as
the backbone receives them (after `prepare_for_backbone`), and prints per crop its size, the
ImageNet top-5 as `index:name=probability` (by index: two classes share the name
"sunglasses") and the outfit scores above 0.02. GUIDELINE.md, round four, is what this showed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from analyzers.content import (
    OUTFIT_CLASSES,
    OUTFIT_READERS,
    outfit_scores,
    person_crops,
    subject_faces,
)
from analyzers.imagenet import imagenet_names
from analyzers.images import decode_image
from analyzers.pipeline import Pipeline, load_analyzers
from analyzers.types import FacesResult
from analyzers.vision import VisionModel, prepare_for_backbone
from training.portrait.sample import IMAGES

SHOWN_SCORE = 0.02


def describe_crop(model: VisionModel, view: np.ndarray) -> str:
    """'index:name=p ...' for the top 5, then the outfit tags scoring above SHOWN_SCORE."""
    probs = model.run(view[None])[1]
    names = imagenet_names()
    top = " ".join(f"{i}:{names[i]}={probs[0, i]:.2f}" for i in np.argsort(probs[0])[::-1][:5])
    scores = dict(zip(OUTFIT_CLASSES, outfit_scores(probs), strict=True))
    shown = {tag: round(float(s), 2) for tag, s in scores.items() if s > SHOWN_SCORE}
    return f"{top} | {shown}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("photos", nargs="+")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    pipeline = Pipeline(
        load_analyzers(("analyzers.vision:VisionAnalyzer", "analyzers.faces:FacesAnalyzer"), ())
    )
    model = VisionModel()
    for number, name in enumerate(args.photos):
        image = decode_image((IMAGES / name).read_bytes())
        faces = pipeline.analyze_image(image).results.get("faces")
        faces = faces if isinstance(faces, FacesResult) else None
        print(f"\n{number} {name} {image.width}x{image.height}")
        print(f"  whole: {describe_crop(model, prepare_for_backbone(image.pixels))}")
        boxed = Image.fromarray(image.pixels)
        draw = ImageDraw.Draw(boxed)
        for face in subject_faces(faces) if faces is not None else []:
            x, y, w, h = face.box
            draw.rectangle((x, y, x + w, y + h), outline="red")
        boxed.save(args.out / f"{number}_faces.png")
        for reader_name, reader in OUTFIT_READERS.items():
            for i, crop in enumerate(person_crops(image, faces, *reader)):
                view = prepare_for_backbone(np.ascontiguousarray(crop))
                Image.fromarray(view.astype(np.uint8)).save(
                    args.out / f"{number}_{reader_name}{i}.png"
                )
                size = f"{crop.shape[1]}x{crop.shape[0]}"
                print(f"  {reader_name}{i} {size}: {describe_crop(model, view)}")


if __name__ == "__main__":
    main()
