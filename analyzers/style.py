"""Photo style: the vision model's calibrated head, the `other` threshold, the mood gate, text.

The vision model's style head (`VisionOutput.style_probabilities`, temperature-calibrated in the
graph) predicts the 11 subject styles, one photo-mood class and `other` (photos that fit no
style). `models/style_rules.json` (written by `training/vision/ship.py`) holds the rule that
turns the probabilities into `other` and its threshold tau, chosen on folds held out by source
(`max`: the best style under tau; `argmax`: `other` more probable than every style;
`other_p`: the `other` probability at least tau).
Hashtags and caption words, when the photo comes with text, add fixed log-odds (not fitted:
there are no labelled captioned photos here). `depressed` and `lonely` are photo moods learnt
from only 70 stock-like photos: they get a score only when the mood class clears a high
threshold, and the evidence says it is the photo's mood.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import ClassVar

import numpy as np

from analyzers.imagenet import looks_like
from analyzers.types import (
    MOOD_STYLE_IDS,
    OTHER_STYLE,
    STYLE_IDS,
    AnalyzerUnavailable,
    FacesResult,
    PhotoContext,
    PostText,
    StyleResult,
    VisionOutput,
)

RULES_PATH = Path(__file__).parent / "models" / "style_rules.json"
MOOD = "sad_mood"
SUBJECT_STYLES: tuple[str, ...] = tuple(s for s in STYLE_IDS if s not in MOOD_STYLE_IDS)
HEAD_CLASSES: tuple[str, ...] = (*SUBJECT_STYLES, MOOD)
"""The styles the head tells apart: the 11 subject styles plus one photo-mood class."""
CLASSES: tuple[str, ...] = (*HEAD_CLASSES, OTHER_STYLE)
"""What the vision model's head predicts (folded back from its style output)."""
DOMINANT_FACE_AREA = 0.04
"""A face covering at least this share of the frame counts as close to the camera (evidence)."""
WHY_MIN_PROBABILITY = 0.3
"""An ImageNet class is named in the evidence only from this probability: under it the read is
a guess (scikit-image's moon: salt shaker 0.16, tennis ball 0.11)."""
TWO_TONE_SHARE = 0.95
"""A picture whose two most common colours (32 levels a channel) cover this share is a
silhouette or line drawing: no texture, which is what an ImageNet network reads, so its ImageNet
words are left out (scikit-image's horse silhouette reads as a retriever at 0.88). Over the
labelled sets this flags only line drawings and a few screenshots."""
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


def largest_face_share(boxes: list[tuple[int, int, int, int]], height: int, width: int) -> float:
    """Area share of the largest face in the frame (0 without faces)."""
    largest = max((w * h for _, _, w, h in boxes), default=0)
    return largest / float(max(1, height * width))


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return np.asarray(e / e.sum())


def text_styles(text: PostText | None) -> list[tuple[str, str]]:
    """(style, word) pairs that the post's hashtags or caption words name."""
    if text is None:
        return []
    words = set(text.hashtags) | set(re.findall(r"[a-z]+", text.caption.lower()))
    return [(s, w) for s, vocab in STYLE_WORDS.items() for w in sorted(words & vocab)]


def two_tone_share(pixels: np.ndarray) -> float:
    """Share of the (sampled) pixels in the picture's two most common colours."""
    step = max(1, min(pixels.shape[:2]) // 112)
    levels = (pixels[::step, ::step, :3] >> 3).astype(np.int32)
    codes = (levels[..., 0] * 1024 + levels[..., 1] * 32 + levels[..., 2]).ravel()
    counts = np.bincount(codes)
    return float(np.sort(counts)[-2:].sum() / codes.size)


def why_words(vision: VisionOutput, pixels: np.ndarray) -> list[str]:
    """The plain words of the confident ImageNet read, or none for a two-tone picture."""
    if two_tone_share(pixels) >= TWO_TONE_SHARE:
        return []
    return looks_like(vision.imagenet_top[:3], min_probability=WHY_MIN_PROBABILITY)


def head_to_classes(style_probabilities: dict[str, float]) -> np.ndarray:
    """The vision model's style probabilities folded back to CLASSES (the two moods summed)."""
    mood = sum(style_probabilities[s] for s in MOOD_STYLE_IDS)
    return np.array([style_probabilities.get(c, mood) for c in CLASSES], np.float64)


class StyleRules:
    """The fitted `other` rule and threshold and the fixed mood gate (`models/style_rules.json`)."""

    RULES: ClassVar[tuple[str, ...]] = ("max", "argmax", "other_p")

    def __init__(self, path: Path = RULES_PATH) -> None:
        try:
            spec = json.loads(path.read_text(encoding="utf-8"))
            if tuple(spec["classes"]) != CLASSES:
                raise ValueError("classes differ from this code's")
            self.other_rule = str(spec["other_rule"])
            if self.other_rule not in self.RULES:
                raise ValueError(f"unknown other_rule {self.other_rule!r}")
            self.other_threshold = float(spec["other_threshold"])
            self.mood_threshold = float(spec["mood_threshold"])
        except Exception as exc:
            raise AnalyzerUnavailable(f"style rules {path.name} cannot be loaded: {exc}") from exc

    def is_other(self, scores: dict[str, float], best: str) -> bool:
        """Whether the photo fits none of the styles, `best` being its most probable style."""
        if self.other_rule == "max":
            return scores[best] < self.other_threshold
        if self.other_rule == "argmax":
            return scores[OTHER_STYLE] > scores[best]
        return scores[OTHER_STYLE] >= self.other_threshold


class StyleAnalyzer:
    """Style scores over the 13 styles and `other`, with short evidence; runs after vision (and
    faces, when it ran: a close face only shapes the evidence and the mood split)."""

    name: ClassVar[str] = "style"

    def __init__(self, rules_path: Path = RULES_PATH) -> None:
        self._rules = StyleRules(rules_path)

    def analyze(self, photo: PhotoContext) -> StyleResult:
        vision = photo.results.get("vision")
        if not isinstance(vision, VisionOutput):
            raise AnalyzerUnavailable("the vision backbone did not run on this photo")
        image = photo.image
        faces = photo.results.get("faces")
        boxes = [f.box for f in faces.faces] if isinstance(faces, FacesResult) else []
        face_share = largest_face_share(boxes, image.height, image.width)
        logits = np.log(np.clip(head_to_classes(vision.style_probabilities), 1e-9, 1.0))
        evidence: list[str] = []
        if face_share >= DOMINANT_FACE_AREA:
            count = len(boxes)
            who = "one face" if count == 1 else f"{count} faces, the largest"
            evidence.append(f"{who} close to the camera ({face_share:.0%} of the frame)")
        named = text_styles(photo.text)
        for style in sorted({s for s, _ in named}):
            target = MOOD if style in MOOD_STYLE_IDS else style
            logits[CLASSES.index(target)] += TEXT_BONUS
        tags = set(photo.text.hashtags) if photo.text else set()
        evidence += [f"#{w}" if w in tags else f"'{w}' in the caption" for _, w in named]
        scores = self._scores(_softmax(logits), face_share, named, evidence)
        best = max(STYLE_IDS, key=scores.__getitem__)
        top = best
        if self._rules.is_other(scores, best):
            top = OTHER_STYLE
            evidence.append(f"fits none of the styles: the closest, {best}, is {scores[best]:.0%}")
        evidence[:0] = [f"looks like {w}" for w in why_words(vision, image.pixels)]
        return StyleResult(scores=scores, top=top, confidence=scores[top], evidence=evidence)

    def _scores(
        self,
        probs: np.ndarray,
        face_share: float,
        named: list[tuple[str, str]],
        evidence: list[str],
    ) -> dict[str, float]:
        """CLASSES probabilities -> the 13 styles and `other`, the mood class gated and split."""
        scores = {c: float(p) for c, p in zip(CLASSES, probs, strict=True)}
        mood = scores.pop(MOOD)
        if mood < self._rules.mood_threshold:
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
        return {s: scores[s] for s in (*STYLE_IDS, OTHER_STYLE)}
