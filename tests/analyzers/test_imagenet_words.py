"""ImageNet classes reach people only as reviewed plain words, never as raw class names."""

from __future__ import annotations

from analyzers.imagenet import imagenet_names, looks_like, plain_words


def test_only_real_classes_are_listed() -> None:
    assert set(plain_words()) <= set(imagenet_names())


def test_raw_names_are_mapped_or_left_out() -> None:
    top = [("seat belt", 0.6), ("espresso", 0.3), ("Bernese Mountain Dog", 0.2), ("pizza", 0.05)]
    assert looks_like(top) == ["coffee", "a dog"]
    assert looks_like([("Windsor tie", 0.9), ("lab coat", 0.5)]) == []
    assert looks_like([("laptop computer", 0.4), ("notebook computer", 0.3)]) == ["a laptop"]
