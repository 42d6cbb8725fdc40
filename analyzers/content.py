"""What is in one photo, in plain words: setting, light, people, activity, objects, outfit.

No model of its own: rules over what the vision backbone (ImageNet top classes, style), the
faces analyzer (faces, emotions, pose) and the pixels already say. Tags whose hand-labelled
precision stayed under 0.7 are never produced (analyzers/models/PORTRAIT.md,
training/portrait/evaluate.py): DROPPED_TAGS lists them, so the measurement and the code agree.

People are counted and what they wear and do is read; who they are never is (no gender, age,
ethnicity, health, body).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import ClassVar, Final, NamedTuple

import numpy as np

from analyzers.imagenet import imagenet_names, looks_like
from analyzers.types import (
    OTHER_STYLE,
    DecodedImage,
    Face,
    FacesResult,
    PhotoContent,
    PhotoContext,
    StyleResult,
    VisionOutput,
)
from analyzers.vision import VisionModel, prepare_for_backbone

OUTFIT_CLASSES: Final[dict[str, tuple[str, ...]]] = {
    "suit": ("suit",),
    "tie": ("Windsor tie", "bow tie", "bolo tie"),
    "jersey": ("tights for gymnastics, a one-piece leotard, or a sport jersey", "T-shirt"),
    "sweatshirt": ("sweatshirt",),
    "jeans": ("jeans",),
    "cardigan": ("cardigan",),
    "coat": ("trench coat", "fur coat", "poncho"),
    "swimwear": ("bikini", "one-piece bathing suit", "swim trunks / shorts", "swimming cap"),
    "sunglasses": ("sunglasses",),
    "hat": ("cowboy hat", "sombrero", "poke bonnet"),
    "shoes": ("sneaker", "sandal", "cowboy boot", "slip-on shoe", "clogs"),
    "bag": ("backpack", "purse", "messenger bag"),
    "dress": ("gown", "miniskirt", "overskirt", "hoop skirt", "kimono", "abaya", "sarong"),
    "uniform": ("military uniform", "lab coat", "academic gown"),
    "formal": ("suit", "Windsor tie", "bow tie"),
}
"""Outfit tag -> the ImageNet apparel and accessory classes that say it. `formal` (a suit or a
tie) joins `suit` and `tie`'s classes: ImageNet's "Windsor tie" photos are men in suits and
ties, so on a man in a suit and tie the two classes split one picture (GUIDELINE.md, round
four)."""
OUTFIT_SHIPPED: Final[dict[str, tuple[str, float]]] = {"jersey": ("torsos", 0.05)}
"""The outfit tags that reached 0.7 cross-validated precision on the hand-labelled photos
(training/portrait/calibrate.py, PORTRAIT.md): tag -> (reader of OUTFIT_READERS, threshold on
the ImageNet probability summed over the tag's classes). Every other outfit tag is dropped."""

OUTDOOR_CLASSES: Final = frozenset(
    {
        "mountain", "cliff", "coral reef", "geyser", "lakeshore", "promontory", "sandbar",
        "beach", "valley", "volcano", "park bench", "traffic or street sign",
        "traffic light", "suspension bridge", "through arch bridge", "viaduct", "pier",
        "fountain", "castle", "church", "mosque", "palace", "monastery", "stupa", "dome",
        "bell tower", "lighthouse", "obelisk", "triumphal arch", "tile roof", "water tower",
        "megalith", "breakwater", "dam", "paddle", "lifeboat", "boathouse", "tent",
        "mountain bike", "ski", "snowmobile", "dog sled", "parachute", "scuba diver",
        "snorkel", "sports car", "tram", "trolleybus", "minibus", "school bus", "flagpole",
        "totem pole", "maypole", "golf cart", "picket fence", "split-rail fence", "stone wall",
        "scoreboard", "baseball player", "swimming cap", "moving van", "taxicab",
    }
)  # fmt: skip
INDOOR_CLASSES: Final = frozenset(
    {
        "dining table", "couch", "four-poster bed", "infant bed", "wardrobe", "window shade",
        "window screen", "shower curtain", "home theater", "library", "restaurant",
        "barbershop", "bookstore", "butcher shop", "candy store", "grocery store", "shoe store",
        "tobacco shop", "toy store", "bakery", "pool table", "table lamp", "desk",
        "desktop computer", "laptop computer", "notebook computer", "monitor", "bookcase",
        "filing cabinet", "quilt", "pillow", "refrigerator", "microwave oven", "dishwasher",
        "stove", "toaster", "plate", "tray", "menu", "wok", "frying pan", "Dutch oven",
        "espresso", "tea cup", "coffee mug", "soup bowl", "mixing bowl", "stage",
        "punching bag", "dumbbell", "barbell", "balance beam", "parallel bars",
        "gymnastic horizontal bar", "wall clock", "sliding door", "cradle", "rocking chair",
        "folding chair", "throne", "chiffonier", "entertainment center (furniture)",
    }
)  # fmt: skip
SETTING_MIN_MASS: Final = 0.15
"""A setting is said when its classes hold at least this much of the top-5 probability (and
more than the other setting's classes)."""
OUTDOOR_STYLES: Final = frozenset({"adventure", "colorful_sky", "night_view", "architecture"})
INDOOR_STYLES: Final = frozenset({"studying"})

NIGHT_LUMINANCE: Final = 0.22
"""An outdoor photo whose mean luminance (0..1) is below this is a night photo, above it day."""

SPORT_CLASSES: Final = frozenset(
    {
        "baseball player", "baseball", "basketball", "rugby ball", "soccer ball", "tennis ball",
        "racket", "golf ball", "ping-pong ball", "volleyball ball", "ski", "barbell",
        "dumbbell", "football helmet", "gymnastic horizontal bar", "parallel bars",
        "balance beam", "punching bag", "swimming cap", "hockey puck", "scoreboard", "paddle",
        "bobsleigh", "knee pad", "tights for gymnastics, a one-piece leotard, or a sport jersey",
    }
)  # fmt: skip
TRAVEL_CLASSES: Final = frozenset(
    {
        "castle", "church", "mosque", "palace", "monastery", "stupa", "dome", "bell tower",
        "lighthouse", "obelisk", "triumphal arch", "suspension bridge", "through arch bridge",
        "viaduct", "megalith", "cliff dwelling", "airliner", "airship", "railroad car",
        "backpack", "tent", "sleeping bag", "movie theater",
    }
)  # fmt: skip
CLASS_MIN_PROBABILITY: Final = 0.1
"""An activity class counts when its probability in the top 5 is at least this."""

MAX_PEOPLE: Final = 4
"""At most this many subjects' clothes are read (one backbone pass each)."""
MIN_CROP: Final = 32
"""A person crop narrower or shorter than this many pixels is not read."""
SMILE_MIN_PROBABILITY: Final = 0.5
COUNTED_FACE_SHARE: Final = 0.35
"""A face counts as a subject when its height is at least this share of the largest face's:
the far-away faces in a crowd behind someone do not make a selfie a group photo."""

DROPPED_TAGS: Final = frozenset(
    {
        "activity:sitting", "activity:travelling", "people:couple", "setting:indoor",
        *(f"outfit:{tag}" for tag in OUTFIT_CLASSES if tag not in OUTFIT_SHIPPED),
    }
)  # fmt: skip
"""Tags whose precision on the hand-labelled sample was under 0.7 (or with too few predictions
to show 0.7): never produced. Filled from `python -m training.portrait.evaluate`."""


def _mass(top: Iterable[tuple[str, float]], classes: Iterable[str]) -> float:
    wanted = set(classes)
    return sum(p for name, p in top if name in wanted)


def _style_of(style: StyleResult | None) -> str | None:
    """The photo's style as the style mix counts it (its top style; the style model's own
    threshold already made unsure photos `other`), so "4 taken at night" cannot sit beside a
    style mix of 5 night views."""
    return style.top if style is not None and style.top != OTHER_STYLE else None


def subject_faces(faces: FacesResult) -> list[Face]:
    """The faces that count as subjects (COUNTED_FACE_SHARE), largest first."""
    if not faces.faces:
        return []
    tallest = max(f.box[3] for f in faces.faces)
    subjects = [f for f in faces.faces if f.box[3] >= COUNTED_FACE_SHARE * tallest]
    return sorted(subjects, key=lambda f: -f.box[2] * f.box[3])


def count_people(faces: FacesResult | None) -> tuple[str, bool | None]:
    """('none'|'one'|'couple'|'group', smiling) from the subject faces and the pose."""
    if faces is None:
        return "none", None
    if not faces.faces:
        return ("one" if faces.pose is not None else "none"), None
    subjects = subject_faces(faces)
    people = {1: "one", 2: "couple"}.get(len(subjects), "group")
    if not any(f.emotions for f in subjects):
        return people, None
    smiling = any(f.emotions.get("happy", 0.0) >= SMILE_MIN_PROBABILITY for f in subjects)
    return people, smiling


def setting_of(top: list[tuple[str, float]], style: str | None) -> str | None:
    outdoor, indoor = _mass(top, OUTDOOR_CLASSES), _mass(top, INDOOR_CLASSES)
    if outdoor >= SETTING_MIN_MASS and outdoor > indoor:
        return "outdoor"
    if indoor >= SETTING_MIN_MASS and indoor > outdoor:
        return "indoor"
    if style in OUTDOOR_STYLES:
        return "outdoor"
    if style in INDOOR_STYLES:
        return "indoor"
    return None


def luminance(image: DecodedImage) -> float:
    """Mean luminance of the photo, 0 (black) .. 1 (white)."""
    rgb = image.pixels.astype(np.float32) / 255.0
    return float((rgb @ np.array([0.299, 0.587, 0.114], np.float32)).mean())


def light_of(image: DecodedImage, setting: str | None, style: str | None) -> str | None:
    if style == "night_view":
        return "night"
    if setting != "outdoor":
        return None
    return "night" if luminance(image) < NIGHT_LUMINANCE else "day"


PERSON_BOX: Final = (-1.2, -0.3, 2.2, 5.0)
"""Around a face: (left, top, right, bottom) in face widths/heights from the face box's corner:
from just above the face to five face heights below it, three face widths wide."""
TORSO_BOX: Final = (-1.0, 0.9, 2.0, 5.0)
"""Below a face, where clothes are: from the chin down, the face itself left out so it does not
outweigh the clothes."""
BUST_BOX: Final = (-1.75, -0.5, 2.75, 4.0)
"""Around a face, square for a square face box: from half a face above it to four face heights
below its top, 4.5 face widths wide: head to mid-body, as ImageNet's suit and tie photos are
framed, with the photo's own pixels at the sides rather than the backbone's grey padding."""


def person_crops(
    image: DecodedImage,
    faces: FacesResult | None,
    box: tuple[float, float, float, float] = TORSO_BOX,
    limit: int = 1,
    min_side: int = MIN_CROP,
) -> list[np.ndarray]:
    """The pixels in `box` around each of the `limit` largest subject faces (crops with a side
    under `min_side` left out); the whole photo when only a pose was found; [] when nobody is in
    the frame."""
    if faces is None or (not faces.faces and faces.pose is None):
        return []
    if not faces.faces:
        return [image.pixels]
    crops = []
    for face in subject_faces(faces)[:limit]:
        x, y, w, h = face.box
        left, right = max(0, int(x + box[0] * w)), min(image.width, int(x + box[2] * w))
        top, bottom = max(0, int(y + box[1] * h)), min(image.height, int(y + box[3] * h))
        if right - left >= min_side and bottom - top >= min_side:
            crops.append(image.pixels[top:bottom, left:right])
    return crops


class CropReader(NamedTuple):
    """Where an outfit reader looks: one backbone pass per crop, a tag's score is its highest
    over the crops (a suit worn by the second person counts)."""

    box: tuple[float, float, float, float]
    """Around each subject face, in face widths/heights (PERSON_BOX, TORSO_BOX, BUST_BOX)."""
    limit: int
    """How many subjects, largest first."""
    min_side: int = MIN_CROP
    """A crop with a shorter side is not read."""


LARGE_CROP: Final = 112
"""Half the backbone's input: a crop this large is enlarged at most 2x (GUIDELINE.md, round
four: the photos are small, and a 50 px crop blown up 4-5x is not what ImageNet showed)."""
OUTFIT_READERS: Final[dict[str, CropReader]] = {
    "persons": CropReader(PERSON_BOX, MAX_PEOPLE),
    "torsos": CropReader(TORSO_BOX, MAX_PEOPLE),
    "busts": CropReader(BUST_BOX, MAX_PEOPLE),
    "large_busts": CropReader(BUST_BOX, MAX_PEOPLE, LARGE_CROP),
}


def outfit_scores(imagenet: np.ndarray) -> np.ndarray:
    """(crops, 1,000) ImageNet probabilities -> one score per OUTFIT_CLASSES tag, in its order:
    the probability summed over the tag's classes, the highest over the crops."""
    return np.stack([imagenet[:, list(i)].sum(axis=1) for i in _outfit_indices().values()]).max(
        axis=1
    )


@cache
def _outfit_indices() -> dict[str, tuple[int, ...]]:
    names = imagenet_names()
    return {
        tag: tuple(i for i, name in enumerate(names) if name in classes)
        for tag, classes in OUTFIT_CLASSES.items()
    }


def activities_of(
    top: list[tuple[str, float]], style: str | None, faces: FacesResult | None
) -> tuple[str, ...]:
    found: list[str] = []
    if style == "sports" or _mass(top, SPORT_CLASSES) >= CLASS_MIN_PROBABILITY:
        found.append("sport")
    if style == "food":
        found.append("eating")
    if _mass(top, TRAVEL_CLASSES) >= CLASS_MIN_PROBABILITY:
        found.append("travelling")
    pose = faces.pose if faces is not None else None
    if pose is not None and pose.framing != "portrait" and pose.posture in ("standing", "sitting"):
        found.append(pose.posture)
    return tuple(found)


def describe(
    image: DecodedImage,
    vision: VisionOutput | None,
    style: StyleResult | None,
    faces: FacesResult | None,
    outfit: tuple[str, ...] = (),
    dropped: frozenset[str] = DROPPED_TAGS,
) -> PhotoContent:
    """The plain-words content of one photo from the other analyzers' results and the outfit
    tags its reader found, without the `dropped` tags (the evaluation passes none, to measure
    every tag)."""
    top = vision.imagenet_top if vision is not None else []
    style_id = _style_of(style)
    people, smiling = count_people(faces)
    setting = setting_of(top, style_id)
    light = light_of(image, setting, style_id)
    content = PhotoContent(
        setting=setting,
        light=light,
        people=people,
        smiling=smiling,
        activities=activities_of(top, style_id, faces),
        objects=tuple(looks_like(top)),
        outfit=outfit if people != "none" else (),
    )
    return without(content, dropped)


def without(content: PhotoContent, dropped: frozenset[str]) -> PhotoContent:
    """The content with every tag in `dropped` removed."""
    kept = [t for t in tags_of(content) if t not in dropped]
    return PhotoContent(
        setting=content.setting if f"setting:{content.setting}" in kept else None,
        light=content.light if f"light:{content.light}" in kept else None,
        people=content.people if f"people:{content.people}" in kept else None,
        smiling=content.smiling if "smiling" in kept or content.smiling is False else None,
        activities=tuple(a for a in content.activities if f"activity:{a}" in kept),
        objects=content.objects,
        outfit=tuple(o for o in content.outfit if f"outfit:{o}" in kept),
    )


def tags_of(content: PhotoContent) -> list[str]:
    """The tags of GUIDELINE.md (training/portrait) that the content says yes to."""
    tags = [f"people:{content.people}"] if content.people else []
    if content.setting:
        tags.append(f"setting:{content.setting}")
    if content.light:
        tags.append(f"light:{content.light}")
    if content.smiling:
        tags.append("smiling")
    tags += [f"activity:{a}" for a in content.activities]
    tags += [f"outfit:{o}" for o in content.outfit]
    return tags


class ContentAnalyzer:
    """Image analyzer: registered after vision, faces and style, whose results it reads.

    Outfits need more passes of the backbone, on crops around the people (on the whole photo,
    apparel classes drown in the scene, PORTRAIT.md): one per subject face, at most MAX_PEOPLE,
    only on photos with someone in them and only for the readers a shipped tag uses."""

    name: ClassVar[str] = "content"

    def __init__(
        self,
        shipped: dict[str, tuple[str, float]] = OUTFIT_SHIPPED,
        dropped: frozenset[str] = DROPPED_TAGS,
    ) -> None:
        self.shipped = shipped
        self.dropped = dropped
        self.model = VisionModel() if shipped else None
        """None while every outfit tag is dropped: no extra pass for nothing."""

    def outfit_scores(
        self,
        image: DecodedImage,
        faces: FacesResult | None,
        reader: CropReader,
    ) -> np.ndarray | None:
        """One score per OUTFIT_CLASSES tag from the reader's crops; None when nobody is read."""
        crops = person_crops(image, faces, *reader)
        if not crops or self.model is None:
            return None
        # One crop per call: a batch whose size changes from photo to photo makes the
        # interpreter reallocate its tensors, which costs more than the passes themselves.
        model = self.model
        imagenet = [
            model.run(prepare_for_backbone(np.ascontiguousarray(c))[None])[1][0] for c in crops
        ]
        return outfit_scores(np.stack(imagenet))

    def outfit(self, image: DecodedImage, faces: FacesResult | None) -> tuple[str, ...]:
        if count_people(faces)[0] == "none":
            return ()
        tags = list(OUTFIT_CLASSES)
        worn: list[str] = []
        for reader in dict.fromkeys(r for r, _ in self.shipped.values()):
            scores = self.outfit_scores(image, faces, OUTFIT_READERS[reader])
            worn += [
                tag
                for tag, (by, threshold) in self.shipped.items()
                if by == reader and scores is not None and scores[tags.index(tag)] >= threshold
            ]
        return tuple(t for t in tags if t in worn)

    def analyze(self, photo: PhotoContext) -> PhotoContent:
        results = photo.results
        vision, style, faces = results.get("vision"), results.get("style"), results.get("faces")
        faces = faces if isinstance(faces, FacesResult) else None
        return describe(
            photo.image,
            vision if isinstance(vision, VisionOutput) else None,
            style if isinstance(style, StyleResult) else None,
            faces,
            self.outfit(photo.image, faces),
            self.dropped,
        )
