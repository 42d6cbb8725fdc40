import io
import logging
import lzma
import os
import shutil
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from instagram.directory import DirectorySource, load_profile_folder
from instagram.errors import InvalidUsername, ProfileNotFound, ProfilePrivate
from tests.fixtures.instagram_fixture import FixturePost, sample_jpeg, write_profile

DATA = Path(
    os.environ.get("DIGBOT_DATA", Path(__file__).resolve().parents[2].parent / "shared" / "data")
)
SPACEX = DATA / "instagram" / "spacex_sample"

T0 = datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading folders must never open a connection."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a directory source tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _posts() -> list[FixturePost]:
    return [
        FixturePost(
            taken_at=T0,
            caption="Sunrise run with @Bob.Smith #Running #morning #running",
            likes=120,
            comments=7,
            images=[sample_jpeg(1)],
            location="Central Park",
            accessibility_caption="Photo by Alice. May be an image of 1 person, outdoors.",
        ),
        FixturePost(
            taken_at=T0 + timedelta(days=2),
            caption="Album",
            likes=300,
            comments=12,
            images=[sample_jpeg(2), sample_jpeg(3), sample_jpeg(4)],
        ),
        FixturePost(
            taken_at=T0 + timedelta(days=1),
            caption="",
            likes=55,
            comments=0,
            images=[sample_jpeg(5)],
            is_video=True,
            shortcode="CI5REoqrS8V",
        ),
        FixturePost(taken_at=T0 - timedelta(days=3), caption="no picture", likes=1),
    ]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write_profile(
        tmp_path,
        "alice",
        _posts(),
        followers=4321,
        followees=210,
        full_name="Alice Example",
        biography="Runner. Coffee.",
    )
    return tmp_path


async def test_round_trip_of_every_field(root: Path) -> None:
    profile = await DirectorySource(root).fetch("alice", max_posts=10)
    assert profile.username == "alice"
    assert profile.full_name == "Alice Example"
    assert profile.biography == "Runner. Coffee."
    assert (profile.followers, profile.followees) == (4321, 210)
    assert profile.is_private is False
    assert profile.post_count == 4
    assert profile.source == "directory"
    assert profile.skipped_files == ()
    assert profile.fetched_at.tzinfo is not None

    by_caption = {p.caption: p for p in profile.posts}
    first = by_caption["Sunrise run with @Bob.Smith #Running #morning #running"]
    assert first.taken_at == T0 and first.taken_at.utcoffset() == timedelta(0)
    assert (first.likes, first.comments) == (120, 7)
    assert first.hashtags == ("running", "morning")
    assert first.mentions == ("bob.smith",)
    assert first.is_video is False
    assert first.images == [sample_jpeg(1)]
    assert first.location == "Central Park"
    assert first.accessibility_caption == "Photo by Alice. May be an image of 1 person, outdoors."
    assert len(first.shortcode) == 11

    video = profile.posts[1]
    assert video.shortcode == "CI5REoqrS8V"
    assert video.is_video and video.images == [sample_jpeg(5)]
    assert video.caption == "" and video.hashtags == () and video.location is None

    bare = by_caption["no picture"]
    assert bare.images == [] and bare.accessibility_caption is None


async def test_sidecar_images_in_order(root: Path) -> None:
    profile = await DirectorySource(root).fetch("alice", max_posts=10)
    album = profile.posts[0]
    assert album.caption == "Album"
    assert album.images == [sample_jpeg(2), sample_jpeg(3), sample_jpeg(4)]
    assert all(image.startswith(b"\xff\xd8\xff") for image in album.images)


async def test_newest_first_and_max_posts(root: Path) -> None:
    profile = await DirectorySource(root).fetch("alice", max_posts=10)
    dates = [p.taken_at for p in profile.posts]
    assert dates == sorted(dates, reverse=True) and len(dates) == 4

    two = await DirectorySource(root).fetch("alice", max_posts=2)
    assert [p.taken_at for p in two.posts] == dates[:2]
    assert two.post_count == 4

    none = await DirectorySource(root).fetch("alice", max_posts=0)
    assert none.posts == [] and none.username == "alice"


async def test_username_is_parsed_like_a_person_types_it(root: Path) -> None:
    profile = await DirectorySource(root).fetch("https://www.instagram.com/Alice/?hl=en", 1)
    assert profile.username == "alice" and len(profile.posts) == 1


@pytest.mark.parametrize("name", ["../etc", "..", "alice/../../etc", "/etc/passwd", "~root", ""])
async def test_escape_attempts_are_refused(root: Path, name: str) -> None:
    with pytest.raises(InvalidUsername):
        await DirectorySource(root / "alice").fetch(name, 5)


async def test_symlink_out_of_the_root_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write_profile(outside, "mallory", [FixturePost(taken_at=T0, images=[sample_jpeg(9)])])
    root = tmp_path / "root"
    root.mkdir()
    (root / "mallory").symlink_to(outside / "mallory", target_is_directory=True)
    with pytest.raises(ProfileNotFound):
        await DirectorySource(root).fetch("mallory", 5)


async def test_missing_profile(root: Path) -> None:
    with pytest.raises(ProfileNotFound) as caught:
        await DirectorySource(root).fetch("bob", 5)
    assert "username" in caught.value.user_message
    with pytest.raises(ProfileNotFound):
        await DirectorySource(root / "nowhere").fetch("alice", 5)


async def test_private_profile_without_posts_is_private(tmp_path: Path) -> None:
    write_profile(tmp_path, "hidden", [], followers=None, followees=None, is_private=True)
    with pytest.raises(ProfilePrivate):
        await DirectorySource(tmp_path).fetch("hidden", 5)
    profile = load_profile_folder(tmp_path / "hidden", 5)  # the folder itself still reads
    assert profile.is_private is True
    assert (profile.followers, profile.followees) == (None, None)
    assert profile.posts == [] and profile.post_count == 0


async def test_corrupt_files_are_skipped_and_named(
    root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = root / "alice"
    album_json = folder / "2024-03-03_12-00-00_UTC.json.xz"
    album_json.write_bytes(album_json.read_bytes()[:40])  # truncated download
    (folder / "2024-03-02_12-00-00_UTC.json.xz").write_bytes(lzma.compress(b"{not json"))
    (folder / "2024-02-01_00-00-00_UTC.json").write_text('{"node": {}, "instaloader": 1}')
    (folder / "2024-03-01_12-00-00_UTC.jpg").write_bytes(b"not a picture")
    with caplog.at_level(logging.WARNING, logger="instagram.directory"):
        profile = await DirectorySource(root).fetch("alice", 10)
    assert [p.caption for p in profile.posts] == [
        "Sunrise run with @Bob.Smith #Running #morning #running",
        "no picture",
    ]
    assert profile.posts[0].images == []  # its picture was damaged
    assert set(profile.skipped_files) == {
        "2024-03-03_12-00-00_UTC.json.xz",
        "2024-03-02_12-00-00_UTC.json.xz",
        "2024-02-01_00-00-00_UTC.json",
        "2024-03-01_12-00-00_UTC.jpg",
    }
    for name in profile.skipped_files:
        assert name in caplog.text


async def test_max_posts_counts_readable_posts_only(root: Path) -> None:
    folder = root / "alice"
    (folder / "2024-03-03_12-00-00_UTC.json.xz").write_bytes(b"\xfd7zXZ garbage")
    profile = await DirectorySource(root).fetch("alice", 2)
    assert len(profile.posts) == 2
    assert profile.skipped_files == ("2024-03-03_12-00-00_UTC.json.xz",)


def test_folder_without_profile_file_takes_the_owner_from_posts(tmp_path: Path) -> None:
    folder = write_profile(tmp_path, "carol", _posts()[:2], full_name="Carol C")
    for name in ("carol_*.json.xz", "id"):
        for path in folder.glob(name):
            path.unlink()
    renamed = folder.rename(tmp_path / "downloaded-folder")
    profile = load_profile_folder(renamed, 5)
    assert profile.username == "carol"
    assert profile.full_name == "Carol C"
    assert profile.followers is None and profile.post_count == 2


def test_folder_with_nothing_readable_uses_its_name(tmp_path: Path) -> None:
    folder = tmp_path / "Some_Folder"
    folder.mkdir()
    profile = load_profile_folder(folder, 5)
    assert profile.username == "some_folder" and profile.posts == []


def test_uncompressed_json_is_read_too(tmp_path: Path) -> None:
    folder = write_profile(tmp_path, "dave", _posts()[:1])
    (xz,) = folder.glob("*_UTC.json.xz")
    xz.with_name(xz.name.removesuffix(".xz")).write_bytes(lzma.decompress(xz.read_bytes()))
    xz.unlink()
    profile = load_profile_folder(folder, 5)
    assert len(profile.posts) == 1 and profile.posts[0].likes == 120


def test_negative_max_posts_is_a_programming_error(root: Path) -> None:
    with pytest.raises(ValueError):
        load_profile_folder(root / "alice", -1)


needs_spacex = pytest.mark.skipif(
    not SPACEX.is_dir(), reason=f"real instaloader sample not found at {SPACEX} (set DIGBOT_DATA)"
)


@needs_spacex
def test_real_spacex_sample() -> None:
    profile = load_profile_folder(SPACEX, 20)
    assert profile.username == "spacex" and profile.full_name == "SpaceX"
    assert profile.followers is None and profile.followees is None
    assert len(profile.posts) == 9 and profile.skipped_files == ()
    likes = [p.likes for p in profile.posts]
    assert (min(likes), max(likes)) == (193_601, 519_875)
    comments = [p.comments for p in profile.posts]
    assert (min(comments), max(comments)) == (707, 2_486)
    assert sum(p.is_video for p in profile.posts) == 4
    dates = [p.taken_at for p in profile.posts]
    assert dates == sorted(dates, reverse=True)
    assert dates[0] == datetime(2021, 9, 18, 2, 52, 46, tzinfo=UTC)
    (sidecar,) = [p for p in profile.posts if len(p.images) > 1]
    assert sidecar.taken_at == datetime(2021, 9, 15, 23, 10, 17, tzinfo=UTC)
    assert len(sidecar.images) == 2
    assert sum(len(p.images) for p in profile.posts) == 10
    assert all(p.caption for p in profile.posts)


@needs_spacex
async def test_real_spacex_sample_through_a_directory_source(tmp_path: Path) -> None:
    shutil.copytree(SPACEX, tmp_path / "spacex")  # a symlink out of the root would be refused
    profile = await DirectorySource(tmp_path).fetch("@SpaceX", 3)
    assert [p.taken_at.date().isoformat() for p in profile.posts] == [
        "2021-09-18",
        "2021-09-16",
        "2021-09-15",
    ]


def test_png_and_webp_pictures_become_jpeg(tmp_path: Path) -> None:
    folder = write_profile(tmp_path, "erin", [FixturePost(taken_at=T0, images=[sample_jpeg(1)])])
    (jpg,) = folder.glob("*_UTC.jpg")
    with Image.open(jpg) as image:
        image.save(jpg.with_suffix(".webp"), format="WEBP")
    jpg.unlink()
    (image_bytes,) = load_profile_folder(folder, 1).posts[0].images
    assert image_bytes.startswith(b"\xff\xd8\xff")
    with Image.open(io.BytesIO(image_bytes)) as image:
        assert image.format == "JPEG" and image.size == (320, 240)


async def test_folder_named_with_capitals_is_found(tmp_path: Path) -> None:
    write_profile(tmp_path, "SpaceFan", [FixturePost(taken_at=T0, likes=3)])
    profile = await DirectorySource(tmp_path).fetch("spacefan", 5)
    assert profile.username == "spacefan" and profile.posts[0].likes == 3
