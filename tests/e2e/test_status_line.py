"""The selfie's status line ("Looking at your photo…") only when the answer is slow, on each
runtime. Whether an answer is slow is set here through the delay, not by timing: with a delay
no answer reaches, a selfie is one message (message ids in a chat are consecutive, so the card
coming right after the photo means nothing was sent, then deleted, in between); with none, the
line shows first and goes once the card is out, or when the analysis fails."""

from __future__ import annotations

import pytest

import handlers.photos
from tests.e2e.conftest import Running
from tests.e2e.replies import REPORT, matching, says
from tests.fixtures.instagram_fixture import astronaut_jpeg, sample_jpeg

pytestmark = pytest.mark.slow

CHAT = 4343


@pytest.mark.parametrize(
    ("delay", "messages_sent"),
    [
        (600.0, 1),  # every answer is "quick": the card alone (before: 2, the line deleted)
        (0.0, 2),  # every answer is "slow": the line, then the card (the line deleted)
    ],
)
async def test_the_status_line_is_sent_only_for_a_slow_answer(
    running: Running, monkeypatch: pytest.MonkeyPatch, delay: float, messages_sent: int
) -> None:
    monkeypatch.setattr(handlers.photos, "STATUS_DELAY", delay)
    [sent] = await running.client.send_photos(CHAT, [astronaut_jpeg()])
    [card] = await running.client.wait_for(
        CHAT, matching(REPORT), after=sent["message_id"], timeout=120
    )
    assert card["message_id"] == sent["message_id"] + messages_sent


async def test_a_failed_analysis_answers_in_place_of_its_status_line(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handlers.photos, "STATUS_DELAY", 0.0)
    broken = sample_jpeg(1)[:1500]
    sent = await running.client.send_document(CHAT, broken, "broken.jpg", "image/jpeg")
    [answer] = await running.client.wait_for(  # before: the status line stayed above it
        CHAT, matching((says("damaged or incomplete"),)), after=sent["message_id"], timeout=120
    )
    assert answer["message_id"] == sent["message_id"] + 2
