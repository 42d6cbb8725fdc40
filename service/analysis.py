"""Profile, photo and album analyses: fetch, decode once, run the analyzers in workers.

The event loop only awaits here: every decode and every model call runs in the worker pool.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TypeVar

import numpy as np
from PIL import Image

from analyzers.explain import backbone_of, explain_style
from analyzers.images import ImageRejected, decode_image, require_judgeable
from analyzers.pipeline import Pipeline
from analyzers.popularity.album_ranking import rank_album
from analyzers.popularity.features import post_features
from analyzers.popularity.personal import ProfilePopularity
from analyzers.results import result_of
from analyzers.types import (
    AlbumAnalysis,
    AnalyzerUnavailable,
    DecodedImage,
    HabitsResult,
    PersonalityResult,
    PhotoAnalysis,
    PhotoContext,
    PortraitResult,
    PostAnalysis,
    PostInput,
    PostText,
    ProfileAnalysis,
    ProfileInput,
    StyleExplanation,
)
from instagram.models import FetchedPost, FetchedProfile
from instagram.source import ProfileSource
from service.cache import ProfileCache
from service.errors import ServiceError

log = logging.getLogger(__name__)

Progress = Callable[[str], Awaitable[None]]
T = TypeVar("T")

THUMBNAIL_SIDE = 256
"""Profile photos are kept only as thumbnails once analysed (charts need no more)."""


async def _no_progress(_: str) -> None:
    return None


def thumbnail(image: DecodedImage, side: int = THUMBNAIL_SIDE) -> DecodedImage:
    if max(image.width, image.height) <= side:
        return image
    picture = Image.fromarray(image.pixels)
    picture.thumbnail((side, side), Image.Resampling.LANCZOS)
    return replace(image, pixels=np.asarray(picture))


def post_text(post: FetchedPost) -> PostText:
    """What a fetched post says, as the analyzers read it."""
    return PostText(post.caption, post.hashtags, post.mentions)


def style_shares(posts: Sequence[PostAnalysis]) -> dict[str, float]:
    """Style id -> share of the posts whose (cover) photo has that top style."""
    counts = Counter(post.style.top for post in posts if post.style is not None)
    total = sum(counts.values())
    return {style: count / total for style, count in counts.most_common()} if total else {}


def unreadable_notes(fetched: FetchedProfile) -> list[str]:
    """The line that tells the person how many posts could not be read (none: no line).

    Raises ServiceError when not one post could be read: that is no profile to report on, and
    an ordinary "no posts analysed" report would hide it.
    """
    bad, read = fetched.unreadable_posts, len(fetched.posts)
    if not bad:
        return []
    if not read:
        raise ServiceError(
            f"I could not read any of the {bad} posts of @{fetched.username}: their saved "
            "files are damaged. Please try again later or another profile; if the folder is "
            "yours, download the profile again with instaloader."
        )
    return [f"{bad} of {bad + read} posts could not be read, so this report is about {read}."]


WARM_UP_CAPTION = "Morning coffee with friends before work, then a long run #coffee #running"


def warm_up(pipeline: Pipeline) -> PhotoAnalysis:
    """A made-up photo and caption through every analyzer but the deferred ones (blocking), so
    that what they load lazily is loaded now, not in a person's first report; returns the
    photo's analysis to draw a chart with."""
    ramp = np.linspace(0, 255, 320, dtype=np.uint8)
    pixels = np.stack(np.broadcast_arrays(ramp[None, :], ramp[:, None], ramp[::-1, None]), axis=-1)
    text = PostText(WARM_UP_CAPTION, ("coffee", "running"))
    context = pipeline.analyze_image(DecodedImage(pixels, (320, 320), "PNG"), text)
    post = PostInput("warmup", datetime(2026, 1, 1, tzinfo=UTC), 10, 1, text, False, [context])
    # Not the analyzers that load at their first real use (personality: ~140 MB a bot
    # answering photos never needs; analyzers/personality_deferred.py).
    eager = [a for a in pipeline.analyzers.profile if not getattr(a, "deferred", False)]
    Pipeline(replace(pipeline.analyzers, profile=eager)).analyze_profile(
        ProfileInput("warmup", 100, 100, [post])
    )
    return pipeline.photo_analysis(context)


class AnalysisService:
    def __init__(
        self,
        pipeline: Pipeline,
        executor: Executor,
        source: ProfileSource,
        *,
        max_posts: int,
        max_image_pixels: int,
        profiles: ProfileCache,
    ) -> None:
        self.pipeline = pipeline
        self.executor = executor
        self.source = source
        self.max_posts = max_posts
        self.max_image_pixels = max_image_pixels
        self._profiles = profiles
        self.backbone = backbone_of(pipeline.analyzers.image)
        """The vision model the heat maps reuse; None when it is not available."""

    async def _in_worker(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.executor, function, *args)

    # --- blocking work, run in the pool ------------------------------------------------------

    def _photo(self, data: bytes, text: PostText | None) -> PhotoContext:
        image = decode_image(data, max_pixels=self.max_image_pixels)
        require_judgeable(image)
        return self.pipeline.analyze_image(image, text)

    def _post_photos(self, post: FetchedPost) -> list[PhotoContext]:
        text = post_text(post)
        photos = []
        for data in post.images:
            try:
                photos.append(self._photo(data, text))
            except ImageRejected as exc:
                log.warning("post %s: image skipped (%s)", post.shortcode, exc.kind)
        return photos

    # --- the three analyses ------------------------------------------------------------------

    async def fetch(self, username: str) -> FetchedProfile:
        cached = await self._profiles.get(username)
        if cached is not None:
            return cached
        profile = await self.source.fetch(username, self.max_posts)
        await self._profiles.put(username, profile)
        return profile

    async def analyze_fetched(
        self, fetched: FetchedProfile, progress: Progress = _no_progress
    ) -> ProfileAnalysis:
        await progress(f"Fetched {len(fetched.posts)} posts of @{fetched.username}")
        photos = await asyncio.gather(
            *(self._in_worker(self._post_photos, p) for p in fetched.posts)
        )
        count = sum(len(p) for p in photos)
        await progress(f"Analysed {count} photos")
        inputs = [
            PostInput(
                shortcode=post.shortcode,
                taken_at=post.taken_at,
                likes=post.likes,
                comments=post.comments,
                text=post_text(post),
                is_video=post.is_video,
                photos=contexts,
            )
            for post, contexts in zip(fetched.posts, photos, strict=True)
        ]
        profile = ProfileInput(
            username=fetched.username,
            followers=fetched.followers,
            followees=fetched.followees,
            posts=inputs,
        )
        failed = await self._in_worker(self.pipeline.analyze_profile, profile)
        await progress("Personality, habits and popularity done")
        return await self._in_worker(self._profile_analysis, fetched, profile, failed)

    def _profile_analysis(
        self, fetched: FetchedProfile, profile: ProfileInput, failed: dict[str, str]
    ) -> ProfileAnalysis:
        popularity = result_of(profile.results, "popularity", ProfilePopularity)
        per_post = popularity.per_post if popularity is not None else {}
        posts = [
            PostAnalysis(
                shortcode=item.shortcode,
                taken_at=item.taken_at,
                likes=item.likes,
                comments=item.comments,
                is_video=item.is_video,
                text=item.text,
                photos=[
                    replace(self.pipeline.photo_analysis(c), image=thumbnail(c.image))
                    for c in item.photos
                ],
                popularity=per_post.get(item.shortcode),
                features=post_features(item),
            )
            for item in profile.posts
        ]
        return ProfileAnalysis(
            username=fetched.username,
            full_name=fetched.full_name,
            followers=fetched.followers,
            followees=fetched.followees,
            fetched_at=fetched.fetched_at,
            posts=posts,
            style_shares=style_shares(posts),
            personality=result_of(profile.results, "personality", PersonalityResult),
            habits=result_of(profile.results, "habits", HabitsResult),
            popularity=popularity.summary if popularity is not None else None,
            portrait=result_of(profile.results, "portrait", PortraitResult),
            unavailable={**self.pipeline.unavailable, **failed},
        )

    async def analyze_photo(self, data: bytes) -> PhotoAnalysis:
        """Raises ImageRejected (with a user_message) for anything that is not a usable photo."""
        context = await self._in_worker(self._photo, data, None)
        return self.pipeline.photo_analysis(context)

    def _rank_album(self, contexts: list[PhotoContext]) -> AlbumAnalysis:
        """The prior's ranking, over the pipeline's analyses (kept with their notes)."""
        return rank_album(contexts, analyses=[self.pipeline.photo_analysis(c) for c in contexts])

    async def analyze_album(self, photos: Sequence[bytes]) -> tuple[AlbumAnalysis, list[int]]:
        """Rank the usable photos; also returns the positions (1-based) of photos refused."""
        outcomes = await asyncio.gather(
            *(self._in_worker(self._photo, data, None) for data in photos),
            return_exceptions=True,
        )
        contexts = [o for o in outcomes if isinstance(o, PhotoContext)]
        refused = [i + 1 for i, o in enumerate(outcomes) if isinstance(o, ImageRejected)]
        for outcome in outcomes:
            if isinstance(outcome, BaseException) and not isinstance(outcome, ImageRejected):
                raise outcome
        if len(contexts) < 2:
            raise ImageRejected(
                "album",
                "I need at least two photos I can open to compare them. Please send 2 to 10 "
                "photos together as one album.",
            )
        album = await self._in_worker(self._rank_album, contexts)
        return album, refused

    async def explain_style(self, image: DecodedImage, style: str) -> StyleExplanation:
        """The occlusion heat map of `style` on `image` (about 50 backbone passes, in a worker)."""
        if self.backbone is None:
            raise AnalyzerUnavailable("the vision model is not available")
        return await self._in_worker(explain_style, image, style, self.backbone)
