"""Photo style: the image-only head combined with ImageNet labels, image statistics, faces, text.

The vision model's style head (`VisionOutput.style_probabilities`) sees only the embedding. A
small logistic-regression combiner (`models/style_combiner.json`, fitted by
`training/vision/train.py` on out-of-fold head outputs of the training split) adds the ImageNet
top-5 labels mapped to styles, seven image statistics and the face cue (size and number of the
faces that the faces analyzer found; a second set of weights is used when it did not run).
Hashtags and caption words, when the photo comes with text, add fixed log-odds (not fitted:
there are no labelled captioned photos here). `depressed` and `lonely`
are photo moods learnt from only 70 stock-like photos: they get a score only when the mood
class clears a high threshold, and the evidence says it is the photo's mood.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import ClassVar

import numpy as np
from PIL import Image

from analyzers.imagenet import imagenet_names, looks_like, style_class_matrix
from analyzers.types import (
    MOOD_STYLE_IDS,
    STYLE_IDS,
    AnalyzerUnavailable,
    FacesResult,
    PhotoContext,
    PostText,
    StyleResult,
    VisionOutput,
)

COMBINER_PATH = Path(__file__).parent / "models" / "style_combiner.json"
MOOD = "sad_mood"
HEAD_CLASSES: tuple[str, ...] = (*(s for s in STYLE_IDS if s not in MOOD_STYLE_IDS), MOOD)
"""What the head and the combiner predict: the 11 subject styles plus one photo-mood class."""

STAT_NAMES: tuple[str, ...] = (
    "mean_brightness",
    "dark_fraction",
    "bright_points_in_dark",
    "upper_saturation",
    "upper_warm_fraction",
    "upper_blue_fraction",
    "upper_vertical_gradient",
)
FACE_CUE_NAMES: tuple[str, ...] = ("main_face_share", "face_count")
FEATURE_NAMES: tuple[str, ...] = (
    *(f"head:{c}" for c in HEAD_CLASSES),
    *(f"imagenet:{s}" for s in STYLE_IDS),
    *(f"stat:{s}" for s in STAT_NAMES),
    *(f"face:{s}" for s in FACE_CUE_NAMES),
)
DOMINANT_FACE_AREA = 0.04
"""A face covering at least this share of the frame counts as close to the camera (evidence)."""
TEXT_BONUS = 2.0
"""Log-odds added to a style named by the post's hashtags or caption (not fitted: no labelled
captions here)."""
STYLE_WORDS: dict[str, frozenset[str]] = {
    style: frozenset(words.split())
    for style, words in {
        "adventure": "adventure travel hiking hike mountains mountain nature wanderlust explore "
        "camping trekking outdoors roadtrip beach",
        "cute_animals": "dog dogs cat cats puppy kitten pet pets dogsofinstagram "
        "catsofinstagram cuteanimals animals",
        "studying": "study studying studygram exam exams homework library notes university "
        "studentlife studymotivation",
        "party": "party partytime nightlife club clubbing concert festival drinks cheers "
        "birthday celebration",
        "colorful_sky": "sunset sunrise sky skyporn clouds goldenhour sunsets",
        "night_view": "night nightview citylights nightphotography nightsky nightscape",
        "sports": "gym fitness workout football soccer basketball tennis yoga running sport "
        "sports training",
        "selfie": "selfie selfies selfietime me selca faceoftheday",
        "architecture": "architecture building buildings cathedral church skyline "
        "architecturephotography",
        "food": "food foodie foodporn instafood yummy delicious dinner lunch breakfast brunch "
        "dessert homemade",
        "illustration": "art drawing illustration sketch anime comic artwork digitalart meme "
        "memes cartoon",
        "depressed": "sad depressed depression",
        "lonely": "lonely alone loneliness",
    }.items()
}


def image_statistics(pixels: np.ndarray) -> np.ndarray:
    """Seven numbers in 0..1 (STAT_NAMES) for night views and colourful skies.

    Computed on a 64x64 thumbnail so they do not depend on the photo's size: a night view is a
    mostly dark frame with a few bright points; a colourful sky is saturated warm (red, orange,
    pink, purple) or blue in the upper half, with brightness changing from top to middle.
    """
    thumb = Image.fromarray(pixels).convert("RGB").resize((64, 64), Image.Resampling.BILINEAR)
    hsv = np.asarray(thumb.convert("HSV"), dtype=np.float32) / 255.0
    hue, sat, val = hsv[..., 0] * 360.0, hsv[..., 1], hsv[..., 2]
    upper = slice(0, 32)
    colourful = (sat[upper] > 0.35) & (val[upper] > 0.25)
    warm = colourful & ((hue[upper] < 50.0) | (hue[upper] > 280.0))
    blue = colourful & (hue[upper] > 190.0) & (hue[upper] < 250.0)
    rows = val[upper].mean(axis=1)
    dark = float((val < 0.2).mean())
    return np.array(
        [
            val.mean(),
            dark,
            (val > 0.85).mean() * float(dark > 0.4),
            sat[upper].mean(),
            warm.mean(),
            blue.mean(),
            min(1.0, float(np.abs(np.diff(rows)).sum())),
        ],
        dtype=np.float32,
    )


def imagenet_evidence(top: list[tuple[str, float]]) -> np.ndarray:
    """(13,) probability mass of the top ImageNet labels that the hand-made map gives each style."""
    index = _name_index()
    evidence = np.zeros(len(STYLE_IDS), np.float32)
    matrix = style_class_matrix()
    for name, prob in top:
        evidence += prob * matrix[index[name]]
    return evidence


def head_to_classes(style_probabilities: dict[str, float]) -> np.ndarray:
    """The 13 image-only style probabilities folded back to HEAD_CLASSES (moods summed)."""
    mood = sum(style_probabilities[s] for s in MOOD_STYLE_IDS)
    return np.array([style_probabilities.get(c, mood) for c in HEAD_CLASSES], np.float64)


def combiner_features(
    head: np.ndarray, evidence: np.ndarray, stats: np.ndarray, faces: np.ndarray
) -> np.ndarray:
    """The combiner's inputs (FEATURE_NAMES): log head probabilities, ImageNet evidence,
    image statistics and the face cue."""
    return np.concatenate([np.log(np.clip(head, 1e-6, 1.0)), evidence, stats, faces], axis=-1)


def face_cue_from_boxes(
    boxes: list[tuple[int, int, int, int]], height: int, width: int
) -> np.ndarray:
    """(2,): area share of the largest face in the frame, and the number of faces (capped at 3)
    over 3. Both 0 without faces."""
    if not boxes:
        return np.zeros(2, np.float32)
    largest = max(w * h for _, _, w, h in boxes)
    return np.array([largest / float(max(1, height * width)), min(len(boxes), 3) / 3.0], np.float32)


def _name_index() -> dict[str, int]:
    names = imagenet_names()
    return {name: i for i, name in reversed(list(enumerate(names)))}


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return np.asarray(e / e.sum())


def text_styles(text: PostText | None) -> list[tuple[str, str]]:
    """(style, word) pairs that the post's hashtags or caption words name."""
    if text is None:
        return []
    words = set(text.hashtags) | set(re.findall(r"[a-z]+", text.caption.lower()))
    return [(s, w) for s, vocab in STYLE_WORDS.items() for w in sorted(words & vocab)]


class StyleCombiner:
    """The fitted combiners (with and without the face cue); pure numpy, thread-safe.

    The file holds two logistic regressions over FEATURE_NAMES: "with_faces", used when the
    faces analyzer ran on the photo, and "without_faces" (face weights 0), used when it did not.
    """

    def __init__(self, path: Path = COMBINER_PATH) -> None:
        try:
            spec = json.loads(path.read_text(encoding="utf-8"))
            if tuple(spec["classes"]) != HEAD_CLASSES or tuple(spec["features"]) != FEATURE_NAMES:
                raise ValueError("classes or features differ from this code's")
            self.mood_threshold = float(spec["mood_threshold"])
            self._models = {key: self._model(spec[key]) for key in ("with_faces", "without_faces")}
        except Exception as exc:
            message = f"style combiner {path.name} cannot be loaded: {exc}"
            raise AnalyzerUnavailable(message) from exc

    @staticmethod
    def _model(spec: dict[str, list[float]]) -> tuple[np.ndarray, np.ndarray]:
        coef = np.asarray(spec["coef"], np.float64)
        intercept = np.asarray(spec["intercept"], np.float64)
        if coef.shape != (len(HEAD_CLASSES), len(FEATURE_NAMES)) or intercept.shape != (
            len(HEAD_CLASSES),
        ):
            raise ValueError(f"coefficients have shape {coef.shape}")
        return coef, intercept

    def logits(self, features: np.ndarray, with_faces: bool) -> np.ndarray:
        coef, intercept = self._models["with_faces" if with_faces else "without_faces"]
        return np.asarray(features @ coef.T + intercept)


class StyleAnalyzer:
    """Style scores over all 13 styles, with short evidence; runs after vision and faces."""

    name: ClassVar[str] = "style"

    def __init__(self, combiner_path: Path = COMBINER_PATH) -> None:
        self._combiner = StyleCombiner(combiner_path)

    def analyze(self, photo: PhotoContext) -> StyleResult:
        vision = photo.results.get("vision")
        if not isinstance(vision, VisionOutput):
            raise AnalyzerUnavailable("the vision backbone did not run on this photo")
        image = photo.image
        faces = photo.results.get("faces")
        with_faces = isinstance(faces, FacesResult)
        boxes = [f.box for f in faces.faces] if isinstance(faces, FacesResult) else []
        cue = face_cue_from_boxes(boxes, image.height, image.width)
        features = combiner_features(
            head_to_classes(vision.style_probabilities),
            imagenet_evidence(vision.imagenet_top),
            image_statistics(image.pixels),
            cue,
        )
        logits = self._combiner.logits(features, with_faces)
        evidence: list[str] = []
        face_share = float(cue[0])
        if face_share >= DOMINANT_FACE_AREA:
            count = len(boxes)
            who = "one face" if count == 1 else f"{count} faces, the largest"
            evidence.append(f"{who} close to the camera ({face_share:.0%} of the frame)")
        named = text_styles(photo.text)
        for style in sorted({s for s, _ in named}):
            target = MOOD if style in MOOD_STYLE_IDS else style
            logits[HEAD_CLASSES.index(target)] += TEXT_BONUS
        tags = set(photo.text.hashtags) if photo.text else set()
        evidence += [f"#{w}" if w in tags else f"'{w}' in the caption" for _, w in named]
        scores = self._scores(_softmax(logits), face_share, named, evidence)
        top = max(scores, key=scores.__getitem__)
        evidence[:0] = [f"looks like {w}" for w in looks_like(vision.imagenet_top[:3])]
        return StyleResult(scores=scores, top=top, confidence=scores[top], evidence=evidence)

    def _scores(
        self,
        probs: np.ndarray,
        face_share: float,
        named: list[tuple[str, str]],
        evidence: list[str],
    ) -> dict[str, float]:
        """HEAD_CLASSES probabilities -> the 13 styles, with the mood class gated and split."""
        mood = float(probs[-1])
        scores = {c: float(p) for c, p in zip(HEAD_CLASSES[:-1], probs[:-1], strict=True)}
        if mood < self._combiner.mood_threshold:
            total = sum(scores.values())
            scores = {s: p / total for s, p in scores.items()}
            scores.update({s: 0.0 for s in MOOD_STYLE_IDS})
        else:
            said = {s for s, _ in named}
            lonely_share = 0.65 if face_share < DOMINANT_FACE_AREA else 0.35
            if said == {"depressed"} or said == {"lonely"}:
                lonely_share = 0.8 if "lonely" in said else 0.2
            scores["lonely"], scores["depressed"] = mood * lonely_share, mood * (1 - lonely_share)
            evidence.append(
                "photo mood, not a statement about the person (learnt from 70 stock photos)"
            )
        return {s: scores[s] for s in STYLE_IDS}
