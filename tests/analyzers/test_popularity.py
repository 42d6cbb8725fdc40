"""Popularity: the engagement target, the personal model on a profile with a known rule, the
general prior, the stored features and retraining the prior from exported rows."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import spearmanr

from analyzers.popularity.features import (
    COMMENT_WEIGHT,
    engagement_row,
    log_engagement,
    post_features,
    relative_targets,
)
from analyzers.popularity.personal import MIN_POSTS, PopularityAnalyzer
from analyzers.popularity.prior import PhotoPopularityAnalyzer, load_prior, score_photo
from analyzers.types import (
    AnalyzerUnavailable,
    DecodedImage,
    Face,
    FacesResult,
    PhotoContext,
    PostText,
)
from training.popularity.retrain_prior import main as retrain
from training.popularity.sources import accounts, data_root, shortcode_time
from training.popularity.synthetic import NOW, synthetic_photo, synthetic_profile, synthetic_rows


def analyze(profile):
    return PopularityAnalyzer(clock=lambda: NOW).analyze(profile)


@pytest.fixture(scope="module")
def food_profile():
    """40 settled posts where food photos get twice the likes (log-noise SD 0.3) + 30 new ones."""
    return synthetic_profile(seed=7, n_posts=40, noise_sd=0.3, n_recent=30)


def test_personal_model_learns_that_food_gets_twice_the_likes(food_profile) -> None:
    profile, truth = food_profile
    result = analyze(profile)
    assert result.summary.basis == "personal"
    assert result.n_posts == 40
    assert result.loo_spearman is not None and result.loo_spearman > 0.4
    assert "better for you: food photos" in result.summary.reasons_for
    assert (
        "Spearman" in result.summary.reliability and "40 photo posts" in result.summary.reliability
    )
    # The 30 posts younger than two days were never fitted on: a true held-out test.
    held_out = [p for p in result.posts.values() if p.status == "too_recent"]
    assert len(held_out) == 30
    rho = spearmanr([p.predicted for p in held_out], [truth[p.shortcode] for p in held_out])
    assert rho.statistic > 0.4


def test_per_post_results_explain_each_prediction(food_profile) -> None:
    profile, _ = food_profile
    result = analyze(profile)
    assert set(result.per_post) == set(result.posts)  # every post is a photo post here
    food = next(p for p in profile.posts if p.photos[0].results["style"].top == "food")
    entry = result.per_post[food.shortcode]
    assert entry.basis == "personal" and 0.0 <= entry.band[0] <= entry.band[1] <= 1.0
    assert "a food photo" in entry.reasons_for


def test_too_little_history_cannot_tell(food_profile) -> None:
    profile, _ = food_profile
    short = replace(profile, posts=profile.posts[30 : 30 + MIN_POSTS - 2])
    result = analyze(short)
    assert result.summary.basis == "none"
    assert result.summary.reliability.startswith("Can't tell yet")
    assert f"only {MIN_POSTS - 2} photo posts" in result.summary.reliability
    assert result.summary.band == (0.0, 1.0)
    assert all(p.predicted is None for p in result.posts.values())
    assert result.per_post == {}


def test_noise_only_history_is_not_trusted() -> None:
    profile, _ = synthetic_profile(seed=3, n_posts=30, food_factor=1.0, noise_sd=0.8)
    result = analyze(profile)
    assert result.summary.basis == "none"
    assert "not clearly better than chance" in result.summary.reliability


def test_videos_and_young_posts_are_flagged_not_fitted(food_profile) -> None:
    profile, _ = food_profile
    video = replace(profile.posts[35], shortcode="video1", is_video=True, likes=10**6)
    result = analyze(replace(profile, posts=[*profile.posts, video]))
    assert result.posts["video1"].status == "video" and result.posts["video1"].score is None
    assert result.n_posts == 40
    statuses = {p.status for p in result.posts.values()}
    assert statuses == {"fitted", "too_recent", "video"}
    scores = [p.score for p in result.posts.values() if p.score is not None]
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_target_is_relative_to_the_account_and_weights_comments(food_profile) -> None:
    profile, _ = food_profile
    settled = [p for p in profile.posts if (NOW - p.taken_at) >= timedelta(days=2)]
    small = relative_targets(settled, 1_000, NOW)
    big = relative_targets(settled, 1_000_000, NOW)
    assert small == pytest.approx(big)  # followers cancel within one account
    assert np.median(list(small.values())[:30]) == pytest.approx(0.0, abs=1e-9)
    assert log_engagement(100, 10) == pytest.approx(np.log1p(100 + COMMENT_WEIGHT * 10))
    young = [p for p in profile.posts if p not in settled]
    assert relative_targets(young, 1_000, NOW) == {}


def test_analyzer_is_deterministic(food_profile) -> None:
    profile, _ = food_profile
    assert analyze(profile) == analyze(profile)


def _photo(brightness: float, face: bool, smile: float, blur: bool = False) -> PhotoContext:
    rng = np.random.default_rng(0)
    pixels = rng.normal(brightness * 255, 60, (96, 96, 3))
    if blur:
        pixels = np.full_like(pixels, brightness * 255) + rng.normal(0, 1, pixels.shape)
    image = DecodedImage(np.clip(pixels, 0, 255).astype(np.uint8), (96, 96), "JPEG")
    faces = [Face((30, 20, 36, 40), 0.95, {"happy": smile, "neutral": 1 - smile})] if face else []
    return PhotoContext(image, None, {"faces": FacesResult(faces, None)})


def test_prior_scores_within_0_1_with_a_band_and_reasons() -> None:
    good = score_photo(_photo(0.55, face=True, smile=0.9))
    bad = score_photo(_photo(0.05, face=False, smile=0.0))
    blurred = score_photo(_photo(0.55, face=True, smile=0.9, blur=True))
    for result in (good, bad, blurred):
        assert result.basis == "prior"
        assert 0.0 <= result.band[0] <= result.score <= result.band[1] <= 1.0
        assert result.band[1] - result.band[0] > 0.2  # no false precision
    assert good.score > blurred.score > bad.score
    assert "the photo is blurry" in blurred.reasons_against
    assert "a smile" in good.reasons_for
    assert "the photo is dark" in bad.reasons_against
    assert bad.suggestion == "the photo is dark: retake it in daylight or facing a window"
    assert score_photo(_photo(0.55, True, 0.9)) == good  # deterministic


def test_photo_analyzer_gives_the_prior_score() -> None:
    photo = _photo(0.55, face=True, smile=0.9)
    assert PhotoPopularityAnalyzer().analyze(photo) == score_photo(photo)


def test_prior_says_which_signals_are_missing() -> None:
    photo = _photo(0.5, face=False, smile=0.0)
    photo.results.clear()
    result = score_photo(photo)
    assert "Missing signals: vision, style, faces." in result.reliability
    assert not any("face" in r for r in result.reasons_for + result.reasons_against)


def test_missing_prior_artifact_makes_the_analyzer_unavailable(tmp_path: Path) -> None:
    with pytest.raises(AnalyzerUnavailable):
        load_prior(tmp_path / "absent.json")


def test_post_features_are_json_numbers_without_images(food_profile) -> None:
    profile, _ = food_profile
    food = next(p for p in profile.posts if p.photos[0].results["style"].top == "food")
    post = replace(food, text=PostText("Dinner! #food #yum @chef", ("food", "yum"), ("chef",)))
    feats = post_features(post)
    assert json.loads(json.dumps(feats)) == feats
    assert all(isinstance(v, float) for v in feats.values())
    assert len(feats) < 80  # a projection of the embedding, not the 1,280 numbers
    assert feats["hashtags_log"] == pytest.approx(np.log1p(2))
    assert feats["has_exclamation"] == 1.0 and feats["style_food"] > 0.5
    row = engagement_row("someone", 1234, post, NOW)
    assert json.loads(json.dumps(row)) == row
    assert row["features"] == feats
    assert row["age_days"] == pytest.approx((NOW - post.taken_at).total_seconds() / 86400)


def test_retrain_prior_from_exported_rows(tmp_path: Path) -> None:
    export = tmp_path / "rows.jsonl"
    export.write_text("".join(json.dumps(r) + "\n" for r in synthetic_rows(5, 40)))
    out = tmp_path / "prior.json"
    artifact = retrain([str(export), "--out", str(out)])
    assert artifact["heldout_spearman"] > 0.2
    assert set(artifact["heldout"]["per_account"]) == {f"synthetic{k}" for k in range(5)}
    prior = load_prior(out)
    assert "style_food" in prior.features
    rng = np.random.default_rng(5)
    food = score_photo(synthetic_photo(rng, "food", with_face=False), prior)
    other = score_photo(synthetic_photo(rng, "architecture", with_face=False), prior)
    assert food.score > other.score


def test_shortcode_gives_the_post_time() -> None:
    # natgeo's New Year's Eve 2020 series was posted on 31 December 2019 (UTC).
    assert shortcode_time("B6wpKW5j32z").date().isoformat() in ("2019-12-31", "2020-01-01")


def test_real_engagement_sources_load_as_documented() -> None:
    root = data_root() / "instagram"
    if not (root / "natgeo_posts").is_dir():
        pytest.skip(f"engagement data not found under {root} (set DIGBOT_DATA)")
    found = {a.name: a for a in accounts()}
    assert set(found) == {"natgeo", "khabar_fouri", "amankharwal"}
    news = found["khabar_fouri"]
    assert news.followers == 514_878 and len(news.posts) == 910
    assert sum(p.is_video for p in news.posts) == 231
    assert all(p.likes == 0 for p in news.posts if not p.is_video)  # hidden: comments only
    assert len(found["natgeo"].posts) > 900 and len(found["amankharwal"].posts) == 176
