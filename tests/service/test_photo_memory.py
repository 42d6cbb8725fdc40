"""The short-lived photo memory behind "Why <style>?": expiry on a controlled clock, one
person's token useless to another, /forget, and the size bounds."""

from __future__ import annotations

import numpy as np
import pytest

from analyzers.types import DecodedImage
from service.photo_memory import KeptPhoto, PhotoMemory

ALICE, BOB = 1, 2
TTL = 15 * 60


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def kept(owner: int, style: str = "food") -> KeptPhoto:
    pixels = np.zeros((4, 6, 3), np.uint8)
    return KeptPhoto(owner, DecodedImage(pixels, (6, 4), "JPEG"), style)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def memory(clock: Clock) -> PhotoMemory:
    return PhotoMemory(TTL, clock)


def test_a_photo_is_recalled_until_it_expires(memory: PhotoMemory, clock: Clock) -> None:
    photo = kept(ALICE)
    token = memory.keep(photo)
    clock.now += TTL - 1
    assert memory.recall(ALICE, token) is photo
    clock.now += 1
    assert memory.recall(ALICE, token) is None
    assert len(memory) == 0


def test_purge_drops_only_the_expired(memory: PhotoMemory, clock: Clock) -> None:
    old = memory.keep(kept(ALICE))
    clock.now += TTL / 2
    new = memory.keep(kept(BOB))
    clock.now += TTL / 2
    assert memory.purge() == 1
    assert memory.recall(ALICE, old) is None
    assert memory.recall(BOB, new) is not None


def test_another_persons_token_gives_nothing_and_leaves_the_photo(memory: PhotoMemory) -> None:
    token = memory.keep(kept(ALICE))
    assert memory.recall(BOB, token) is None
    assert memory.recall(ALICE, token) is not None
    assert memory.recall(ALICE, "not-a-token") is None


def test_forget_drops_every_photo_of_that_person_only(memory: PhotoMemory) -> None:
    alice = [memory.keep(kept(ALICE)) for _ in range(3)]
    bob = memory.keep(kept(BOB))
    assert memory.forget(ALICE) == 3
    assert all(memory.recall(ALICE, token) is None for token in alice)
    assert memory.recall(BOB, bob) is not None
    assert memory.forget(ALICE) == 0


def test_tokens_are_unguessable_and_fit_callback_data(memory: PhotoMemory) -> None:
    tokens = {memory.keep(kept(owner)) for owner in range(50)}
    assert len(tokens) == 50
    assert all(len(t) == 16 and ":" not in t for t in tokens)


def test_bounds_evict_the_oldest(clock: Clock) -> None:
    memory = PhotoMemory(TTL, clock, max_items=3, max_per_owner=2)
    first, second, third = (memory.keep(kept(ALICE)) for _ in range(3))
    assert memory.recall(ALICE, first) is None  # Alice keeps at most 2
    assert memory.recall(ALICE, second) and memory.recall(ALICE, third)
    others = [memory.keep(kept(owner)) for owner in (BOB, 3)]
    assert len(memory) == 3
    assert memory.recall(ALICE, second) is None  # the oldest overall went first
    assert all(memory.recall(owner, t) for owner, t in zip((BOB, 3), others, strict=True))


def test_zero_minutes_means_disabled(clock: Clock) -> None:
    assert not PhotoMemory(0, clock).enabled
    assert PhotoMemory(TTL, clock).enabled
