"""Draw the hand-labelling sample and write numbered contact sheets for the labeller.

    uv run --frozen --no-sync python -m training.portrait.sample /tmp/portrait_sheets

Prints one photo path per line (relative to $DIGBOT_DATA/images), in sheet order; the labeller
copies them into labels.csv with the tags of GUIDELINE.md. The sheets stay outside the repository.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

from PIL import Image, ImageDraw

DATA = Path(os.environ.get("DIGBOT_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))
IMAGES = DATA / "images"
SEED = 20
PER_FOLDER: dict[str, int] = {
    "selfies_more/selfie": 10,
    "sad_mood/sad": 6,
    "other_instagram/clothing": 12,
    "other_instagram/family_group": 10,
    "sports6/basketball": 2,
    "sports6/football": 2,
    "sports6/rowing": 2,
    "sports6/swimming": 2,
    "sports6/tennis": 2,
    "sports6/yoga": 2,
    "intel_scenes/mountain": 3,
    "intel_scenes/street": 3,
    "food101_more/bibimbap": 2,
    "food101_more/breakfast_burrito": 2,
    "night_pexels/night": 4,
}
"""Folders (under $DIGBOT_DATA/images) and how many photos to draw from each: 72 in all."""
PHOTO_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")
CELL = 300
COLUMNS = 4
PER_SHEET = 12


def sample_files() -> list[str]:
    rng = random.Random(SEED)
    chosen: list[str] = []
    for folder, count in PER_FOLDER.items():
        files = sorted(
            p for p in (IMAGES / folder).rglob("*") if p.suffix.lower() in PHOTO_EXTENSIONS
        )
        chosen += [str(p.relative_to(IMAGES)) for p in rng.sample(files, count)]
    return chosen


def write_sheets(files: list[str], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for start in range(0, len(files), PER_SHEET):
        batch = files[start : start + PER_SHEET]
        rows = (len(batch) + COLUMNS - 1) // COLUMNS
        sheet = Image.new("RGB", (COLUMNS * CELL, rows * CELL), "white")
        draw = ImageDraw.Draw(sheet)
        for i, name in enumerate(batch):
            with Image.open(IMAGES / name) as opened:
                photo = opened.convert("RGB")
            photo.thumbnail((CELL - 4, CELL - 20))
            x, y = (i % COLUMNS) * CELL, (i // COLUMNS) * CELL
            sheet.paste(photo, (x + 2, y + 18))
            draw.text((x + 4, y + 2), str(start + i), fill="red")
        sheet.save(out / f"sheet_{start // PER_SHEET}.png")


def main() -> None:
    files = sample_files()
    write_sheets(files, Path(sys.argv[1]))
    print("\n".join(files))


if __name__ == "__main__":
    main()
