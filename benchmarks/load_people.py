"""The simulated people of `bench_load`, in a process of their own (not the bot's).

Each person sends photos one after another through the playground's person API, waiting for
the whole answer (or a refusal) before the next; all people at once. Run by `bench_load` as

    python -m benchmarks.load_people URL --people 50 --photos 2 [--first-chat 100]

it prints "ready" once its photos are encoded, starts when it reads a line, then prints one
JSON object: the flood's wall time, each photo's outcome (latency, refused) and
the number of messages the bot put into the people's chats. Nothing here imports the bot, so
the bot's process, its event loop and its memory are the bot's alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from handlers import texts
from playground.client import PlaygroundClient


def finished(working: str) -> Callable[[list[dict[str, Any]]], bool]:
    """The answer is complete: a chart arrived and the status line is gone or became the text
    (or, in the flow that keeps the status line, a text followed the charts). An answer that
    came before its status line was due has no status line at all."""
    prefix = working.split("{")[0]

    def done(messages: list[dict[str, Any]]) -> bool:
        if not any(m["photos"] for m in messages):
            return False
        status_left = any((m["text"] or "").startswith(prefix) for m in messages)
        return not status_left or not messages[-1]["photos"]

    return done


def _answered(messages: list[dict[str, Any]]) -> bool:
    """A photo report or a refusal ("busy", the hourly limit)."""
    said = " ".join(m["text"] or "" for m in messages)
    return finished(texts.WORKING_PHOTO)(messages) or "try again" in said or "come back" in said


@dataclass
class Outcome:
    latency: float
    refused: bool


async def person(client: PlaygroundClient, chat: int, photos: list[bytes]) -> list[Outcome]:
    outcomes = []
    for data in photos:
        started = time.perf_counter()
        sent = await client.send_photos(chat, [data])
        answer = await client.wait_for(chat, _answered, after=sent[-1]["message_id"], timeout=600)
        refused = not any(m["photos"] for m in answer)
        outcomes.append(Outcome(time.perf_counter() - started, refused))
    return outcomes


def photos() -> list[bytes]:
    """Three real photos (a cup, a cat, a portrait) and five 1080 px synthetic ones."""
    from tests.fixtures.instagram_fixture import (
        astronaut_jpeg,
        chelsea_jpeg,
        coffee_jpeg,
        sample_jpeg,
    )

    return [coffee_jpeg(), chelsea_jpeg(), astronaut_jpeg()] + [
        sample_jpeg(i, (1080, 1080)) for i in range(5)
    ]


async def flood(
    base_url: str, people: int, photos_each: int, first_chat: int, images: list[bytes]
) -> dict[str, Any]:
    client = PlaygroundClient(base_url)
    try:
        started = time.perf_counter()
        results = await asyncio.gather(
            *(
                person(
                    client,
                    first_chat + p,
                    [images[(p + k) % len(images)] for k in range(photos_each)],
                )
                for p in range(people)
            )
        )
        elapsed = time.perf_counter() - started
        messages = 0
        for chat in range(first_chat, first_chat + people):
            messages += sum(m["sender"] == "bot" for m in await client.messages(chat))
    finally:
        await client.close()
    return {
        "elapsed": elapsed,
        "outcomes": [asdict(o) for result in results for o in result],
        "messages": messages,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url")
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--photos", type=int, default=2, help="photos per person")
    parser.add_argument("--first-chat", type=int, default=100)
    args = parser.parse_args()
    images = photos()
    print("ready", flush=True)
    sys.stdin.readline()  # "go"
    outcome = asyncio.run(flood(args.base_url, args.people, args.photos, args.first_chat, images))
    print(json.dumps(outcome))
