"""instaloader Post → FetchedPost for the node shapes instaloader builds (no network)."""

from datetime import UTC, datetime

from instaloader import Post

from instagram.convert import caption_tags, to_fetched_post
from instagram.offline import OfflineContext


def _feed_item(**extra: object) -> dict:
    """A post as the logged-in timeline returns it (instaloader's Post.from_iphone_struct)."""
    item: dict = {
        "code": "DAbCdEfGhIj",
        "pk": "3300000000000000001",
        "media_type": 1,
        "taken_at": int(datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC).timestamp()),
        "caption": {"text": "Snow day #Winter #winter @Pal"},
        "has_liked": False,
        "like_count": 41,
        "comment_count": 6,
        "image_versions2": {"candidates": [{"url": "https://cdn.example/x.jpg"}]},
        "user": {
            "pk": "1",
            "username": "bob",
            "is_private": False,
            "full_name": "Bob",
            "profile_pic_url": "https://cdn.example/p.jpg",
        },
    }
    item.update(extra)
    return item


def test_logged_in_feed_post_needs_no_extra_query() -> None:
    # The offline context refuses any query, so a field needing one would come back empty.
    post = Post.from_iphone_struct(OfflineContext(), _feed_item())
    fetched = to_fetched_post(post, [b"\xff\xd8\xff jpeg"])
    assert fetched.shortcode == "DAbCdEfGhIj"
    assert fetched.taken_at == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert (fetched.likes, fetched.comments) == (41, 6)
    assert fetched.caption == "Snow day #Winter #winter @Pal"
    assert fetched.hashtags == ("winter",) and fetched.mentions == ("pal",)
    assert fetched.is_video is False and fetched.images == [b"\xff\xd8\xff jpeg"]


def test_missing_counts_become_zero_not_an_error() -> None:
    post = Post(OfflineContext(), {"shortcode": "X", "taken_at_timestamp": 0, "is_video": True})
    fetched = to_fetched_post(post, [], caption_fallback="from the .txt #file")
    assert (fetched.likes, fetched.comments) == (0, 0)
    assert fetched.caption == "from the .txt #file" and fetched.hashtags == ("file",)
    assert fetched.is_video and fetched.location is None and fetched.accessibility_caption is None


def test_caption_tags_follow_instagram_rules() -> None:
    hashtags, mentions = caption_tags("#Café time with @a.b_c, @x..y and me@mail.com #café #2024")
    assert hashtags == ("café", "2024")
    assert mentions == ("a.b_c", "x")
