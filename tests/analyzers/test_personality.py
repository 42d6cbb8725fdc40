"""The personality analyzer: artifact loading, text gates, the stack's formula, and the reported
CV figure."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from analyzers.personality import (
    MODEL_PATH,
    NOT_ENOUGH_TEXT,
    PERSONALITY_CAVEAT,
    TRAIT_EXPLANATIONS,
    PersonalityAnalyzer,
    PersonalityModel,
    lexicon_features,
    tfidf_features,
)
from analyzers.types import TRAIT_IDS, AnalyzerUnavailable, PostInput, PostText, ProfileInput

ENGLISH = [
    "Spent the whole weekend hiking with my best friends, we laughed so much #adventuretime",
    "Finally finished my thesis draft after months of late nights. So tired but proud of it!",
    "Nothing beats a quiet morning with coffee and a good book before the chaos starts 😊",
    "Our little dog learned a new trick today and I can't stop smiling @max_the_pup",
    "Feeling a bit anxious about the exam tomorrow, wish me luck everyone",
    "Cooked dinner for the family tonight, first time trying a Thai curry and it worked",
]


def profile(captions: list[str]) -> ProfileInput:
    posts = [
        PostInput(
            shortcode=f"p{i}",
            taken_at=datetime(2024, 1, 1 + i % 28, tzinfo=UTC),
            likes=0,
            comments=0,
            text=PostText(caption),
            is_video=False,
            photos=[],
        )
        for i, caption in enumerate(captions)
    ]
    return ProfileInput(username="someone", followers=None, followees=None, posts=posts)


@pytest.fixture(scope="module")
def analyzer() -> PersonalityAnalyzer:
    return PersonalityAnalyzer()


def test_missing_artifact_makes_the_analyzer_unavailable(tmp_path: Path) -> None:
    with pytest.raises(AnalyzerUnavailable):
        PersonalityAnalyzer(tmp_path / "personality.json")


def test_corrupt_artifact_makes_the_analyzer_unavailable(tmp_path: Path) -> None:
    data = json.loads(MODEL_PATH.read_text())
    data["traits"] = list(reversed(data["traits"]))
    path = tmp_path / "personality.json"
    path.write_text(json.dumps(data))
    with pytest.raises(AnalyzerUnavailable):
        PersonalityAnalyzer(path)


def test_english_captions_get_five_scores_in_range(analyzer: PersonalityAnalyzer) -> None:
    result = analyzer.analyze(profile(ENGLISH * 2))
    assert result.scores is not None and set(result.scores) == set(TRAIT_IDS)
    assert all(0.0 <= s <= 1.0 for s in result.scores.values())
    assert result.language == "en" and result.reason is None
    assert 0.0 < result.confidence <= 1.0


def test_scores_are_deterministic(analyzer: PersonalityAnalyzer) -> None:
    assert analyzer.analyze(profile(ENGLISH)) == analyzer.analyze(profile(ENGLISH))


def test_confidence_grows_with_text(analyzer: PersonalityAnalyzer) -> None:
    less = analyzer.analyze(profile(ENGLISH))
    more = analyzer.analyze(profile(ENGLISH * 4))
    assert analyzer.model.min_words <= less.words < more.words
    assert more.confidence > less.confidence > 0


def test_short_text_is_not_enough(analyzer: PersonalityAnalyzer) -> None:
    result = analyzer.analyze(profile(["Beach day ☀️ #summer", "", "love you guys"]))
    assert result.scores is None and result.reason == NOT_ENOUGH_TEXT
    assert result.words < analyzer.model.min_words


def test_no_captions_is_not_enough(analyzer: PersonalityAnalyzer) -> None:
    result = analyzer.analyze(profile(["", "", "@friend"]))
    assert result.scores is None and result.reason == NOT_ENOUGH_TEXT and result.words == 0


@pytest.mark.parametrize(
    ("captions", "language"),
    [
        (["امروز با دوستانم به کوه رفتیم و هوا عالی بود، خیلی خوش گذشت"] * 8, "fa"),
        (["Сегодня мы гуляли в парке с друзьями, погода была прекрасная"] * 8, "ru"),
        (["Hoy fuimos a la playa con mis amigos y fue un día increíble"] * 8, "es"),
    ],
)
def test_non_english_captions_are_not_scored(
    analyzer: PersonalityAnalyzer, captions: list[str], language: str
) -> None:
    result = analyzer.analyze(profile(captions))
    assert result.scores is None and result.language == language
    assert result.reason is not None and "not in English" in result.reason


def test_long_foreign_captions_are_left_out_of_a_mixed_profile(
    analyzer: PersonalityAnalyzer,
) -> None:
    foreign = "Hoy fuimos a la playa con mis amigos y fue un día increíble de verdad"
    mixed = analyzer.analyze(profile([*ENGLISH, foreign]))
    assert mixed == analyzer.analyze(profile(ENGLISH))


def test_report_texts_cover_every_trait() -> None:
    assert set(TRAIT_EXPLANATIONS) == set(TRAIT_IDS)
    assert "diagnosis" in PERSONALITY_CAVEAT and "hiring" in PERSONALITY_CAVEAT


def test_the_score_combines_three_base_logits_per_trait() -> None:
    """Each base model is the logistic formula on its features; the essays' score is the
    combiner's formula on the three base logits of the trait, then the social-media
    recalibration (if shipped) is a logistic formula on its logit."""
    model = PersonalityModel.load()
    text = "I love my friends and parties, but exams make me so nervous"
    z = model.base_logits([text])[0]  # (5 traits, 3 base models)
    x = model.features([text]).toarray()[0]
    split = len(model.word.idf_)
    assert np.isclose(np.linalg.norm(x[:split]), 1.0)  # each TF-IDF block is L2-normed
    assert np.allclose(z[:, 0], model.tfidf.coef @ x + model.tfidf.intercept)
    for j in range(len(TRAIT_IDS)):
        scaled = (x > 0) * model.nb_ratio[j]
        blocks = [scaled[:split], scaled[split:]]
        nb = sum(
            block @ coef / np.linalg.norm(block)
            for block, coef in zip(blocks, np.split(model.nblr.coef[j], [split]), strict=True)
        )
        assert np.isclose(z[j, 1], nb + model.nblr.intercept[j])
    assert model.lexicon.mean is not None and model.lexicon.scale is not None
    lex = (lexicon_features([text])[0] - model.lexicon.mean) / model.lexicon.scale
    assert np.allclose(z[:, 2], model.lexicon.coef @ lex + model.lexicon.intercept)
    if model.combiner == "stack":
        assert model.meta is not None
        expected = 1 / (1 + np.exp(-((z * model.meta.coef).sum(1) + model.meta.intercept)))
    else:
        expected = (1 / (1 + np.exp(-z))).mean(1)
    assert np.allclose(model.essay_probabilities([text])[0], expected)
    if model.social is not None:
        inputs = [np.log(expected / (1 - expected))]
        if model.writers is not None:  # the writers model: its own TF-IDF vocabulary, one LR
            w = model.writers
            xw = tfidf_features(w.word, w.char, [text]).toarray()[0]
            assert np.isclose(np.linalg.norm(xw[len(w.word.idf_) :]), 1.0)
            inputs.append(w.linear.coef @ xw + w.linear.intercept)
        social = (np.stack(inputs, axis=-1) * model.social.coef).sum(-1) + model.social.intercept
        expected = 1 / (1 + np.exp(-social))
    assert np.allclose(model.probabilities(text), expected)


def _artifact_copy(tmp_path: Path, arrays: dict[str, np.ndarray]) -> Path:
    """A copy of the shipped artifact in tmp_path with `arrays` in place of its .npz."""
    meta = json.loads(MODEL_PATH.read_text())
    np.savez(tmp_path / meta["arrays"], **arrays)
    path = tmp_path / MODEL_PATH.name
    path.write_text(json.dumps(meta))
    return path


@pytest.mark.parametrize("damage", ["one-input recalibration", "writers model without weights"])
def test_a_recalibration_that_does_not_fit_the_writers_model_is_refused(
    tmp_path: Path, damage: str
) -> None:
    with np.load(MODEL_PATH.with_suffix(".npz")) as shipped:
        arrays = {k: shipped[k] for k in shipped.files}
    if "writers_coef" not in arrays:
        pytest.skip("the shipped artifact has no writers model")
    if damage == "one-input recalibration":
        arrays["social_coef"] = arrays["social_coef"][:, :1]
    else:
        del arrays["writers_coef"]
    with pytest.raises(AnalyzerUnavailable):
        PersonalityAnalyzer(_artifact_copy(tmp_path, arrays))


@pytest.mark.parametrize("combiner", ["median", None])
def test_unknown_combiner_makes_the_analyzer_unavailable(
    tmp_path: Path, combiner: str | None
) -> None:
    data = json.loads(MODEL_PATH.read_text())
    if combiner is None:
        del data["combiner"]
    else:
        data["combiner"] = combiner
    path = tmp_path / "personality.json"
    path.write_text(json.dumps(data))
    (tmp_path / data["arrays"]).symlink_to(MODEL_PATH.with_name(data["arrays"]))
    with pytest.raises(AnalyzerUnavailable):
        PersonalityAnalyzer(path)


def test_weak_traits_of_the_card_reach_the_result(analyzer: PersonalityAnalyzer) -> None:
    result = analyzer.analyze(profile(ENGLISH * 2))
    assert result.weak_traits == analyzer.model.weak_traits
    assert set(result.weak_traits) <= set(TRAIT_IDS)


CHECK_PATH = MODEL_PATH.with_name("personality_check.npz")


@pytest.mark.slow
def test_held_out_fold_reproduces_the_reported_accuracy() -> None:
    """Score 150 held-out essays of CV fold 0, read from the raw data, with the shipped
    vocabularies and fold 0's stack: the saved accuracy comes back, near the CV mean."""
    data = pytest.importorskip("training.personality.data")
    if not data.essays_path().exists():
        pytest.skip(f"essays data not found at {data.essays_path()} (set DIGBOT_DATA)")
    from training.personality.evaluate import essay_folds

    essays = data.load_essays()
    meta = json.loads(MODEL_PATH.read_text())
    with np.load(MODEL_PATH.with_suffix(".npz")) as shipped, np.load(CHECK_PATH) as check:
        arrays = {k: shipped[k] for k in shipped.files if k.endswith(("_terms", "_idf", "_names"))}
        arrays |= {k: check[k] for k in check.files}
    indices = arrays["essay_indices"]
    saved, cv_mean = float(arrays["accuracy"]), float(arrays["cv_mean_accuracy"])
    assert set(indices) <= set(essay_folds(essays.labels)[0][1]), "check essays must be held out"
    fold_model = PersonalityModel.from_arrays(meta, arrays)
    predicted = fold_model.predict([essays.texts[i] for i in indices]) >= 0.5
    accuracy = 100.0 * float((predicted == essays.labels[indices].astype(bool)).mean())
    assert accuracy == pytest.approx(saved, abs=1e-6)
    standard_error = 100.0 * np.sqrt(0.25 / len(indices))  # per trait; traits are correlated
    assert abs(accuracy - cv_mean) < 3 * standard_error


def test_concurrent_calls_give_the_sequential_answers(analyzer: PersonalityAnalyzer) -> None:
    from concurrent.futures import ThreadPoolExecutor

    profiles = [profile(ENGLISH[i:] * 3) for i in range(4)]
    sequential = [analyzer.analyze(p) for p in profiles]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(analyzer.analyze, profiles * 3)) == sequential * 3
