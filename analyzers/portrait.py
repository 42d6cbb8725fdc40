"""A portrait of the account: a few sentences, each with its evidence, interests and products,
and what goes with more likes on this account.

No language model: a small planner over the structured signals (per-photo content, styles,
captions' interests, the likes). Each statement names the posts that show it and how many posts
were looked at; a statement that the signals do not support is not made. Mood styles carry
their caveat and are marked sensitive (hidden by `hide_sensitive_for_others`); nothing is said
about gender, age, ethnicity, health or sexuality, and no signal for them exists here.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import ClassVar, Final

import numpy as np

from analyzers.habits import interests_in_text
from analyzers.popularity.features import is_eligible
from analyzers.types import (
    MOOD_STYLE_IDS,
    OTHER_STYLE,
    Driver,
    Interest,
    PhotoContent,
    PortraitResult,
    PostInput,
    ProfileInput,
    Statement,
    StyleResult,
)

INTERESTS_PATH = Path(__file__).parent / "models" / "interests.json"
MIN_POSTS: Final = 2
"""A statement or an interest needs at least this many posts showing it."""
OBJECTS_ALONE_MIN_POSTS: Final = 3
OBJECTS_ALONE_MIN_SHARE: Final = 1 / 3
"""An interest shown only by ImageNet object words needs this many posts and this share of them."""
MAX_STATEMENTS: Final = 6
MAX_INTERESTS: Final = 3
MOOD_CAVEAT: Final = "a photo mood, not a diagnosis of how anyone feels"

DRIVER_MIN_POSTS: Final = 12
"""Like the popularity model (analyzers/popularity/personal.py MIN_POSTS): fewer settled photo posts
and the account's own numbers cannot say what drives its likes."""
DRIVER_MIN_GROUP: Final = 3
"""Each side of a comparison (with / without the feature) needs at least this many posts."""
DRIVER_MAX_P: Final = 0.1
"""As the popularity model's permutation test (MAX_P_VALUE)."""
PERMUTATIONS: Final = 999
SEED: Final = 20

STYLE_WORDS: Final[dict[str, str]] = {
    "adventure": "landscapes and the outdoors",
    "cute_animals": "animals",
    "studying": "desks, books and study",
    "party": "parties and going out",
    "colorful_sky": "the sky",
    "night_view": "night views",
    "sports": "sport",
    "selfie": "selfies",
    "architecture": "buildings",
    "food": "food",
    "illustration": "drawings and illustrations",
    "depressed": "sad-looking scenes",
    "lonely": "solitary-looking scenes",
}
"""Style id -> what a sentence says the photos show."""


@dataclass(frozen=True)
class _Post:
    """What the planner reads of one post."""

    shortcode: str
    likes: int
    settled: bool
    style: str | None
    content: PhotoContent | None
    caption_interests: dict[str, list[str]]


@dataclass(frozen=True)
class _Category:
    id: str
    name: str
    styles: frozenset[str]
    activities: frozenset[str]
    objects: frozenset[str]
    habits: frozenset[str]
    products: tuple[str, ...]


@cache
def categories() -> tuple[_Category, ...]:
    """The taxonomy of analyzers/models/interests.json, in the file's order."""
    data = json.loads(INTERESTS_PATH.read_text(encoding="utf-8"))
    return tuple(
        _Category(
            id=key,
            name=value["name"],
            styles=frozenset(value["styles"]),
            activities=frozenset(value["activities"]),
            objects=frozenset(value["objects"]),
            habits=frozenset(value["habits"]),
            products=tuple(value["products"]),
        )
        for key, value in data["categories"].items()
    )


def _of(count: int, total: int, noun: str = "posts") -> str:
    return f"{count} of {total} {noun}"


def _statement(
    text: str, kind: str, posts: Sequence[_Post], total: int, sensitive: bool = False
) -> Statement:
    return Statement(
        text=text,
        kind=kind,
        posts=tuple(p.shortcode for p in posts),
        of=total,
        sensitive=sensitive,
    )


# --- statements --------------------------------------------------------------------------------


def _recurring(
    posts: list[_Post], items_of: Callable[[_Post], Iterable[str]], limit: int = 2
) -> list[tuple[str, list[_Post]]]:
    """The `limit` items (caption interests, outfit tags, object words) seen in the most posts,
    each in at least MIN_POSTS of them, with those posts."""
    counts: dict[str, list[_Post]] = {}
    for post in posts:
        for item in dict.fromkeys(items_of(post)):
            counts.setdefault(item, []).append(post)
    ranked = sorted(
        ((i, ps) for i, ps in counts.items() if len(ps) >= MIN_POSTS),
        key=lambda x: (-len(x[1]), x[0]),
    )
    return ranked[:limit]


def _listed(
    opening: str, kind: str, found: list[tuple[str, list[_Post]]], total: int, noun: str = "posts"
) -> Statement | None:
    """'<opening> a (n of N posts) and b (m of N posts).' over the posts of every item."""
    if not found:
        return None
    parts = [f"{item} ({_of(len(ps), total, noun)})" for item, ps in found]
    text = f"{opening} " + ", ".join(parts[:-1]) + (" and " if parts[1:] else "") + parts[-1] + "."
    shown = list({p.shortcode: p for _, ps in found for p in ps}.values())
    return _statement(text, kind, shown, total)


def _subject_styles(posts: list[_Post]) -> list[tuple[str, list[_Post]]]:
    """The two photo styles (moods excluded) of the most posts, with those posts."""
    return _recurring(
        posts, lambda p: [p.style] if p.style and p.style not in MOOD_STYLE_IDS else []
    )


def _subjects(posts: list[_Post]) -> Statement | None:
    named = [(STYLE_WORDS[s], ps) for s, ps in _subject_styles(posts)]
    return _listed("They mostly photograph", "subjects", named, len(posts))


def _people(posts: list[_Post]) -> Statement | None:
    read = [p for p in posts if p.content is not None and p.content.people is not None]
    if len(read) < MIN_POSTS:
        return None
    with_people = [p for p in read if p.content and p.content.people not in (None, "none")]
    groups = [p for p in read if p.content and p.content.people == "group"]
    nobody = len(read) - len(with_people)
    if len(with_people) < MIN_POSTS:
        text = f"People rarely appear: nobody is in {_of(nobody, len(read), 'photos')}."
        return _statement(text, "people", [p for p in read if p not in with_people], len(posts))
    text = f"People appear in {_of(len(with_people), len(read), 'photos')}"
    if len(groups) >= MIN_POSTS:
        text += f", in a group in {len(groups)}"
    smiling = [p for p in with_people if p.content and p.content.smiling]
    faces_read = [p for p in with_people if p.content and p.content.smiling is not None]
    if len(faces_read) >= MIN_POSTS and smiling:
        text += f"; someone smiles in {_of(len(smiling), len(faces_read))} with a readable face"
    elif len(faces_read) >= MIN_POSTS:
        text += f"; nobody smiles in the {len(faces_read)} with a readable face"
    return _statement(text + ".", "people", with_people, len(posts))


def _places(posts: list[_Post]) -> Statement | None:
    outdoor = [p for p in posts if p.content and p.content.setting == "outdoor"]
    night = [p for p in posts if p.content and p.content.light == "night"]
    if len(outdoor) < MIN_POSTS and len(night) < MIN_POSTS:
        return None
    parts = []
    if len(outdoor) >= MIN_POSTS:
        parts.append(f"{_of(len(outdoor), len(posts), 'photos')} are clearly outdoors")
    if len(night) >= MIN_POSTS:
        parts.append(f"{len(night)} are taken at night")
    text = " and ".join(parts) + "."
    shown = list({p.shortcode: p for p in [*outdoor, *night]}.values())
    return _statement(text[:1].upper() + text[1:], "places", shown, len(posts))


ACTIVITY_WORDS: Final[dict[str, str]] = {
    "sport": "sport",
    "eating": "food or drink",
    "standing": "standing",
}
"""The kept activity tags (analyzers/content.py) in words."""


def _activities(posts: list[_Post]) -> Statement | None:
    """Activities, leaving out one shown by exactly the posts of a style the subjects sentence
    names (sport in the 3 posts already said to be "sport")."""
    said = [{p.shortcode for p in ps} for _, ps in _subject_styles(posts)]
    found: list[tuple[str, list[_Post]]] = []
    for activity, word in ACTIVITY_WORDS.items():
        shown = [p for p in posts if p.content and activity in p.content.activities]
        if len(shown) >= MIN_POSTS and {p.shortcode for p in shown} not in said:
            found.append((word, shown))
    if not found:
        return None
    found.sort(key=lambda x: -len(x[1]))
    parts = [f"{word} ({_of(len(ps), len(posts))})" for word, ps in found[:2]]
    text = "What they do in the photos: " + " and ".join(parts) + "."
    return _statement(text, "activity", [p for _, ps in found[:2] for p in ps], len(posts))


def _writing(posts: list[_Post]) -> Statement | None:
    found = _recurring(posts, lambda p: p.caption_interests)
    named = [(i.replace("_", " "), ps) for i, ps in found]
    return _listed("In their captions they write about", "writing", named, len(posts), "captions")


OUTFIT_WORDS: Final[dict[str, str]] = {
    "suit": "a suit",
    "tie": "a tie",
    "jersey": "a T-shirt or sports top",
    "sweatshirt": "a sweatshirt",
    "jeans": "jeans",
    "cardigan": "a cardigan",
    "coat": "a coat",
    "swimwear": "swimwear",
    "sunglasses": "sunglasses",
    "hat": "a hat",
    "shoes": "visible shoes",
    "bag": "a bag",
    "dress": "a dress or skirt",
    "uniform": "a uniform",
    "formal": "a suit or a tie",
}
"""Outfit tag (analyzers/content.py OUTFIT_CLASSES) -> words."""


def _outfits(posts: list[_Post]) -> Statement | None:
    found = _recurring(posts, lambda p: p.content.outfit if p.content else ())
    named = [(OUTFIT_WORDS[o], ps) for o, ps in found]
    return _listed("What people wear in the photos:", "outfit", named, len(posts))


def _objects(posts: list[_Post]) -> Statement | None:
    """The things ImageNet sees again and again (its plain words, `looks_like`)."""
    found = _recurring(posts, lambda p: p.content.objects if p.content else (), limit=3)
    return _listed("Things the image model sees again and again:", "objects", found, len(posts))


def _mood(posts: list[_Post]) -> Statement | None:
    moody = [p for p in posts if p.style in MOOD_STYLE_IDS]
    if len(moody) < MIN_POSTS:
        return None
    text = f"{_of(len(moody), len(posts), 'photos')} have a sombre look ({MOOD_CAVEAT})."
    return _statement(text, "mood", moody, len(posts), sensitive=True)


def _interests_statement(interests: list[Interest], total: int) -> Statement | None:
    if not interests:
        return None
    names = {c.id: c.name for c in categories()}
    parts = [f"{names[i.category]} ({_of(len(i.posts), total)})" for i in interests[:2]]
    shown = tuple(dict.fromkeys(s for i in interests[:2] for s in i.posts))
    text = "Their posts point to an interest in " + " and ".join(parts) + "."
    return Statement(text=text, kind="interests", posts=shown, of=total)


# --- interests ---------------------------------------------------------------------------------


def _cues(category: _Category, post: _Post) -> tuple[list[str], list[str]]:
    """(primary, objects): the category's cues in one post. Primary cues are a photo style, a
    kept activity tag or the caption's words; objects are ImageNet's plain words."""
    primary: list[str] = []
    if post.style in category.styles:
        primary.append(f"photo style {post.style.replace('_', ' ')}")
    content = post.content
    if content is not None:
        primary += [
            f"{ACTIVITY_WORDS[a]} in the photo"
            for a in content.activities
            if a in category.activities
        ]
    for habit in category.habits & post.caption_interests.keys():
        primary += post.caption_interests[habit][:1]
    objects = [o for o in content.objects if o in category.objects] if content else []
    return primary, objects


def _agreed(primary_posts: int, object_posts: int, total: int) -> bool:
    """Whether the signals agree enough to call something an interest: at least MIN_POSTS posts
    with a primary cue, or object words alone on at least OBJECTS_ALONE_MIN_POSTS posts and
    OBJECTS_ALONE_MIN_SHARE of them. A few stray ImageNet labels make no interest (on SpaceX's
    rocket photos, "drums" and "stage lights" made "nightlife & music")."""
    if primary_posts >= MIN_POSTS:
        return True
    return (
        object_posts >= OBJECTS_ALONE_MIN_POSTS and object_posts >= OBJECTS_ALONE_MIN_SHARE * total
    )


def interests_of(posts: list[_Post]) -> list[Interest]:
    """Every category the signals agree on (`_agreed`), by score (share of posts showing it)."""
    found: list[Interest] = []
    for category in categories():
        shown: list[str] = []
        primary_posts = object_posts = 0
        evidence: dict[str, int] = {}
        for post in posts:
            primary, objects = _cues(category, post)
            primary_posts += bool(primary)
            object_posts += bool(objects)
            if primary or objects:
                shown.append(post.shortcode)
                for cue in dict.fromkeys([*primary, *objects]):
                    evidence[cue] = evidence.get(cue, 0) + 1
        if not _agreed(primary_posts, object_posts, len(posts)):
            continue
        ranked = sorted(evidence.items(), key=lambda x: (-x[1], x[0]))[:4]
        found.append(
            Interest(
                category=category.id,
                name=category.name,
                score=len(shown) / len(posts),
                evidence=tuple(f"{cue} ({_of(n, len(posts))})" for cue, n in ranked),
                posts=tuple(shown),
                products=category.products,
            )
        )
    return sorted(found, key=lambda i: (-i.score, i.category))


# --- what drives engagement --------------------------------------------------------------------


def _features(post: _Post) -> dict[str, bool | None]:
    content = post.content
    if content is None:
        return {}
    return {
        "people": None if content.people is None else content.people != "none",
        "smiling": content.smiling,
        "outdoor": content.setting == "outdoor",
        "night": content.light == "night",
        "sport": "sport" in content.activities,
        "food": "eating" in content.activities,
    }


def _permutation_p(log_likes: np.ndarray, has: np.ndarray, observed: float) -> float:
    rng = np.random.default_rng(SEED)
    hits = 0
    for _ in range(PERMUTATIONS):
        shuffled = rng.permutation(has)
        diff = log_likes[shuffled].mean() - log_likes[~shuffled].mean()
        hits += abs(diff) >= abs(observed) - 1e-12
    return (hits + 1) / (PERMUTATIONS + 1)


def drivers_of(posts: list[_Post]) -> tuple[list[Driver], str]:
    """Median likes with vs without each readable feature, on the settled photo posts, with a
    two-sided permutation test on the difference of mean log-likes (medians tie too often on
    a dozen posts to be a usable test statistic)."""
    settled = [p for p in posts if p.settled and p.content is not None]
    if len(settled) < DRIVER_MIN_POSTS:
        judged = {0: "no photo post is", 1: "only 1 photo post is"}.get(
            len(settled), f"only {len(settled)} photo posts are"
        )
        return [], (
            f"{judged} old enough to judge (at least {DRIVER_MIN_POSTS} are needed): can't tell yet"
        )
    drivers: list[Driver] = []
    for feature in ("people", "smiling", "outdoor", "night", "sport", "food"):
        known = [(p, _features(p).get(feature)) for p in settled]
        rows = [(p.likes, bool(v)) for p, v in known if v is not None]
        with_likes = [likes for likes, v in rows if v]
        without = [likes for likes, v in rows if not v]
        counts = (feature, DRIVER_WORDS[feature], len(with_likes), len(without))
        if len(with_likes) < DRIVER_MIN_GROUP or len(without) < DRIVER_MIN_GROUP:
            if with_likes:
                drivers.append(Driver(*counts, None, None, "can't tell yet"))
            continue
        log_likes = np.log1p(np.array([likes for likes, _ in rows], dtype=np.float64))
        has = np.array([v for _, v in rows])
        observed = float(log_likes[has].mean() - log_likes[~has].mean())
        p_value = _permutation_p(log_likes, has, observed)
        median_without = statistics.median(without)
        ratio = statistics.median(with_likes) / median_without if median_without > 0 else None
        verdict = (
            "no clear difference"
            if p_value >= DRIVER_MAX_P
            else ("more" if observed > 0 else "fewer")
        )
        drivers.append(Driver(*counts, ratio, p_value, verdict))
    return drivers, ""


def _drivers_statement(drivers: list[Driver], posts: list[_Post]) -> Statement | None:
    clear = [d for d in drivers if d.verdict in ("more", "fewer") and d.ratio is not None]
    if not clear:
        return None
    best = min(clear, key=lambda d: d.p_value or 1.0)
    with_feature = [p for p in posts if p.settled and _features(p).get(best.feature)]
    text = (
        f"On this account, photos with {best.words} get {best.ratio:.1f}× the "
        f"median likes of the others ({best.with_posts} vs {best.without_posts} posts, "
        f"permutation p = {best.p_value:.2f})."
    )
    return _statement(text, "engagement", with_feature, len(posts))


DRIVER_WORDS: Final[dict[str, str]] = {
    "people": "people in them",
    "smiling": "a smiling face",
    "outdoor": "an outdoor setting",
    "night": "a night setting",
    "sport": "sport",
    "food": "food or drink",
}


# --- the analyzer ------------------------------------------------------------------------------


def _first_content(post: PostInput) -> PhotoContent | None:
    return next(
        (c for photo in post.photos if isinstance(c := photo.results.get("content"), PhotoContent)),
        None,
    )


def _first_style(post: PostInput) -> str | None:
    """The style the style mix counts for this post (`PostAnalysis.style`, service/analysis.py
    `style_shares`): the top style of its first photo with one, whatever its confidence (the
    style model's own threshold already made unsure photos `other`), so the portrait's "n of N"
    and the style mix's share come from the same per-post styles."""
    for photo in post.photos:
        style = photo.results.get("style")
        if isinstance(style, StyleResult):
            return style.top if style.top != OTHER_STYLE else None
    return None


def read_posts(profile: ProfileInput, now: datetime) -> list[_Post]:
    return [
        _Post(
            shortcode=post.shortcode,
            likes=post.likes,
            settled=is_eligible(post, now),
            style=_first_style(post),
            content=_first_content(post),
            caption_interests=interests_in_text(post.text.caption, post.text.hashtags),
        )
        for post in profile.posts
    ]


def portrait_of(posts: list[_Post]) -> PortraitResult:
    """The planner: the supported statements, in a fixed order, at most MAX_STATEMENTS."""
    interests = interests_of(posts)
    drivers, note = drivers_of(posts)
    planned = [
        _subjects(posts),
        _people(posts),
        _places(posts),
        _activities(posts),
        _outfits(posts),
        _writing(posts),
        _interests_statement(interests, len(posts)),
        _objects(posts),
        _drivers_statement(drivers, posts),
        _mood(posts),
    ]
    statements: list[Statement] = []
    for statement in planned:
        if statement is not None and not _repeats(statement, statements):
            statements.append(statement)
    return PortraitResult(
        statements=_trim(statements),
        interests=interests[:MAX_INTERESTS],
        drivers=drivers,
        drivers_note=note,
    )


def _repeats(statement: Statement, earlier: list[Statement]) -> bool:
    """An interests sentence resting on exactly the posts of an earlier sentence says the same
    thing again ("mostly food" then "an interest in food & drink (9 of 9)")."""
    return statement.kind == "interests" and any(
        set(statement.posts) == set(e.posts) for e in earlier
    )


def _trim(statements: list[Statement]) -> list[Statement]:
    """At most MAX_STATEMENTS: keep the engagement and mood ones (they carry the account's own
    numbers and a caveat), drop from the descriptive ones at the end of the plan."""
    keep_kinds = {"engagement", "mood"}
    kept = [s for s in statements if s.kind in keep_kinds]
    room = MAX_STATEMENTS - len(kept)
    descriptive = [s for s in statements if s.kind not in keep_kinds][:room]
    return [s for s in statements if s in descriptive or s in kept]


class PortraitAnalyzer:
    """Profile analyzer: runs after every photo's `content` and `style`."""

    name: ClassVar[str] = "portrait"

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self._clock = clock or (lambda: datetime.now(UTC))
        categories()  # a broken interests.json fails at start, not on the first profile

    def analyze(self, profile: ProfileInput) -> PortraitResult:
        return portrait_of(read_posts(profile, self._clock()))
