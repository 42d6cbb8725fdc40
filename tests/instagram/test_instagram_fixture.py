"""The fixture writer writes what instaloader writes (others' tests rely on it)."""

import io
import json
import lzma
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from instaloader import Post, Profile, load_structure_from_file
from PIL import Image

from instagram.offline import OfflineContext
from tests.fixtures.instagram_fixture import (
    FixturePost,
    astronaut_jpeg,
    chelsea_jpeg,
    coffee_jpeg,
    sample_jpeg,
    user_id,
    write_profile,
)

DATA = Path(
    os.environ.get("DIGBOT_DATA", Path(__file__).resolve().parents[2].parent / "shared" / "data")
)
REAL_POST = DATA / "instagram" / "instaloader_sample" / "post_GraphSidecar_instaloader-4.5.5.json"

T = datetime(2023, 7, 14, 18, 5, 9, tzinfo=UTC)


def _read(path: Path) -> dict:
    return json.loads(lzma.decompress(path.read_bytes()))


def test_file_names_and_contents(tmp_path: Path) -> None:
    folder = write_profile(
        tmp_path,
        "zoe",
        [
            FixturePost(taken_at=T, caption="one", images=[sample_jpeg(1)]),
            FixturePost(
                taken_at=datetime(2023, 7, 15), images=[sample_jpeg(2), sample_jpeg(3)]
            ),  # naive: taken as UTC
        ],
    )
    assert folder == tmp_path / "zoe"
    assert sorted(p.name for p in folder.iterdir()) == [
        "2023-07-14_18-05-09_UTC.jpg",
        "2023-07-14_18-05-09_UTC.json.xz",
        "2023-07-14_18-05-09_UTC.txt",
        "2023-07-15_00-00-00_UTC.json.xz",
        "2023-07-15_00-00-00_UTC_1.jpg",
        "2023-07-15_00-00-00_UTC_2.jpg",
        "id",
        f"zoe_{user_id('zoe')}.json.xz",
    ]
    assert (folder / "id").read_text() == f"{user_id('zoe')}\n"
    assert (folder / "2023-07-14_18-05-09_UTC.txt").read_text() == "one\n"
    saved = _read(folder / "2023-07-15_00-00-00_UTC.json.xz")
    assert saved["instaloader"]["node_type"] == "Post"
    assert saved["node"]["__typename"] == "GraphSidecar"
    assert len(saved["node"]["edge_sidecar_to_children"]["edges"]) == 2


def test_instaloader_reads_it_back(tmp_path: Path) -> None:
    folder = write_profile(
        tmp_path,
        "zoe",
        [FixturePost(taken_at=T, caption="hi #x", likes=9, comments=4, images=[sample_jpeg(1)])],
        followers=77,
        followees=None,
        full_name="Zoe",
    )
    context = OfflineContext()
    post = load_structure_from_file(context, str(folder / "2023-07-14_18-05-09_UTC.json.xz"))
    assert isinstance(post, Post)
    assert (post.likes, post.comments, post.caption, post.typename) == (9, 4, "hi #x", "GraphImage")
    assert post.date_utc == T.replace(tzinfo=None)
    assert post.owner_username == "zoe"
    assert post.mediaid == Post.shortcode_to_mediaid(post.shortcode)
    assert len(post.shortcode) == 11
    profile = load_structure_from_file(context, str(folder / f"zoe_{user_id('zoe')}.json.xz"))
    assert isinstance(profile, Profile)
    assert (profile.username, profile.userid, profile.followers, profile.full_name) == (
        "zoe",
        user_id("zoe"),
        77,
        "Zoe",
    )


def test_deterministic(tmp_path: Path) -> None:
    posts = [FixturePost(taken_at=T, caption="same", images=[sample_jpeg(4)])]
    a = write_profile(tmp_path / "a", "sam", posts)
    b = write_profile(tmp_path / "b", "sam", posts)
    for path in a.iterdir():
        assert path.read_bytes() == (b / path.name).read_bytes(), path.name


def test_colliding_times_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="distinct"):
        write_profile(tmp_path, "x", [FixturePost(taken_at=T), FixturePost(taken_at=T)])


@pytest.mark.skipif(not REAL_POST.is_file(), reason=f"real instaloader sample absent: {REAL_POST}")
def test_nodes_look_like_real_ones(tmp_path: Path) -> None:
    real = json.loads(REAL_POST.read_text())["node"]
    folder = write_profile(
        tmp_path, "zoe", [FixturePost(taken_at=T, images=[sample_jpeg(1), sample_jpeg(2)])]
    )
    ours = _read(folder / "2023-07-14_18-05-09_UTC.json.xz")["node"]
    # Every key we write exists in the real node, at the top and in a carousel item.
    assert set(ours) - set(real) == set()
    real_child = real["edge_sidecar_to_children"]["edges"][0]["node"]
    our_child = ours["edge_sidecar_to_children"]["edges"][0]["node"]
    assert set(our_child) - set(real_child) == set()
    # And the keys the readers rely on are all there.
    for key in (
        "__typename",
        "shortcode",
        "id",
        "taken_at_timestamp",
        "edge_media_preview_like",
        "edge_media_to_comment",
        "edge_media_to_caption",
        "display_url",
        "is_video",
        "owner",
    ):
        assert key in ours
    assert set(ours["owner"]) <= set(real["owner"])


def test_sample_jpeg() -> None:
    one = sample_jpeg(1)
    assert one == sample_jpeg(1) and one != sample_jpeg(2)
    with Image.open(io.BytesIO(sample_jpeg(3, size=(64, 48)))) as image:
        assert image.format == "JPEG" and image.size == (64, 48)


@pytest.mark.parametrize(
    ("make", "size"),
    [(astronaut_jpeg, (512, 512)), (coffee_jpeg, (600, 400)), (chelsea_jpeg, (451, 300))],
)
def test_skimage_pictures(make: Callable[[], bytes], size: tuple[int, int]) -> None:
    with Image.open(io.BytesIO(make())) as image:
        assert image.format == "JPEG" and image.size == size
