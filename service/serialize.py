"""Analyses as JSON: the `digbot analyze --json` report and what the database keeps.

Derived numbers only: never image bytes or pixels.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from analyzers.types import (
    AlbumAnalysis,
    FacesResult,
    PhotoAnalysis,
    PhotoContent,
    PopularityResult,
    PortraitResult,
    PostAnalysis,
    ProfileAnalysis,
    StyleResult,
)


def _round(value: float) -> float:
    return round(float(value), 4)


def style_json(style: StyleResult | None) -> dict[str, Any] | None:
    if style is None:
        return None
    return {
        "top": style.top,
        "confidence": _round(style.confidence),
        "scores": {k: _round(v) for k, v in style.scores.items()},
        "evidence": list(style.evidence),
    }


def faces_json(faces: FacesResult | None) -> dict[str, Any] | None:
    if faces is None:
        return None
    return {
        "faces": [
            {
                "box": list(face.box),
                "detection_score": _round(face.detection_score),
                "emotions": {k: _round(v) for k, v in face.emotions.items()},
                "dominant_emotion": face.dominant_emotion,
            }
            for face in faces.faces
        ],
        "pose": asdict(faces.pose) if faces.pose else None,
    }


def popularity_json(result: PopularityResult | None) -> dict[str, Any] | None:
    if result is None:
        return None
    data = asdict(result)
    data["score"] = _round(result.score)
    data["band"] = [_round(b) for b in result.band]
    return data


def content_json(content: PhotoContent | None) -> dict[str, Any]:
    """A post's `scene`, `people` and `outfit` (plain words; None where it cannot tell)."""
    if content is None:
        return {"scene": None, "people": None, "outfit": None}
    return {
        "scene": {
            "setting": content.setting,
            "light": content.light,
            "activities": list(content.activities),
            "objects": list(content.objects),
        },
        "people": {"count": content.people, "smiling": content.smiling},
        "outfit": list(content.outfit),
    }


def portrait_json(portrait: PortraitResult | None) -> dict[str, Any]:
    """`portrait` (text and statements with their evidence) and `interests`."""
    if portrait is None:
        return {"portrait": None, "interests": None}
    return {
        "portrait": {
            "text": portrait.text,
            "statements": [asdict(s) for s in portrait.statements],
            "drivers": [asdict(d) for d in portrait.drivers],
            "drivers_note": portrait.drivers_note,
        },
        "interests": [
            {
                "category": i.category,
                "score": _round(i.score),
                "evidence": list(i.evidence),
                "posts": list(i.posts),
                "products": list(i.products),
            }
            for i in portrait.interests
        ],
    }


def photo_json(photo: PhotoAnalysis) -> dict[str, Any]:
    return {
        "width": photo.image.original_size[0],
        "height": photo.image.original_size[1],
        "style": style_json(photo.style),
        "faces": faces_json(photo.faces),
        "imagenet_top": (
            [[label, _round(p)] for label, p in photo.vision.imagenet_top] if photo.vision else None
        ),
        "popularity": popularity_json(photo.popularity),
        "unavailable": dict(photo.unavailable),
    }


def post_json(post: PostAnalysis) -> dict[str, Any]:
    style = post.style
    return {
        "shortcode": post.shortcode,
        "taken_at": post.taken_at.isoformat(),
        "likes": post.likes,
        "comments": post.comments,
        "is_video": post.is_video,
        "caption": post.text.caption,
        "hashtags": list(post.text.hashtags),
        "style": style.top if style else None,
        "style_scores": {k: _round(v) for k, v in style.scores.items()} if style else None,
        "photos": [photo_json(p) for p in post.photos],
        "popularity": popularity_json(post.popularity),
        **content_json(post.content),
    }


def profile_json(analysis: ProfileAnalysis) -> dict[str, Any]:
    personality = analysis.personality
    if personality is not None and personality.scores is not None:
        traits: dict[str, float] | None = {k: _round(v) for k, v in personality.scores.items()}
        reason = None
    else:
        traits = None
        reason = (
            personality.reason
            if personality is not None
            else analysis.unavailable.get("personality", "not available")
        )
    return {
        "username": analysis.username,
        "full_name": analysis.full_name,
        "followers": analysis.followers,
        "followees": analysis.followees,
        "fetched_at": analysis.fetched_at.isoformat(),
        "styles": {k: _round(v) for k, v in analysis.style_shares.items()},
        "personality": traits,
        "personality_reason": reason,
        "personality_confidence": _round(personality.confidence) if personality else None,
        "personality_weak_traits": list(personality.weak_traits) if personality else [],
        "habits": [
            {"name": h.name, "strength": _round(h.strength), "evidence": list(h.evidence)}
            for h in (analysis.habits.habits if analysis.habits else [])
        ],
        "posting_hours": list(analysis.habits.posting_hours) if analysis.habits else None,
        "popularity": popularity_json(analysis.popularity),
        **portrait_json(analysis.portrait),
        "posts": [post_json(p) for p in analysis.posts],
        "unavailable": dict(analysis.unavailable),
    }


def album_json(album: AlbumAnalysis) -> dict[str, Any]:
    return {
        "photos": [photo_json(p) for p in album.photos],
        "ranking": list(album.ranking),
        "groups": [list(g) for g in album.groups],
        "reasons": {str(k): v for k, v in album.reasons.items()},
    }
