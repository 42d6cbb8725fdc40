"""The per-photo content rules on hand-built analyzer results (no models)."""

from __future__ import annotations

import numpy as np

from analyzers.content import (
    BUST_BOX,
    DROPPED_TAGS,
    MAX_PEOPLE,
    OUTFIT_CLASSES,
    OUTFIT_SHIPPED,
    PERSON_BOX,
    TORSO_BOX,
    count_people,
    describe,
    outfit_scores,
    person_crops,
)
from analyzers.imagenet import imagenet_names
from analyzers.types import DecodedImage, Face, FacesResult, Pose, StyleResult, VisionOutput


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
    day = describe(_image(200), _vision(top), None, FacesResult([], None))
    night = describe(_image(20), _vision(top), None, FacesResult([], None))

    assert (day.setting, day.light, day.people) == ("outdoor", "day", "none")
    assert night.light == "night"


def test_dropped_tags_never_come_out() -> None:
    group = FacesResult([_face(80), _face(70), _face(60), _face(75)], None)

    read = describe(_image(120), None, None, group, ("jersey", "suit"), frozenset())
    shipped = describe(_image(120), None, None, group, ("jersey", "suit"))
    nobody = describe(_image(120), None, None, FacesResult([], None), ("jersey",))

    assert read.outfit == ("jersey", "suit")
    assert shipped.outfit == ("jersey",)
    assert nobody.outfit == ()
    assert {f"outfit:{t}" for t in OUTFIT_CLASSES if t not in OUTFIT_SHIPPED} <= DROPPED_TAGS
    assert not {f"outfit:{t}" for t in OUTFIT_SHIPPED} & DROPPED_TAGS
    two = describe(_image(120), None, None, FacesResult([_face(80), _face(70)], None))
    assert two.people is None  # "couple" measured 0 of 2: not said


def test_an_outfit_score_sums_its_classes_and_takes_the_best_person() -> None:
    names = imagenet_names()
    crops = np.zeros((2, 1000), np.float32)
    crops[0, names.index("T-shirt")] = 0.3
    crops[1, names.index("T-shirt")] = 0.1
    sunglasses = [i for i, name in enumerate(names) if name == "sunglasses"]
    crops[1, sunglasses] = 0.2  # ImageNet has two classes named so: both count

    scores = dict(zip(OUTFIT_CLASSES, outfit_scores(crops), strict=True))

    assert scores["jersey"] == np.float32(0.3)
    assert len(sunglasses) == 2 and scores["sunglasses"] == np.float32(0.4)


def test_a_suit_and_its_tie_add_up_to_formal_wear() -> None:
    """family_img102 (the suit photo of test_portrait_profiles): a man in a suit and tie reads
    Windsor tie 0.79, suit 0.08: neither alone says much, together they say formal wear."""
    names = imagenet_names()
    crop = np.zeros((1, 1000), np.float32)
    crop[0, names.index("Windsor tie")] = 0.79
    crop[0, names.index("suit")] = 0.08

    scores = dict(zip(OUTFIT_CLASSES, outfit_scores(crop), strict=True))

    assert scores["suit"] < 0.1 and scores["tie"] == np.float32(0.79)
    assert scores["formal"] == np.float32(0.87)


def test_clothes_are_read_below_each_subject_face() -> None:
    image = DecodedImage(np.zeros((400, 300, 3), np.uint8), (300, 400), "JPEG")
    faces = FacesResult([Face((100, 50, 40, 40), 0.9, {}), Face((10, 10, 8, 8), 0.9, {})], None)

    (torso,) = person_crops(image, faces, TORSO_BOX, MAX_PEOPLE)
    (around,) = person_crops(image, faces, PERSON_BOX, 1)

    assert torso.shape == (250 - 86, 120, 3)  # from the chin to 5 face heights, 3 faces wide
    assert around.shape[0] > torso.shape[0]
    (bust,) = person_crops(image, faces, BUST_BOX, 1)
    assert bust.shape == (180, 180, 3)  # square: head to mid-body, 4.5 faces wide
    assert person_crops(image, FacesResult([], Pose("standing", False, "full_body"))) == [
        image.pixels
    ]
    assert person_crops(image, FacesResult([], None)) == []


def test_a_photo_the_style_mix_counts_as_a_night_view_is_taken_at_night() -> None:
    """SpaceX: night views 5 of 9 in the style mix, "4 are taken at night" in the portrait (the
    content rules dropped styles under 0.5 confidence that the style mix counts)."""
    unsure_night = StyleResult({"night_view": 0.45, "other": 0.3}, "night_view", 0.45)

    content = describe(_image(120), _vision([("missile", 0.6)]), unsure_night, None)

    assert (content.setting, content.light) == ("outdoor", "night")
