"""Small things a person notices: a photo too small to judge is refused with the minimum size
(not given a confident style), and a link to a single post gets an answer that asks for the
profile (not "I did not get that"). The playground over real HTTP; no models are needed: the
refusals come before any analysis."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from analyzers.images import MIN_SIDE
from handlers import texts
from tests.e2e.conftest import Running
from tests.e2e.replies import View, at_least

pytestmark = [pytest.mark.slow, pytest.mark.without_models]

CHAT = 6401


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(out, format="PNG")
    return out.getvalue()


def answered(messages: list[View]) -> bool:
    """The answer, not only the status line shown while the photo is looked at."""
    return any("Looking at" not in (m["text"] or "") for m in messages)


@pytest.mark.parametrize("size", [(1, 1), (400, MIN_SIDE - 1)])
async def test_a_tiny_image_is_refused_with_the_minimum(
    running: Running, size: tuple[int, int]
) -> None:
    sent = await running.client.send_photos(CHAT, [png(*size)])
    replies = await running.client.wait_for(CHAT, answered, after=sent[-1]["message_id"])
    answer = replies[-1]["text"]
    assert "too small" in answer and f"{MIN_SIDE}×{MIN_SIDE}" in answer
    assert "%" not in answer  # no style, no confidence


@pytest.mark.parametrize(
    "link",
    [
        "https://www.instagram.com/p/C0xYz12AbCd/",
        "instagram.com/reel/C0xYz12AbCd",
        "https://instagram.com/p/C0xYz12AbCd/?igsh=abc",
    ],
)
async def test_a_post_link_asks_for_the_profile(running: Running, link: str) -> None:
    sent = await running.client.send_text(CHAT, link)
    replies = await running.client.wait_for(CHAT, at_least(1), after=sent["message_id"])
    answer = replies[-1]["text"]
    assert "not single posts" in answer and "instagram.com/natgeo" in answer
    assert texts.NOT_UNDERSTOOD not in answer
