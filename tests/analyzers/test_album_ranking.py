"""Album curation: near-duplicates grouped, the top picks from different groups, a why each."""

from __future__ import annotations

import numpy as np
import pytest

from analyzers.popularity.album_ranking import rank_album
from analyzers.types import (
    DecodedImage,
    Face,
    FacesResult,
    PhotoAnalysis,
    PhotoContext,
    VisionOutput,
)


def _scene(seed: int, brightness: float) -> np.ndarray:
    """A structured 120×160 picture (blocks of colour, texture) unlike other seeds' pictures."""
    rng = np.random.default_rng(seed)
    blocks = rng.uniform(0, 255, (6, 8, 3))
    pixels = np.kron(blocks, np.ones((20, 20, 1))) + rng.normal(0, 25, (120, 160, 3))
    return np.clip(pixels * brightness, 0, 255).astype(np.uint8)


def _photo(pixels: np.ndarray, embedding: np.ndarray | None, face: bool = True) -> PhotoContext:
    faces = [Face((50, 20, 50, 60), 0.9, {"happy": 0.8, "neutral": 0.2})] if face else []
    results: dict[str, object] = {"faces": FacesResult(faces, None)}
    if embedding is not None:
        results["vision"] = VisionOutput(embedding.astype(np.float32), [], {})
    return PhotoContext(DecodedImage(pixels, (160, 120), "JPEG"), None, results)


def _album(with_embeddings: bool) -> list[PhotoContext]:
    """Photos 0 and 1: one bright scene shot twice; photo 2: a different, dark scene, no face."""
    rng = np.random.default_rng(1)
    base_emb, other_emb = np.abs(rng.normal(0, 1, (2, 1280)))
    first = _scene(10, 1.0)
    again = np.clip(first.astype(int) + rng.integers(-12, 12, first.shape), 0, 255).astype(np.uint8)
    embs = [base_emb, base_emb + rng.normal(0, 0.1, 1280), other_emb]
    pixels = [first, again, _scene(20, 0.25)]
    return [
        _photo(p, e if with_embeddings else None, face=i < 2)
        for i, (p, e) in enumerate(zip(pixels, embs, strict=True))
    ]


@pytest.mark.parametrize("with_embeddings", [True, False], ids=["embeddings", "pixel-hash"])
def test_near_duplicates_are_grouped_and_top_two_differ(with_embeddings: bool) -> None:
    photos = _album(with_embeddings)
    album = rank_album(photos)
    assert album.groups == [[0, 1], [2]]
    scores = [p.popularity.score for p in album.photos if p.popularity]
    assert min(scores[0], scores[1]) > scores[2]  # a plain score ranking would pick 0 and 1
    top_two = album.ranking[:2]
    assert {0, 1} & set(top_two) and 2 in top_two
    assert sorted(album.ranking) == [0, 1, 2]
    dropped = album.ranking[2]
    assert "near-duplicate of photo" in album.reasons[dropped]
    assert set(album.reasons) == {0, 1, 2}
    assert not any("score" in why for why in album.reasons.values())  # reports/ words scores


def test_photo_analyses_say_what_was_missing() -> None:
    album = rank_album(_album(with_embeddings=False))
    assert len(album.photos) == 3
    first = album.photos[0]
    assert first.vision is None and first.faces is not None
    assert first.unavailable == {"vision": "no result", "style": "no result"}
    assert first.popularity is not None and first.popularity.basis == "prior"


def test_pipeline_analyses_are_kept_and_given_the_score() -> None:
    photos = _album(with_embeddings=True)
    given = [PhotoAnalysis(image=p.image, unavailable={"style": "model missing"}) for p in photos]
    album = rank_album(photos, analyses=given)
    assert [a.unavailable for a in album.photos] == [{"style": "model missing"}] * 3
    assert all(a.popularity is not None for a in album.photos)


def test_album_size_is_checked() -> None:
    photo = _album(with_embeddings=False)[0]
    with pytest.raises(ValueError):
        rank_album([])
    with pytest.raises(ValueError):
        rank_album([photo] * 11)


def test_ranking_is_deterministic() -> None:
    first, second = rank_album(_album(True)), rank_album(_album(True))
    assert (first.ranking, first.groups, first.reasons) == (
        second.ranking,
        second.groups,
        second.reasons,
    )
    assert [p.popularity for p in first.photos] == [p.popularity for p in second.photos]
