"""The general popularity prior: for a photo with no account history behind it.

Two parts add up on one scale, the engagement relative to a typical post of the same account
(natural log, see features.relative_targets):

* a **learned** linear model (artifact `models/popularity_prior.json`, written by
  training/popularity/train_prior.py or retrain_prior.py) over the features it was trained on.
  Today it is empty: the only engagement data here has no images, and a caption/posting-time
  model trained on three accounts ranked the held-out account's posts worse than chance, so
  train_prior.py did not ship it (the artifact keeps the numbers). retrain_prior.py fills it
  from the rows the bot stores;
* **heuristic** photo-quality rules for every signal the learned part does not cover: signs from
  published studies, sizes chosen by hand (POPULARITY.md lists both). They are not measured here.

The score is the normal CDF of that sum over the spread of relative engagement in the training
data: "how this would rank among a typical account's posts", with a band from the learned
part's error on held-out accounts.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from analyzers.popularity.features import (
    caption_features,
    describe,
    missing_signals,
    photo_features,
)
from analyzers.types import AnalyzerUnavailable, PhotoContext, PopularityResult

PRIOR_PATH = Path(__file__).parents[1] / "models" / "popularity_prior.json"


def _ramp(x: float, lo: float, hi: float) -> float:
    """0 below lo, 1 above hi, linear between."""
    return min(max((x - lo) / (hi - lo), 0.0), 1.0)


@dataclass(frozen=True)
class Rule:
    """One photo-quality heuristic: its effect on log engagement, words and a fix."""

    name: str
    needs: str | None
    """The analyzer whose result the rule reads (None: the pixels), skipped when it is missing."""
    effect: Callable[[dict[str, float]], float]
    good: str
    bad: str
    fix: str | None


def _has_face(f: dict[str, float]) -> bool:
    return f["face_area"] > 0


RULES: tuple[Rule, ...] = (
    # Bakhshi, Shamma & Gilbert, CHI 2014: photos with faces get ~38 % more likes (log 1.38 =
    # 0.32); centred on half so that a missing face counts against and a clear face for.
    Rule(
        "face",
        "faces",
        lambda f: 0.32 * (_ramp(f["face_area"], 0.01, 0.05) - 0.5),
        "a face clearly in the picture (photos with faces get more likes)",
        "no face, or only a tiny one (photos with faces get more likes)",
        "come closer: let your face fill more of the frame",
    ),
    # Kalayeh et al., ACM MM 2015 ("How to take a good selfie?"): smiling is among the
    # attributes that go with selfie popularity. Size assumed.
    Rule(
        "smile",
        "faces",
        lambda f: 0.15 * (f["smile"] - 0.5) if _has_face(f) else 0.0,
        "a smile",
        "no smile",
        "try a natural smile",
    ),
    Rule(
        "face_cut",
        "faces",
        lambda f: -0.10 * f["face_cut"],
        "",
        "the face is cut by the edge of the frame",
        "step back so that your whole face is in the frame",
    ),
    Rule(
        "face_offcentre",
        "faces",
        lambda f: -0.2 * max(0.0, f["face_offcentre"] - 0.5) if _has_face(f) else 0.0,
        "",
        "the face is far from the centre",
        "put your face nearer the centre of the frame",
    ),
    # Ke, Tang & Jing 2006; Datta et al. 2006: blur and poor exposure lower rated photo quality.
    # Sharpness is quality.sharpness_score (0.5 = the usual blur threshold). On 50 photos of
    # five sets (training/popularity/calibrate.py) originals measure 0.73–0.99 (5th–95th
    # percentile, median 0.94), blurred by 2 px at 512 px median 0.40, by 4 px median 0.09.
    # Their RMS contrast (luma SD) is 0.13–0.31: below 0.1 the light is flat.
    Rule(
        "sharpness",
        None,
        lambda f: 0.05 if f["sharpness"] >= 0.6 else -0.3 * (1 - _ramp(f["sharpness"], 0.2, 0.6)),
        "the photo is sharp",
        "the photo is blurry",
        "hold the phone still and tap the subject to focus",
    ),
    Rule(
        "dark",
        None,
        lambda f: -0.3 * _ramp(0.3 - f["brightness"], 0.0, 0.15),
        "",
        "the photo is dark",
        "the photo is dark: retake it in daylight or facing a window",
    ),
    Rule(
        "exposure",
        None,
        lambda f: 0.05 if 0.3 <= f["brightness"] <= 0.75 and f["highlights_clipped"] < 0.05 else 0,
        "the exposure is good",
        "",
        None,
    ),
    Rule(
        "overexposed",
        None,
        lambda f: -0.2 * _ramp(f["highlights_clipped"], 0.1, 0.3),
        "",
        "parts of the photo are washed out",
        "avoid direct sun or a bright window behind you",
    ),
    Rule(
        "contrast",
        None,
        lambda f: -0.1 * _ramp(0.1 - f["contrast"], 0.0, 0.05),
        "",
        "the light is flat (low contrast)",
        "find light that comes from one side",
    ),
    # Hasler & Süsstrunk 2003 colourfulness M (45 = "averagely colourful"); Khosla et al.
    # WWW 2014 found colour features weakly related to popularity: small weight.
    Rule(
        "colorfulness",
        None,
        lambda f: 0.1 * max(min((f["colorfulness"] - 45) / 40, 1.0), -1.0),
        "vivid colours",
        "dull colours",
        "a more colourful background or light would help",
    ),
)


@dataclass(frozen=True)
class LinearPrior:
    """The learned part: standardised features times coefficients, plus calibration numbers."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    target_sd: float
    """Spread of relative log engagement in the training rows (maps the sum to 0..1)."""
    residual_sd: float
    """Error of the learned part on held-out accounts (the band's half-width)."""
    heldout_spearman: float | None
    """Median over held-out accounts of the within-account Spearman."""
    trained_on: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinearPrior:
        return cls(
            features=tuple(data["features"]),
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            coef=np.asarray(data["coef"], dtype=np.float64),
            target_sd=float(data["target_sd"]),
            residual_sd=float(data["residual_sd"]),
            heldout_spearman=data.get("heldout_spearman"),
            trained_on=str(data["trained_on"]),
        )

    def contributions(self, feats: dict[str, float]) -> dict[str, float]:
        """Feature -> its additive share of the prediction (0 at the training mean)."""
        x = np.array([feats.get(f, m) for f, m in zip(self.features, self.mean, strict=True)])
        parts = self.coef * (x - self.mean) / self.scale
        return {f: float(v) for f, v in zip(self.features, parts, strict=True)}


@lru_cache(maxsize=4)
def load_prior(path: Path = PRIOR_PATH) -> LinearPrior:
    try:
        return LinearPrior.from_json(json.loads(path.read_text()))
    except (OSError, ValueError, KeyError) as exc:
        raise AnalyzerUnavailable(f"popularity prior not loadable from {path}: {exc}") from exc


def _phi(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


Reason = tuple[float, str, str | None]
"""(contribution to log engagement, plain words, a fix or None)"""


def learned_reasons(contribs: dict[str, float], above: dict[str, bool]) -> list[Reason]:
    """One reason per feature group of a linear model (hour sin/cos count as one); `above`
    says whether the photo has more of a feature than the training mean."""
    grouped: dict[str, float] = {}
    for name, value in contribs.items():
        key = "hour" if name.startswith("hour_") else name
        grouped[key] = grouped.get(key, 0.0) + value
    out: list[Reason] = []
    for name, value in grouped.items():
        if name == "hour":
            words = describe("hour_sin")[1 if value > 0 else 2]
        else:
            _, more, less = describe(name)
            words = more if above.get(name, False) else less
        out.append((value, words, None))
    return out


def summarise(items: list[Reason]) -> tuple[list[str], list[str], str | None]:
    """(top 3 reasons for, top 3 against, the fix of the strongest reason against that has one)."""
    items = [it for it in items if abs(it[0]) >= 0.01 and it[1]]
    helping = sorted((it for it in items if it[0] > 0), key=lambda it: -it[0])
    against = sorted((it for it in items if it[0] < 0), key=lambda it: it[0])
    fix = next((f for _, _, f in against if f), None)
    return [w for _, w, _ in helping][:3], [w for _, w, _ in against][:3], fix


def score_photo(photo: PhotoContext, prior: LinearPrior | None = None) -> PopularityResult:
    """Score one photo with the general prior: score, band, reasons and one suggestion.

    Caption features are used only when `photo.text` is given (a selfie sent in chat has none);
    rules that need a missing analyzer's result are skipped and the reliability says so.
    """
    prior = prior or load_prior()
    feats = photo_features(photo)
    missing = missing_signals(photo)
    if photo.text is not None:
        text = photo.text
        feats.update(caption_features(text.caption, len(text.hashtags), len(text.mentions)))
    # Features absent from `feats` (no caption, no time) sit at the training mean: they add 0.
    means = dict(zip(prior.features, prior.mean, strict=True))
    above = {f: feats.get(f, m) >= m for f, m in means.items()}
    items = learned_reasons(prior.contributions(feats), above)
    for rule in RULES:
        if rule.name in prior.features or (rule.needs and rule.needs in missing):
            continue
        effect = rule.effect(feats)
        items.append((effect, rule.good if effect > 0 else rule.bad, rule.fix))
    total = sum(v for v, _, _ in items)
    sd = prior.target_sd
    reasons_for, reasons_against, fix = summarise(items)
    return PopularityResult(
        score=round(_phi(total / sd), 3),
        band=(
            round(_phi((total - prior.residual_sd) / sd), 3),
            round(_phi((total + prior.residual_sd) / sd), 3),
        ),
        basis="prior",
        reliability=_reliability(prior, missing),
        reasons_for=reasons_for,
        reasons_against=reasons_against,
        suggestion=fix,
    )


def _reliability(prior: LinearPrior, missing: list[str]) -> str:
    text = (
        "A general model, not your account's: it compares the photo with a typical post. "
        "Photo quality is judged by rules of thumb from published studies, not measured on likes."
    )
    if prior.features and prior.heldout_spearman is not None:
        text += (
            " Its learned part ranked held-out accounts' posts with Spearman "
            f"{prior.heldout_spearman:.2f}."
        )
    if missing:
        text += f" Missing signals: {', '.join(missing)}."
    return text


class PhotoPopularityAnalyzer:
    """Image analyzer: the general prior's score for one photo (a selfie, an album photo).

    Register it after "style" so that it reads vision, faces, quality and style."""

    name = "popularity"

    def __init__(self) -> None:
        load_prior()

    def analyze(self, photo: PhotoContext) -> PopularityResult:
        return score_photo(photo)
