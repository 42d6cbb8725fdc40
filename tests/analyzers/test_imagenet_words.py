"""ImageNet classes reach people only as reviewed plain words, never as raw class names."""

from __future__ import annotations

from analyzers.imagenet import imagenet_names, looks_like, plain_words, style_class_matrix


def test_every_style_evidence_class_has_plain_words_and_only_real_classes_are_listed() -> None:
    words = plain_words()
    names = set(imagenet_names())
    assert set(words) <= names
    says_a_style = {imagenet_names()[i] for i in style_class_matrix().any(axis=1).nonzero()[0]}
    assert says_a_style <= set(words)


def test_raw_names_are_mapped_or_left_out() -> None:
    top = [("seat belt", 0.6), ("espresso", 0.3), ("Bernese Mountain Dog", 0.2), ("pizza", 0.05)]
    assert looks_like(top) == ["coffee", "a dog"]
    assert looks_like([("Windsor tie", 0.9), ("lab coat", 0.5)]) == []
    assert looks_like([("laptop computer", 0.4), ("notebook computer", 0.3)]) == ["a laptop"]
