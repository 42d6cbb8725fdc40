"""Pieces of training/vision that decide what a candidate is: A9's fixed term (fifth amendment)
and the EfficientNet-Lite0 conversion of candidate A5."""

from __future__ import annotations

import numpy as np
import pytest
from skimage import data as skdata

from analyzers.imagenet import PRIOR_EPS, PRIOR_GROUPS, imagenet_names
from training.vision.heads import CLASSES, Head, sure_excess


def _prior(masses: np.ndarray) -> np.ndarray:
    return np.log(masses + PRIOR_EPS).astype(np.float32)


def test_the_sure_term_never_lowers_a_class_and_is_zero_below_half() -> None:
    rng = np.random.default_rng(0)
    groups, k = len(PRIOR_GROUPS), len(CLASSES)
    head = Head(
        rng.normal(size=(8, k)).astype(np.float32),
        rng.normal(size=k).astype(np.float32),
        CLASSES,
        rng.normal(size=(groups, k)).astype(np.float32),
    )
    masses = rng.uniform(0.0, 0.49, size=(200, groups))
    masses[:100, 3] = rng.uniform(0.6, 1.0, size=100)  # ImageNet sure of one group
    embeddings = rng.normal(size=(200, 8)).astype(np.float32)
    before = head.logits(embeddings, _prior(masses))
    after = head.plus_sure(np.full((groups, k), 2.0, np.float32)).logits(embeddings, _prior(masses))
    assert (after >= before - 1e-5).all()
    unsure = np.arange(200) >= 100
    np.testing.assert_allclose(after[unsure], before[unsure], atol=1e-5)
    assert (after[~unsure] > before[~unsure] + 1e-3).all()
    assert sure_excess(_prior(np.array([[1.0]]))).item() == pytest.approx(np.log(2), abs=1e-3)


@pytest.mark.slow
def test_lite0_conversion_reads_the_sample_photos() -> None:
    pytest.importorskip("tensorflow", reason="the conversion is built with Keras")
    from analyzers.vision import pad_for_backbone
    from training.vision.backbone import embed
    from training.vision.lite0 import WEIGHTS_FILE, build_lite0
    from training.vision.torch_legacy import load_state_dict

    model = build_lite0(load_state_dict(WEIGHTS_FILE))
    photos = np.stack([pad_for_backbone(skdata.coffee()), pad_for_backbone(skdata.chelsea())])
    embedding, logits = embed(model, photos)
    names = imagenet_names()
    assert embedding.shape == (2, 1280)
    assert names[int(logits[0].argmax())] == "espresso"
    assert 281 <= int(logits[1].argmax()) <= 285  # ImageNet's domestic cats
