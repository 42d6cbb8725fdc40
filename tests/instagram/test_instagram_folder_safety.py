"""A crafted profile folder cannot lead the reader elsewhere: an image, a caption `.txt` or a
post `.json.xz` that is a symlink to a file outside the folder, to a device (`/dev/zero`) or to a
FIFO is skipped and named in `skipped_files`, never read; the read ends quickly and the process
does not grow. Real files on disk, instaloader's format, real symlinks and a real FIFO."""

from __future__ import annotations

import io
import os
import resource
import shutil
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from instagram.directory import DirectorySource
from instagram.files import MAX_CAPTION_BYTES, UnsafeFile, read_inside
from instagram.images import NotAPicture, ensure_jpeg
from instagram.models import FetchedProfile
from tests.fixtures.instagram_fixture import FixturePost, sample_jpeg, write_profile

T0 = datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC)
SECRET = "operator's private notes: do not quote"
STEMS = [f"2024-03-0{day}_12-00-00_UTC" for day in (1, 2, 3)]
SUFFIX = {"image": ".jpg", "caption": ".txt", "post": ".json.xz"}


def _folder(tmp_path: Path) -> tuple[Path, Path]:
    """`<root>/alice/` with three caption-less posts, and a folder outside the root."""
    posts = [
        FixturePost(taken_at=T0 + timedelta(days=i), caption="", images=[sample_jpeg(i)])
        for i in range(3)
    ]
    root = tmp_path / "root"
    write_profile(root, "alice", posts)
    outside = tmp_path / "outside"
    write_profile(
        outside,
        "mallory",
        [FixturePost(taken_at=T0, caption="stolen post", images=[sample_jpeg(9)])],
    )
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    return root, outside


def _target(kind: str, where: str, tmp_path: Path, outside: Path) -> Path:
    if where == "device":
        return Path("/dev/zero")
    if where == "fifo":
        fifo = tmp_path / "fifo"
        os.mkfifo(fifo)
        return fifo
    if kind == "image":
        return next((outside / "mallory").glob("*.jpg"))
    if kind == "post":
        return next((outside / "mallory").glob("*_UTC.json.xz"))
    return outside / "secret.txt"


def _fetch_in_time(root: Path) -> FetchedProfile:
    """Fetch in a daemon thread: a read that blocks (a FIFO) fails the test, not the run."""
    result: list[FetchedProfile] = []
    worker = threading.Thread(
        target=lambda: result.append(DirectorySource(root)._read("alice", 10)), daemon=True
    )
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "reading the folder hung"
    return result[0]


@pytest.mark.parametrize("where", ["outside", "device", "fifo"])
@pytest.mark.parametrize("kind", ["image", "caption", "post"])
def test_a_symlinked_file_is_skipped_counted_and_never_read(
    tmp_path: Path, kind: str, where: str
) -> None:
    root, outside = _folder(tmp_path)
    name = STEMS[1] + SUFFIX[kind]
    link = root / "alice" / name
    link.unlink(missing_ok=True)
    link.symlink_to(_target(kind, where, tmp_path, outside))
    grown_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    profile = _fetch_in_time(root)
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - grown_before
    assert name in profile.skipped_files
    assert grown_kb < 200_000, f"the process grew by {grown_kb} kB"
    assert all(SECRET not in p.caption and "stolen" not in p.caption for p in profile.posts)
    assert len(profile.posts) == (2 if kind == "post" else 3)
    if kind == "image":
        assert sum(len(p.images) for p in profile.posts) == 2


def test_a_symlink_inside_the_folder_is_read(tmp_path: Path) -> None:
    root, _ = _folder(tmp_path)
    folder = root / "alice"
    (folder / "captions").mkdir()
    (folder / "captions" / "real.txt").write_text("a caption kept aside", encoding="utf-8")
    (folder / f"{STEMS[0]}.txt").symlink_to(folder / "captions" / "real.txt")
    profile = _fetch_in_time(root)
    assert profile.skipped_files == ()
    assert "a caption kept aside" in [p.caption for p in profile.posts]


def test_a_file_over_its_cap_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * (MAX_CAPTION_BYTES + 1))
    with pytest.raises(UnsafeFile, match="larger than"):
        read_inside(tmp_path, big, MAX_CAPTION_BYTES)
    shutil.copy(big, tmp_path / "ok.txt")
    assert read_inside(tmp_path, tmp_path / "ok.txt", MAX_CAPTION_BYTES + 1)


def test_a_picture_declaring_too_many_pixels_is_not_decoded() -> None:
    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, format="PNG")  # 48 megapixels in a few kB
    assert len(out.getvalue()) < 100_000
    with pytest.raises(NotAPicture, match="more than"):
        ensure_jpeg(out.getvalue())
