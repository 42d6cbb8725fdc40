"""The per-photo content rules on hand-built analyzer results (no models)."""

from __future__ import annotations

import numpy as np

from analyzers.content import DROPPED_TAGS, OUTFIT_CLASSES, count_people, describe, outfit_of
from analyzers.imagenet import imagenet_names
from analyzers.types import DecodedImage, Face, FacesResult, Pose, VisionOutput


def _image(level: int) -> DecodedImage:
    return DecodedImage(np.full((100, 100, 3), level, np.uint8), (100, 100), "JPEG")


def _face(height: int, happy: float = 0.0) -> Face:
    return Face((0, 0, height, height), 0.9, {"happy": happy, "neutral": 1.0 - happy})


def _vision(top: list[tuple[str, float]]) -> VisionOutput:
    return VisionOutput(np.zeros(1280, np.float32), top, {})


def test_small_faces_behind_the_subject_do_not_make_a_group() -> None:
    assert count_people(FacesResult([_face(80, 0.9), _face(10), _face(12)], None)) == ("one", True)
    assert count_people(FacesResult([_face(80), _face(70), _face(60)], None)) == ("group", False)
    standing = Pose("standing", False, "full_body")
    assert count_people(FacesResult([], standing)) == ("one", None)
    assert count_people(None) == ("none", None)


def test_an_outdoor_scene_is_day_or_night_by_its_light() -> None:
    top = [("mountain", 0.6), ("valley", 0.2)]
    day = describe(_image(200), _vision(top), None, FacesResult([], None), None)
    night = describe(_image(20), _vision(top), None, FacesResult([], None), None)

    assert (day.setting, day.light, day.people) == ("outdoor", "day", "none")
    assert night.light == "night"


def test_dropped_tags_never_come_out() -> None:
    names = imagenet_names()
    probabilities = np.zeros(1000, np.float32)
    probabilities[names.index("suit")] = 0.9
    group = FacesResult([_face(80), _face(70), _face(60), _face(75)], None)

    read = describe(_image(120), _vision([("suit", 0.9)]), None, group, probabilities, frozenset())
    shipped = describe(_image(120), _vision([("suit", 0.9)]), None, group, probabilities)

    assert outfit_of(probabilities) == ("suit",) and read.outfit == ("suit",)
    assert shipped.outfit == ()
    assert {f"outfit:{tag}" for tag in OUTFIT_CLASSES} <= DROPPED_TAGS
    two = describe(_image(120), None, None, FacesResult([_face(80), _face(70)], None), None)
    assert two.people is None  # "couple" measured 0 of 2: not said
