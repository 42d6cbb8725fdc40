"""The numpy MiniLM encoder: windowing of long texts and the shape of its output.

Its numerical agreement with Hugging Face's BertModel is checked by
training/personality/check_minilm.py (it needs torch, which is not a project dependency).
"""

from __future__ import annotations

import numpy as np
import pytest

from analyzers.minilm import DIM, WINDOW, MiniLM

LONG = " ".join(f"Sentence number {i} says something about a walk in the park." for i in range(40))


@pytest.fixture(scope="module")
def model() -> MiniLM:
    return MiniLM()


def test_embeddings_are_unit_vectors(model: MiniLM) -> None:
    vectors = model.embed(["A man is eating food.", "", LONG])
    assert vectors.shape == (3, DIM) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("window", [128, WINDOW])
def test_windows_cover_every_piece_once(model: MiniLM, window: int) -> None:
    pieces = model._pieces(LONG)
    windows = model._windows(pieces, window)
    assert len(windows) > 1 and all(len(w) <= window for w in windows)
    assert [p for w in windows for p in w[1:-1]] == pieces
    assert all(w[0] == 101 and w[-1] == 102 for w in windows)  # [CLS] ... [SEP]


def test_window_length_only_matters_for_long_texts(model: MiniLM) -> None:
    short = ["A man is eating a piece of bread."]
    assert np.allclose(model.embed(short, window=128), model.embed(short), atol=1e-6)
    assert not np.allclose(model.embed([LONG], window=128), model.embed([LONG]), atol=1e-3)


def test_a_long_text_is_the_mean_of_its_windows(model: MiniLM) -> None:
    windows = model._windows(model._pieces(LONG), 128)
    each = model._encode_batch(windows)
    mean = each.mean(0) / np.linalg.norm(each.mean(0))
    assert np.allclose(model.embed([LONG], window=128)[0], mean, atol=1e-5)


def test_window_too_long_is_refused(model: MiniLM) -> None:
    with pytest.raises(ValueError):
        model.embed(["hello"], window=WINDOW + 1)
