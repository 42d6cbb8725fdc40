"""The answer to an album as text: the ranking, best first, each with its why, near-duplicates
named (its chart is album.py). Pure presentation: no analyzer logic.
"""

from __future__ import annotations

from analyzers.types import AlbumAnalysis
from reports import format as fmt
from reports.markup import escaped, unavailable_lines

ALBUM_CLOSE_CALL = (
    "A close call: no single photo shows how a post will do, so this order is a best guess."
)


def album_summary(a: AlbumAnalysis) -> str:
    """The album ranking, best first, each with its short why; near-duplicates named."""
    if not a.photos:
        return "🖼 No photos to rank."
    lines = [f"🖼 <b>{len(a.photos)} photos, best first</b>"]
    scores = [p.popularity for p in a.photos if p.popularity is not None]
    uncertain = bool(scores) and all(fmt.too_wide(p) for p in scores)
    if uncertain:  # said once, not "(can't tell)" after every photo
        lines.append(f"<i>{ALBUM_CLOSE_CALL}</i>")
    for rank, index in enumerate(a.ranking, start=1):
        photo = a.photos[index]
        shown = photo.popularity is not None and not uncertain
        score = f" ({fmt.popularity_short(photo.popularity)})" if shown and photo.popularity else ""
        why = a.reasons.get(index)
        lines.append(
            f"{rank}. <b>Photo {index + 1}</b>{score}" + (f": {escaped(why)}" if why else "")
        )
    parts = ["\n".join(lines)]
    duplicates = [sorted(group) for group in a.groups if len(group) > 1]
    if duplicates:
        named = [fmt.listing([str(i + 1) for i in group]) for group in duplicates]
        parts.append(
            "Near-duplicates: photos "
            + "; photos ".join(named)
            + ". Only the best of each set is near the top."
        )
    unavailable: dict[str, str] = {}
    for photo in a.photos:
        unavailable.update(photo.unavailable)
    parts.append(unavailable_lines(unavailable))
    return "\n\n".join(part for part in parts if part)
