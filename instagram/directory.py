"""Profiles from folders laid out as instaloader writes them, read with instaloader's own loader.

A profile folder holds, per post, `<date>_UTC.json.xz` (or `.json` with --no-compress-json),
the caption `<date>_UTC.txt`, and the picture `<date>_UTC.jpg` (a video's cover for a video),
or `<date>_UTC_1.jpg`, `_2.jpg`… for a carousel; and, when instaloader saved it, the profile's
own `<username>_<id>.json.xz`. Dates are the post's UTC time (`%Y-%m-%d_%H-%M-%S`), so file
names sort in time order. Nothing here touches the network (see `instagram.offline`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import lzma
import os
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from instaloader import Post, Profile, load_structure
from instaloader.exceptions import InstaloaderException
from instaloader.structures import JsonExportable

from instagram.convert import optional, profile_fields, to_fetched_post
from instagram.errors import ProfileNotFound, ProfilePrivate
from instagram.files import (
    MAX_CAPTION_BYTES,
    MAX_IMAGE_BYTES,
    MAX_JSON_BYTES,
    decompress_xz,
    read_inside,
)
from instagram.images import NotAPicture, ensure_jpeg
from instagram.models import FetchedPost, FetchedProfile, ProfileFields
from instagram.offline import OfflineContext
from instagram.usernames import parse_username

log = logging.getLogger(__name__)

SOURCE_NAME = "directory"

_POST_JSON = re.compile(r"(?P<stem>.+_UTC)\.json(?:\.xz)?")
_PROFILE_JSON = re.compile(r"(?P<username>[A-Za-z0-9._]{1,30})_(?P<id>\d+)\.json(?:\.xz)?")
_IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp"})

_UNREADABLE = (
    OSError,
    EOFError,
    ValueError,  # includes json.JSONDecodeError and UnicodeDecodeError
    KeyError,
    TypeError,
    AssertionError,  # instaloader asserts required keys of a node
    lzma.LZMAError,
    InstaloaderException,
)
"""What reading one damaged or foreign file can raise; such a file is skipped, not fatal."""


@dataclass
class _Folder:
    """One profile folder: its file names (listed once) and the files we had to skip."""

    path: Path
    names: set[str]
    skipped: list[str] = field(default_factory=list)

    def skip(self, name: str, error: BaseException) -> None:
        log.warning(
            "skipping unreadable file %s: %s: %s", self.path / name, type(error).__name__, error
        )
        self.skipped.append(name)

    def post_files(self) -> list[str]:
        """Post metadata files, one per post (.json.xz preferred), newest first."""
        by_stem: dict[str, str] = {}
        for name in self.names:
            match = _POST_JSON.fullmatch(name)
            if match and (match["stem"] not in by_stem or name.endswith(".xz")):
                by_stem[match["stem"]] = name
        return [by_stem[stem] for stem in sorted(by_stem, reverse=True)]

    def profile_files(self) -> list[str]:
        """Profile metadata files, most recently written first (a renamed account has two)."""
        names = [
            n for n in self.names if _PROFILE_JSON.fullmatch(n) and not _POST_JSON.fullmatch(n)
        ]
        # lstat: a link's own time; following it could hang (a FIFO) or fail (a dangling link)
        return sorted(names, key=lambda n: (self.path / n).lstat().st_mtime, reverse=True)

    def read(self, name: str, limit: int) -> bytes:
        """A file of this folder, only if it is a regular file inside it (instagram.files)."""
        return read_inside(self.path, self.path / name, limit)

    def structure(self, context: OfflineContext, name: str) -> JsonExportable:
        """A post or profile saved by instaloader (`.json` or `.json.xz`), read as safely."""
        data = self.read(name, MAX_JSON_BYTES)
        if name.endswith(".xz"):
            data = decompress_xz(data, MAX_JSON_BYTES)
        return load_structure(context, json.loads(data))

    def images(self, stem: str) -> list[bytes]:
        """The post's pictures: `<stem>.jpg`, else `<stem>_1.jpg`, `<stem>_2.jpg`… in order."""
        pattern = re.compile(re.escape(stem) + r"(?:_(?P<index>\d+))?(?P<suffix>\.[A-Za-z]+)")
        found: dict[int, str] = {}
        for name in sorted(self.names):
            match = pattern.fullmatch(name)
            if match and match["suffix"].lower() in _IMAGE_SUFFIXES:
                found.setdefault(int(match["index"] or 0), name)
        images = []
        for _, name in sorted(found.items()):
            try:
                images.append(ensure_jpeg(self.read(name, MAX_IMAGE_BYTES)))
            except (OSError, NotAPicture) as error:
                self.skip(name, error)
        return images

    def caption_file(self, stem: str) -> str:
        """The caption instaloader wrote beside the post, '' if none."""
        name = f"{stem}.txt"
        if name not in self.names:
            return ""
        try:
            return self.read(name, MAX_CAPTION_BYTES).decode("utf-8").rstrip("\n")
        except (OSError, ValueError) as error:
            self.skip(name, error)
            return ""


def _load_profile(folder: _Folder, context: OfflineContext) -> Profile | None:
    for name in folder.profile_files():
        try:
            structure = folder.structure(context, name)
        except _UNREADABLE as error:
            folder.skip(name, error)
            continue
        if isinstance(structure, Profile):
            return structure
    return None


def _owner(post: Post) -> Profile | None:
    """The owner as the saved post describes it (username, often full name), None if absent."""
    return optional(lambda: post.owner_profile)


def _load_posts(
    folder: _Folder, context: OfflineContext, files: list[str], max_posts: int
) -> tuple[list[FetchedPost], Profile | None]:
    """The newest `max_posts` readable posts, and the owner profile the newest one carries."""
    posts: list[FetchedPost] = []
    owner: Profile | None = None
    for name in files:
        if len(posts) >= max_posts:
            break
        stem = name.split(".json")[0]
        try:
            structure = folder.structure(context, name)
            if not isinstance(structure, Post):
                continue  # a story item or hashtag saved in the same folder
            post = to_fetched_post(
                structure, folder.images(stem), caption_fallback=folder.caption_file(stem)
            )
        except _UNREADABLE as error:
            folder.skip(name, error)
            continue
        posts.append(post)
        if owner is None:
            owner = _owner(structure)
    posts.sort(key=lambda p: p.taken_at, reverse=True)
    return posts, owner


def load_profile_folder(path: Path, max_posts: int) -> FetchedProfile:
    """Read one profile folder (the folder that holds the `*_UTC.json.xz` files). Blocking.

    The username comes from the profile file, else from the posts' owner, else from the
    folder's name. Damaged files are left out, logged, and listed in `skipped_files`.
    From async code, use `DirectorySource` or `asyncio.to_thread`.
    """
    if max_posts < 0:
        raise ValueError(f"max_posts must be >= 0, not {max_posts}")
    path = Path(path)
    if not path.is_dir():
        raise ProfileNotFound(f"no profile folder at {path}")
    folder = _Folder(path=path, names={entry.name for entry in os.scandir(path)})
    context = OfflineContext()
    profile = _load_profile(folder, context)
    post_files = folder.post_files()
    posts, owner = _load_posts(folder, context, post_files, max_posts)
    known = profile or owner
    fields = (
        profile_fields(known)
        if known is not None
        else ProfileFields(path.name.lower(), None, None, None, None, None, False)
    )
    if fields.post_count is None:
        # instaloader drops the post count when saving a profile: count the posts on disk then.
        fields = replace(fields, post_count=len(post_files))
    return FetchedProfile(
        **asdict(fields),
        posts=posts,
        fetched_at=datetime.now(UTC),
        source=SOURCE_NAME,
        skipped_files=tuple(folder.skipped),
        unreadable_posts=sum(1 for name in folder.skipped if _POST_JSON.fullmatch(name)),
    )


def folder_username(path: Path) -> str:
    """The username of the profile in a folder, as load_profile_folder finds it (the profile
    file, else the newest post's owner, else the folder's name), reading at most one post."""
    try:
        return load_profile_folder(path, max_posts=1).username
    except ProfileNotFound:
        return path.name.lower()


class DirectorySource:
    """A ProfileSource over `<root>/<username>/` folders (e.g. `instaloader --dirname-pattern`)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._usernames: dict[Path, str] = {}
        """Profile folder -> the username its files give (folder_username), once per folder."""

    def _profile_folder(self, username: str) -> Path:
        name = parse_username(username)
        root = self.root.resolve()
        if not root.is_dir():
            raise ProfileNotFound(f"the profiles folder {root} does not exist")
        folder = root / name
        if not folder.is_dir():  # a folder named as typed ('SpaceX'): match case-insensitively
            folder = next((p for p in root.iterdir() if p.name.lower() == name), folder)
        if not folder.is_dir():  # the profile's own username, saved in a folder named otherwise
            folder = self._folder_of_username(root, name) or folder
        folder = folder.resolve()
        # parse_username already forbids separators and '..'; this also catches symlinks.
        if folder == root or not folder.is_relative_to(root):
            raise ProfileNotFound(f"{username!r} leads outside {root}")
        if not folder.is_dir():
            raise ProfileNotFound(f"no folder for {name} under {root}")
        return folder

    def _username_of(self, folder: Path) -> str:
        """The profile's own username as its files say (folder_username), read once per folder."""
        known = self._usernames.get(folder)
        if known is None:
            known = self._usernames[folder] = folder_username(folder)
        return known

    def _folder_of_username(self, root: Path, username: str) -> Path | None:
        """The folder whose profile calls itself `username` ('spacex' in 'spacex_sample/')."""
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            if self._username_of(folder) == username:
                return folder
        return None

    def _canonical(self, username: str) -> str:
        try:
            return self._username_of(self._profile_folder(username))
        except ProfileNotFound:
            return parse_username(username)

    async def canonical_username(self, username: str) -> str:
        """The username the profile calls itself, for the folder name or the username typed:
        one account, one name in every answer and record. An unknown name comes back as typed
        (lower-cased), so that fetching it raises the usual error."""
        return await asyncio.to_thread(self._canonical, username)

    def _read(self, username: str, max_posts: int) -> FetchedProfile:
        profile = load_profile_folder(self._profile_folder(username), max_posts)
        if profile.is_private and not profile.posts:
            # Instagram shows a private profile's posts only to its followers: answer as the
            # online source does rather than as an account that never posted.
            raise ProfilePrivate(f"{profile.username} is private and its folder has no posts")
        return profile

    async def fetch(self, username: str, max_posts: int) -> FetchedProfile:
        return await asyncio.to_thread(self._read, username, max_posts)
