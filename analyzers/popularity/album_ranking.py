"""Album curation: rank 2–10 photos best first, near-duplicates grouped so the top picks differ.

Each photo is scored by the general prior (prior.score_photo). Two photos are
near-duplicates when the cosine similarity of their vision embeddings is at least
EMBEDDING_THRESHOLD or, when either lacks an embedding, when their 64-bit difference hashes
differ in at most HASH_THRESHOLD bits; groups are the connected components of that relation.
The ranking lists each group's best photo first (in score order), then the rest.
Thresholds are measured by training/popularity/calibrate_duplicates.py (see POPULARITY.md).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PIL import Image

from analyzers.popularity.prior import LinearPrior, score_photo
from analyzers.results import photo_analysis, result_of
from analyzers.types import (
    AlbumAnalysis,
    FacesResult,
    PhotoAnalysis,
    PhotoContext,
    PopularityResult,
    StyleResult,
    VisionOutput,
)

EMBEDDING_THRESHOLD = 0.85
"""Burst-like variants of a photo measure cosine 0.91–0.97 (5th–95th percentile), different
photos of the same kind 0.48–0.74 (calibrate.py, 50 photos of 5 sets)."""
HASH_THRESHOLD = 16
"""Same pairs: variants differ in 4–13 of 64 bits, different photos in 23–41."""
MAX_PHOTOS = 10


def difference_hash(pixels: np.ndarray) -> np.ndarray:
    """64 bits: is each pixel of a 9×8 grey thumbnail brighter than its right neighbour."""
    step = max(1, min(pixels.shape[:2]) // 64)  # subsample first: resizing 12 MP costs ~10 ms
    small = np.ascontiguousarray(pixels[::step, ::step, :3])
    grey = Image.fromarray(small).convert("L").resize((9, 8), Image.Resampling.BILINEAR)
    arr = np.asarray(grey, dtype=np.int16)
    return (arr[:, 1:] > arr[:, :-1]).ravel()


def _embedding(photo: PhotoContext) -> np.ndarray | None:
    emb = getattr(photo.results.get("vision"), "embedding", None)
    if emb is None:
        return None
    vec = np.asarray(emb, dtype=np.float64).ravel()
    norm = np.linalg.norm(vec)
    return vec / norm if norm else None


def near_duplicate_groups(photos: list[PhotoContext]) -> list[list[int]]:
    """Connected components of the near-duplicate relation, each sorted, ordered by first index."""
    embs = [_embedding(p) for p in photos]
    hashes: dict[int, np.ndarray] = {}

    def hash_of(i: int) -> np.ndarray:
        if i not in hashes:
            hashes[i] = difference_hash(photos[i].image.pixels)
        return hashes[i]

    parent = list(range(len(photos)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i in range(len(photos)):
        for j in range(i + 1, len(photos)):
            ei, ej = embs[i], embs[j]
            if ei is not None and ej is not None:
                similar = float(ei @ ej) >= EMBEDDING_THRESHOLD
            else:
                similar = int((hash_of(i) != hash_of(j)).sum()) <= HASH_THRESHOLD
            if similar:
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(photos)):
        groups.setdefault(root(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def _order(scores: list[float], groups: list[list[int]]) -> list[int]:
    by_score = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    best_of = {min(g, key=lambda i: (-scores[i], i)) for g in groups}
    return [i for i in by_score if i in best_of] + [i for i in by_score if i not in best_of]


def _why(i: int, result: PopularityResult, group: list[int], best: int) -> str:
    """The reasons behind a photo's place; its score is the report's to word (reports/)."""
    if i != best:
        return f"a near-duplicate of photo {best + 1}, which ranks above it"
    lead = f"best of {len(group)} similar photos" if len(group) > 1 else ""
    point = result.reasons_for[0] if result.reasons_for else None
    weak = result.reasons_against[0] if result.reasons_against else None
    return "; ".join(x for x in (lead, point, f"but {weak}" if weak else None) if x)


_KINDS: dict[str, type] = {"vision": VisionOutput, "style": StyleResult, "faces": FacesResult}


def _analysis(photo: PhotoContext, result: PopularityResult) -> PhotoAnalysis:
    missing = {n: "no result" for n, t in _KINDS.items() if result_of(photo.results, n, t) is None}
    return replace(photo_analysis(photo, missing), popularity=result)


def _score(photo: PhotoContext, prior: LinearPrior | None) -> PopularityResult:
    """The prior's score, reused when PhotoPopularityAnalyzer already ran on the photo."""
    done = result_of(photo.results, "popularity", PopularityResult)
    return done if done is not None and prior is None else score_photo(photo, prior)


def rank_album(
    photos: list[PhotoContext],
    prior: LinearPrior | None = None,
    analyses: list[PhotoAnalysis] | None = None,
) -> AlbumAnalysis:
    """Rank an album's photos best first; raises ValueError outside 1..MAX_PHOTOS photos.

    `analyses` (the pipeline's PhotoAnalysis per photo, same order) are kept with their
    `unavailable` notes and given the popularity result; without them they are built here.
    """
    if not 1 <= len(photos) <= MAX_PHOTOS:
        raise ValueError(f"an album has 1 to {MAX_PHOTOS} photos, got {len(photos)}")
    results = [_score(p, prior) for p in photos]
    groups = near_duplicate_groups(photos)
    ranking = _order([r.score for r in results], groups)
    group_of = {i: g for g in groups for i in g}
    best = {i: next(j for j in ranking if j in group_of[i]) for i in range(len(photos))}
    if analyses is None:
        analyses = [_analysis(p, r) for p, r in zip(photos, results, strict=True)]
    else:
        analyses = [replace(a, popularity=r) for a, r in zip(analyses, results, strict=True)]
    return AlbumAnalysis(
        photos=analyses,
        ranking=ranking,
        groups=groups,
        reasons={i: _why(i, results[i], group_of[i], best[i]) for i in range(len(photos))},
    )
