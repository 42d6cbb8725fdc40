"""ImageNet classes reach people only as reviewed plain words, never as raw class names."""

from __future__ import annotations

import numpy as np

from analyzers.imagenet import imagenet_names, looks_like, plain_words, prior_group_matrix


def test_only_real_classes_are_listed() -> None:
    assert set(plain_words()) <= set(imagenet_names())


def test_raw_names_are_mapped_or_left_out() -> None:
    top = [("seat belt", 0.6), ("espresso", 0.3), ("Bernese Mountain Dog", 0.2), ("pizza", 0.05)]
    assert looks_like(top) == ["coffee", "a dog"]
    assert looks_like([("Windsor tie", 0.9), ("lab coat", 0.5)]) == []
    assert looks_like([("laptop computer", 0.4), ("notebook computer", 0.3)]) == ["a laptop"]


def test_objects_are_named_not_their_sport() -> None:
    # scikit-image's moon read "looks like tennis": a ball is not the game.
    top = [("tennis ball", 0.5), ("hockey puck", 0.3), ("soccer ball", 0.2)]
    assert looks_like(top) == ["a tennis ball", "a hockey puck", "a football"]


def test_repeated_names_keep_every_class_in_its_prior_group() -> None:
    names = imagenet_names()
    repeated = {n for n in names if names.count(n) > 1}
    assert repeated  # missile (657, 744), sunglasses (836, 837)
    matrix = prior_group_matrix()
    for name in repeated:
        rows = [i for i, n in enumerate(names) if n == name]
        assert all(np.array_equal(matrix[rows[0]], matrix[i]) for i in rows), name
        assert matrix[rows].any(), name
