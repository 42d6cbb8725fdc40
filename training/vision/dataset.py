"""Every labelled photo under $DIGBOT_DATA/images/ with its label and source, per the READMEs.

Labels are our style ids, plus two that the head treats specially:
- "sad_mood": `sad_mood/` photos; the source does not tell `depressed` from `lonely`, so the
  head learns one mood class and the export splits its probability between the two styles.
- "other": MiniPlaces negatives and food-adjacent places (restaurants, bakeries...: the README
  says our food style is about the dish, not the place); not used to train the style head,
  only to report what the model says on photos of no style.

A source is the data set a photo comes from; where one folder mixes repositories
(drawings, babies_animals) the source names the repository, so the by-source split can hold
one of them out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from training.vision.paths import IMAGES

MOOD = "sad_mood"
OTHER = "other"

_MINIPLACES: dict[str, Sequence[str]] = {
    "adventure": [
        "badlands",
        "canyon",
        "coast",
        "desert_sand",
        "hot_spring",
        "iceberg",
        "mountain",
        "rainforest",
        "river",
        "rock_arch",
        "valley",
        "volcano",
    ],
    "architecture": [
        "abbey",
        "aqueduct",
        "church_outdoor",
        "palace",
        "skyscraper",
        "temple_east_asia",
        "monastery_outdoor",
        "lighthouse",
        "courtyard",
        "bridge",
    ],
    "party": ("bar", "ballroom", "banquet_hall", "stage_indoor"),
    "studying": ("classroom", "office", "bookstore"),
    "sports": [
        "baseball_field",
        "boxing_ring",
        "golf_course",
        "ice_skating_rink_outdoor",
        "martial_arts_gym",
        "racecourse",
        "ski_slope",
        "stadium_football",
        "swimming_pool_outdoor",
        "track_outdoor",
        "bowling_alley",
    ],
    OTHER: [
        "coffee_shop",
        "bakery_shop",
        "restaurant",
        "food_court",
        "bedroom",
        "living_room",
        "kitchen",
        "bathroom",
        "highway",
        "parking_lot",
        "gas_station",
        "supermarket",
        "airport_terminal",
        "corridor",
        "laundromat",
        "construction_site",
        "hospital_room",
        "subway_station_platform",
        "bus_interior",
        "driveway",
        "yard",
        "cemetery",
    ],
}

# folder -> {label folder -> (our label, source)}; "*" stands for every label folder.
_FOLDERS: dict[str, dict[str, tuple[str, str]]] = {
    "intel_scenes": {
        "buildings": ("architecture", "intel_scenes"),
        "street": ("architecture", "intel_scenes"),
        "forest": ("adventure", "intel_scenes"),
        "glacier": ("adventure", "intel_scenes"),
        "mountain": ("adventure", "intel_scenes"),
        "sea": ("adventure", "intel_scenes"),
    },
    "cats_dogs": {"*": ("cute_animals", "cats_dogs")},
    "babies_animals": {
        "baby": ("cute_animals", "utkface_babies"),
        "horse": ("cute_animals", "pacs_horses"),
        "panda": ("cute_animals", "pandas"),
    },
    "ucf_selfies": {"*": ("selfie", "ucf_selfies")},
    "selfies_more": {"*": ("selfie", "selfies_more")},
    "food101_sample": {"*": ("food", "food101_sample")},
    "food101_more": {"*": ("food", "food101_more")},
    "sports6": {"*": ("sports", "sports6")},
    "sky_sunrise": {"*": ("colorful_sky", "sky_sunrise")},
    "sky_sunsets": {"*": ("colorful_sky", "sky_sunsets")},
    "night_pexels": {"*": ("night_view", "night_pexels")},
    "other_instagram": {
        kind: (OTHER, f"other_{kind}")
        for kind in ("clothing", "grocery", "family_group", "receipt", "screenshot")
    },
    "day_dusk_night": {"*": ("night_view", "day_dusk_night")},
    "amos_night": {"*": ("night_view", "amos_night")},
    "night_more": {"*": ("night_view", "night_more")},
    "drawings": {
        "art_painting": ("illustration", "pacs_drawings"),
        "cartoon": ("illustration", "pacs_drawings"),
        "sketch": ("illustration", "pacs_drawings"),
        "anime_face": ("illustration", "anime_faces"),
        "meme": ("illustration", "memes"),
    },
    "sad_mood": {"*": (MOOD, "sad_mood")},
    "miniplaces": {
        folder: (label, "miniplaces")
        for label, folders in _MINIPLACES.items()
        for folder in folders
    },
}
_SUFFIXES = {".jpg", ".jpeg", ".png"}


@dataclass(frozen=True)
class Item:
    path: Path
    label: str
    source: str
    folder: str
    """The data set's own label folder, e.g. 'miniplaces/bar'."""


def list_items(images: Path = IMAGES) -> list[Item]:
    """Every labelled image, sorted by path; raises if a data folder is missing."""
    items = []
    for folder, labels in _FOLDERS.items():
        root = images / folder
        if not root.is_dir():
            raise FileNotFoundError(f"missing data folder {root}")
        for sub in sorted(p for p in root.iterdir() if p.is_dir()):
            label, source = labels.get(sub.name) or labels["*"]
            for path in sorted(sub.rglob("*")):
                if path.suffix.lower() in _SUFFIXES:
                    items.append(Item(path, label, source, f"{folder}/{sub.name}"))
    return items
