"""Warm latency of the personality analyzer on one profile's captions.

    uv run python benchmarks/bench_personality.py [--posts 24] [--repeats 10]

The profile has `--posts` English captions of 12-30 words with hashtags, mentions and emoji
(about 20 words each, so 24 posts are ~450 words). The analyzer is constructed and run once
before timing (warm). Reported: the whole `analyze` call (median and slowest of the repeats)
and its parts: caption cleaning, language detection, the model (TF-IDF and NB-LR features and
models, VADER + Empath features and model, their combination, the writers model and the
recalibration), and of the model the lexicon features alone.
The machine is shared by several engineers: expect noise well above 10%.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime

from analyzers.captions import detect_language, profile_text
from analyzers.personality import PersonalityAnalyzer, lexicon_features
from analyzers.types import PostInput, PostText, ProfileInput

CAPTIONS = (
    "Spent the whole weekend hiking with my best friends, we laughed so much #adventuretime",
    "Finally finished my thesis draft after months of late nights. So tired but proud of it!",
    "Nothing beats a quiet morning with coffee and a good book before the chaos starts 😊",
    "Our little dog learned a new trick today and I can't stop smiling @max_the_pup #dogsofinsta",
    "Feeling a bit anxious about the exam tomorrow, wish me luck everyone 🙏",
    "Cooked dinner for the family tonight, first time trying a Thai curry and it worked",
    "Sunset at the lake with @anna #nofilter #sunsetlovers https://example.com/x",
    "Back at the gym after two weeks off, legs are on fire 🔥 #gymlife #mondaymotivation",
)


def sample_profile(posts: int) -> ProfileInput:
    items = [
        PostInput(
            shortcode=f"p{i}",
            taken_at=datetime(2024, 1, 1 + i % 28, tzinfo=UTC),
            likes=0,
            comments=0,
            text=PostText(f"{CAPTIONS[i % len(CAPTIONS)]} (day {i})"),
            is_video=False,
            photos=[],
        )
        for i in range(posts)
    ]
    return ProfileInput(username="bench", followers=None, followees=None, posts=items)


def timings(fn: Callable[[], object], repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=24)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()

    start = time.perf_counter()
    analyzer = PersonalityAnalyzer()
    load = time.perf_counter() - start
    profile = sample_profile(args.posts)
    result = analyzer.analyze(profile)  # warm-up
    text = profile_text(p.text for p in profile.posts)
    parts = {
        "analyze (whole)": lambda: analyzer.analyze(profile),
        "clean captions": lambda: profile_text(p.text for p in profile.posts),
        "detect language": lambda: detect_language(text),
        "model (bases + writers + recalibration)": lambda: analyzer.model.probabilities(text),
        "  of which VADER + Empath features": lambda: lexicon_features([text]),
    }
    print(f"{args.posts} posts, {result.words} words, confidence {result.confidence}")
    print(f"construction (cold, loads the model): {load * 1000:.0f} ms\n")
    print("| step | median ms | max ms |")
    print("|---|---|---|")
    for name, fn in parts.items():
        times = timings(fn, args.repeats)
        print(f"| {name} | {statistics.median(times) * 1000:.1f} | {max(times) * 1000:.1f} |")


if __name__ == "__main__":
    main()
