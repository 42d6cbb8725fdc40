"""Popularity on the account's own history: its engagement model and the profile analyzer.

`PopularityAnalyzer` (profile analyzer "popularity") fits a ridge regression on the account's
own photo posts — engagement relative to the account (features.relative_targets)
against the embedding reduced by PCA on the account, style scores, faces, photo quality,
caption, posting time and recency — and reports its leave-one-out Spearman on those posts. It
answers with basis "personal" only when that ranking is better than chance (permutation
p < 0.1 and Spearman ≥ MIN_SPEARMAN) on at least MIN_POSTS posts; otherwise basis "none",
"can't tell yet". A photo without history is scored by the general prior (prior.py).
The numbers behind MIN_POSTS, ALPHA and the thresholds are in models/POPULARITY.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
from scipy.stats import spearmanr

from analyzers.popularity.features import (
    EMBEDDING_FEATURES,
    describe,
    missing_signals,
    post_features,
    relative_targets,
)
from analyzers.popularity.prior import learned_reasons, load_prior, summarise
from analyzers.types import PopularityResult, PostInput, ProfileInput

__all__ = [
    "PersonalFit",
    "PopularityAnalyzer",
    "PostPopularity",
    "ProfilePopularity",
    "fit_personal",
]

MIN_POSTS = 12
"""Fewest eligible photo posts the personal model is fitted on (see the learning curve)."""
MIN_SPEARMAN = 0.2
MAX_P_VALUE = 0.1
ALPHA = 30.0
"""Ridge penalty on standardised features: of 3, 10, 30 and 100 on the synthetic learning
curve, 30 and 100 predicted unseen posts best at every history size; 30 keeps more signal."""
MAX_PCA = 4
PERMUTATIONS = 199
RECENCY_ALPHA = 1.0
"""Ridge penalty of the recency baseline (one standardised feature: the post's date)."""


@dataclass(frozen=True)
class PostPopularity:
    shortcode: str
    status: str
    """'fitted' (old enough, used to fit), 'too_recent' (younger than 2 days), 'video'."""
    actual: float | None
    """Relative log engagement (0 = the account's recent median); None unless fitted."""
    predicted: float | None
    """Leave-one-out prediction for fitted posts, the full model's for recent ones."""
    score: float | None
    """0..1: the share of the account's fitted posts the prediction beats."""


@dataclass(frozen=True)
class ProfilePopularity:
    summary: PopularityResult
    """Basis 'personal' or 'none'; its score is the newest photo post's."""
    posts: dict[str, PostPopularity]
    """By shortcode."""
    loo_spearman: float | None
    baseline_spearman: float | None
    """The recency baseline's leave-one-out Spearman on the same posts (a ridge on the date
    alone: the engagement trend); the account median ranks nothing (0)."""
    n_posts: int
    """Posts the model was fitted on."""
    per_post: dict[str, PopularityResult] = field(default_factory=dict)
    """Shortcode -> the post's result, for photo posts when the basis is 'personal'."""
    missing_signals: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PersonalFit:
    """A ridge model fitted on one account; `predict` takes the same posts' features."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    pca_mean: np.ndarray | None
    pca_axes: np.ndarray | None
    newest: datetime
    """The newest fitted post's time (recency is counted back from it)."""
    loo: dict[str, float]
    """Shortcode -> leave-one-out prediction."""
    targets: dict[str, float]
    loo_spearman: float
    p_value: float
    residual_sd: float

    _z_cache: dict[str, np.ndarray] = field(default_factory=dict, compare=False, repr=False)

    def _z(self, post: PostInput) -> np.ndarray:
        """The post's standardised features (cached: a photo's quality may be computed)."""
        if post.shortcode not in self._z_cache:
            raw = _raw_features([post], self.features, self.newest, self.pca_mean, self.pca_axes)
            self._z_cache[post.shortcode] = _standardise(raw, self.mean, self.scale)[0]
        return self._z_cache[post.shortcode]

    def predict(self, post: PostInput) -> float:
        return float(self._z(post) @ self.coef + self.intercept)

    def contributions(self, post: PostInput) -> tuple[dict[str, float], dict[str, bool]]:
        """(feature -> share of the prediction, feature -> is the post above the mean)."""
        z = self._z(post)
        parts = {f: float(v) for f, v in zip(self.features, z * self.coef, strict=True)}
        return parts, {f: bool(v > 0) for f, v in zip(self.features, z, strict=True)}

    def percentile(self, value: float) -> float:
        """Share of the fitted posts' real engagement below `value`."""
        actual = np.array(list(self.targets.values()))
        return float(((actual < value).sum() + 0.5 * (actual == value).sum()) / actual.size)


def _embedding(post: PostInput) -> np.ndarray | None:
    vision = post.photos[0].results.get("vision") if post.photos else None
    emb = getattr(vision, "embedding", None)
    return None if emb is None else np.asarray(emb, dtype=np.float64).ravel()


def _pca(posts: list[PostInput]) -> tuple[np.ndarray, np.ndarray] | tuple[None, None]:
    """PCA of the L2-normalised embeddings of the account's photos (uses no likes)."""
    embs = [e / (np.linalg.norm(e) or 1.0) for e in map(_embedding, posts) if e is not None]
    k = min(MAX_PCA, len(embs) // 5)
    if k < 1:
        return None, None
    mat = np.stack(embs)
    mean = mat.mean(axis=0)
    _, _, vt = np.linalg.svd(mat - mean, full_matrices=False)
    return mean, vt[:k]


def _raw_features(
    posts: list[PostInput],
    names: tuple[str, ...],
    newest: datetime,
    pca_mean: np.ndarray | None,
    pca_axes: np.ndarray | None,
) -> np.ndarray:
    rows = []
    for post in posts:
        feats = post_features(post)
        feats["recency_days"] = (newest - post.taken_at).total_seconds() / 86400
        emb = _embedding(post)
        if pca_axes is not None and pca_mean is not None and emb is not None:
            proj = pca_axes @ (emb / (np.linalg.norm(emb) or 1.0) - pca_mean)
            feats.update({f"pca_{i}": float(v) for i, v in enumerate(proj)})
        rows.append([feats.get(n, 0.0) for n in names])
    return np.asarray(rows, dtype=np.float64)


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return 0.0  # undefined for constant input: counts as "ranks nothing"
    rho = spearmanr(a, b).statistic
    return 0.0 if not np.isfinite(rho) else float(rho)


def _ranks(a: np.ndarray) -> np.ndarray:
    """Column-wise ranks (ties broken by order: fine for continuous predictions)."""
    return np.argsort(np.argsort(a, axis=0), axis=0).astype(np.float64)


def _permutation_p(loo_op: np.ndarray, y: np.ndarray, rho: float) -> float:
    """P(leave-one-out Spearman ≥ rho) when likes are shuffled among the posts.

    The leave-one-out prediction is linear in y (loo_op @ y), so PERMUTATIONS reshuffles cost
    one matrix product. Exact for exchangeable posts, unlike the textbook Spearman null: the
    leave-one-out ranking is noisier than a fixed one (on null synthetic profiles the t
    approximation let ~20 % through a 10 % test).
    """
    rng = np.random.default_rng(0)
    shuffled = np.stack([rng.permutation(y) for _ in range(PERMUTATIONS)], axis=1)
    pred_ranks, true_ranks = _ranks(loo_op @ shuffled), _ranks(shuffled)
    pred_ranks -= pred_ranks.mean(axis=0)
    true_ranks -= true_ranks.mean(axis=0)
    denom = np.sqrt((pred_ranks**2).sum(axis=0) * (true_ranks**2).sum(axis=0))
    rhos = (pred_ranks * true_ranks).sum(axis=0) / np.where(denom > 0, denom, np.inf)
    return float((1 + (rhos >= rho - 1e-12).sum()) / (1 + PERMUTATIONS))


Z_CLIP = 3.0
"""Standardised features are clipped to ±Z_CLIP: a style the account rarely posts has a tiny
spread, and a new post of that style would otherwise sit 20 SDs out and dominate."""


def _standardise(raw: np.ndarray, mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
    return np.clip((raw - mean) / scale, -Z_CLIP, Z_CLIP)


def _ridge(x: np.ndarray, y: np.ndarray, alpha: float) -> np.ndarray:
    """Coefficients of ridge on standardised x and centred y (the intercept is y's mean)."""
    return np.linalg.solve(x.T @ x + alpha * np.eye(x.shape[1]), x.T @ (y - y.mean()))


def _loo_operator(x: np.ndarray, alpha: float) -> np.ndarray:
    """L such that (L @ y)[i] is post i's predicted deviation from the mean by a ridge refitted
    without post i (features centred on the other posts, y on their mean)."""
    n = len(x)
    op = np.zeros((n, n))
    for i in range(n):
        rest = np.arange(n) != i
        centre = x[rest].mean(axis=0)
        xc = x[rest] - centre
        weights = (x[i] - centre) @ np.linalg.solve(xc.T @ xc + alpha * np.eye(x.shape[1]), xc.T)
        op[i, rest] = weights - weights.mean()
    return op


def fit_personal(
    posts: list[PostInput], followers: int | None, now: datetime, alpha: float = ALPHA
) -> PersonalFit | None:
    """Fit the account's ridge model on its eligible posts; None below 4 posts.

    Leave-one-out: refitted without each post in turn (n small solves). Standardisation and
    the embedding PCA use every eligible post's features but never its likes.
    """
    targets = relative_targets(posts, followers, now)
    fitted = [p for p in posts if p.shortcode in targets]
    if len(fitted) < 4:
        return None
    pca_mean, pca_axes = _pca(fitted)
    names = _feature_names(fitted, pca_axes)
    newest = max(p.taken_at for p in fitted)
    raw = _raw_features(fitted, names, newest, pca_mean, pca_axes)
    mean, scale = raw.mean(axis=0), raw.std(axis=0)
    keep = scale > 1e-9
    names, raw, mean, scale = tuple(np.array(names)[keep]), raw[:, keep], mean[keep], scale[keep]
    x = _standardise(raw, mean, scale)
    y = np.array([targets[p.shortcode] for p in fitted])
    coef = _ridge(x, y, alpha)
    loo_op = _loo_operator(x, alpha)
    slope_loo = loo_op @ y
    # Ranked by the slope part only: the left-out mean (sum − y_i)/(n − 1) falls as y_i rises,
    # which would bias a leave-one-out rank correlation down; a new post's ranking never sees it.
    loo = slope_loo + (y.sum() - y) / (len(y) - 1)
    rho = _spearman(slope_loo, y)
    return PersonalFit(
        features=names,
        mean=mean,
        scale=scale,
        coef=coef,
        intercept=float(y.mean()),
        pca_mean=pca_mean,
        pca_axes=pca_axes,
        newest=newest,
        loo={p.shortcode: float(v) for p, v in zip(fitted, loo, strict=True)},
        targets=targets,
        loo_spearman=rho,
        p_value=_permutation_p(loo_op, y, rho),
        residual_sd=float(np.sqrt(np.mean((y - loo) ** 2))),
    )


def _feature_names(posts: list[PostInput], pca_axes: np.ndarray | None) -> tuple[str, ...]:
    names = [n for n in post_features(posts[0]) if n not in EMBEDDING_FEATURES]
    names.append("recency_days")
    if pca_axes is not None:
        names.extend(f"pca_{i}" for i in range(len(pca_axes)))
    return tuple(names)


def recency_baseline(posts: list[PostInput], targets: dict[str, float]) -> float:
    """Leave-one-out Spearman of a ridge on the post's date alone (the engagement trend),
    computed exactly as the model's, so the two compare on equal terms."""
    fitted = [p for p in posts if p.shortcode in targets]
    if len(fitted) < 4:
        return 0.0
    days = np.array([[p.taken_at.timestamp() / 86400] for p in fitted])
    if np.ptp(days) == 0:
        return 0.0
    y = np.array([targets[p.shortcode] for p in fitted])
    x = (days - days.mean()) / days.std()
    return _spearman(_loo_operator(x, RECENCY_ALPHA) @ y, y)


def trustworthy(fit: PersonalFit | None) -> bool:
    return (
        fit is not None
        and len(fit.targets) >= MIN_POSTS
        and fit.loo_spearman >= MIN_SPEARMAN
        and fit.p_value < MAX_P_VALUE
    )


def _band(fit: PersonalFit, pred: float) -> tuple[float, float]:
    """One residual standard deviation either side, as places among the account's posts."""
    return (
        round(fit.percentile(pred - fit.residual_sd), 3),
        round(fit.percentile(pred + fit.residual_sd), 3),
    )


def _post_popularity(
    post: PostInput, targets: dict[str, float], fit: PersonalFit | None
) -> PostPopularity:
    if post.is_video:
        return PostPopularity(post.shortcode, "video", None, None, None)
    actual = targets.get(post.shortcode)
    status = "too_recent" if actual is None else "fitted"
    if fit is None:
        return PostPopularity(post.shortcode, status, actual, None, None)
    predicted = fit.loo[post.shortcode] if actual is not None else fit.predict(post)
    return PostPopularity(post.shortcode, status, actual, predicted, fit.percentile(predicted))


_UNEXPLAINED = ("pca_", "emb_", "recency_days")
"""Features whose effect has no plain words or no advice: fitted on, never quoted."""


def _post_result(post: PostInput, entry: PostPopularity, fit: PersonalFit) -> PopularityResult:
    pred = entry.predicted if entry.predicted is not None else fit.intercept
    when = (
        "predicted without seeing this post's likes"
        if entry.status == "fitted"
        else "this post is under two days old: its likes are still coming in"
    )
    reasons_for, reasons_against, _ = summarise(learned_reasons(*fit.contributions(post)))
    return PopularityResult(
        score=round(fit.percentile(pred), 3),
        band=_band(fit, pred),
        basis="personal",
        reliability=(
            f"Your account's own model (Spearman {fit.loo_spearman:.2f} leave-one-out on "
            f"{len(fit.targets)} posts); {when}."
        ),
        reasons_for=reasons_for,
        reasons_against=reasons_against,
    )


def _drivers(fit: PersonalFit) -> list[tuple[float, str]]:
    """(effect of one SD on log engagement, plain words) per feature group, strongest first."""
    effects = dict(zip(fit.features, fit.coef, strict=True))
    out = []
    if "hour_sin" in effects or "hour_cos" in effects:
        slopes = dict(zip(fit.features, fit.coef / fit.scale, strict=True))
        angle = math.atan2(slopes.get("hour_sin", 0.0), slopes.get("hour_cos", 0.0))
        best = round((angle % (2 * math.pi)) * 24 / (2 * math.pi)) % 24
        size = math.hypot(effects.pop("hour_sin", 0.0), effects.pop("hour_cos", 0.0))
        out.append((size, f"posting around {best:02d}:00 UTC"))
    for name, value in effects.items():
        if not name.startswith(_UNEXPLAINED):
            out.append((float(value), describe(name)[0]))
    return sorted((d for d in out if abs(d[0]) >= 0.02), key=lambda d: -abs(d[0]))


def _personal_summary(
    fit: PersonalFit, newest: PostPopularity | None, baseline: float | None
) -> PopularityResult:
    pred = newest.predicted if newest and newest.predicted is not None else fit.intercept
    drivers = _drivers(fit)
    helping = [words for value, words in drivers if value > 0]
    baseline_words = f"; the trend over time alone: {baseline:.2f}" if baseline is not None else ""
    return PopularityResult(
        score=round(fit.percentile(pred), 3),
        band=_band(fit, pred),
        basis="personal",
        reliability=(
            f"On your last {len(fit.targets)} photo posts this model ranked them with Spearman "
            f"{fit.loo_spearman:.2f} (leave-one-out{baseline_words}). The score is your newest "
            "photo post's expected place among them."
        ),
        reasons_for=[f"better for you: {words}" for words in helping[:3]],
        reasons_against=[f"worse for you: {words}" for v, words in drivers if v < 0][:3],
        suggestion=f"more of what does better for you: {helping[0]}" if helping else None,
    )


def _none_summary(fit: PersonalFit | None, n_fitted: int) -> PopularityResult:
    if fit is None or n_fitted < MIN_POSTS:
        why = (
            f"only {n_fitted} photo posts are old enough to judge (at least {MIN_POSTS} are needed)"
        )
    else:
        why = (
            f"on your last {n_fitted} photo posts the model ranked them with Spearman "
            f"{fit.loo_spearman:.2f} (leave-one-out), not clearly better than chance"
        )
    return PopularityResult(
        score=0.5, band=(0.0, 1.0), basis="none", reliability=f"Can't tell yet: {why}."
    )


class PopularityAnalyzer:
    """Profile analyzer: the account's own engagement model, or an honest "can't tell yet"."""

    name = "popularity"

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        load_prior()  # fail at start-up, not mid-analysis, when the artifact is missing
        self._clock = clock or (lambda: datetime.now(UTC))

    def analyze(self, profile: ProfileInput) -> ProfilePopularity:
        now = self._clock()
        fit = fit_personal(profile.posts, profile.followers, now)
        n_fitted = len(fit.targets) if fit else 0
        trusted = trustworthy(fit)
        targets = fit.targets if fit else {}
        posts = {
            p.shortcode: _post_popularity(p, targets, fit if trusted else None)
            for p in profile.posts
        }
        baseline = recency_baseline(profile.posts, targets) if fit else None
        photos = [p for p in profile.posts if not p.is_video]
        newest = posts[photos[0].shortcode] if photos else None
        summary = (
            _personal_summary(fit, newest, baseline)
            if trusted and fit
            else _none_summary(fit, n_fitted)
        )
        per_post = (
            {
                p.shortcode: _post_result(p, posts[p.shortcode], fit)
                for p in photos
                if posts[p.shortcode].predicted is not None
            }
            if trusted and fit
            else {}
        )
        missing = sorted(
            {m for p in photos for photo in p.photos[:1] for m in missing_signals(photo)}
        )
        return ProfilePopularity(
            summary=summary,
            posts=posts,
            loo_spearman=fit.loo_spearman if fit else None,
            baseline_spearman=baseline,
            n_posts=n_fitted,
            per_post=per_post,
            missing_signals=missing,
        )
