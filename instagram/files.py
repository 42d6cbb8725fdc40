"""Reading one file of a profile folder without being led anywhere else.

A folder is data from outside: any file in it may be a symlink to a secret elsewhere, to
`/dev/zero` (an endless read) or a FIFO (an `open` that blocks for ever). So a file is read only
when it resolves inside the folder, is a regular file, and is not bigger than its cap: checked
with `stat` before opening, opened non-blocking without following a link, checked again on the
open descriptor (it may have been swapped meanwhile), and read at most one byte past the cap.
"""

from __future__ import annotations

import lzma
import os
import stat
from pathlib import Path

MAX_IMAGE_BYTES = 30 * 1024 * 1024
MAX_CAPTION_BYTES = 64 * 1024
"""Instagram captions are at most 2,200 characters."""
MAX_JSON_BYTES = 20 * 1024 * 1024
"""For a post's or profile's metadata, compressed and decompressed alike."""

_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC


class UnsafeFile(OSError):
    """A file that leads outside its folder, is not a regular file, or is too big."""


def read_inside(folder: Path, path: Path, limit: int) -> bytes:
    """The bytes of `path`, a regular file of at most `limit` bytes that resolves inside
    `folder`; raises UnsafeFile (or the OSError of a missing file) otherwise."""
    target = path.resolve(strict=True)
    if not target.is_relative_to(folder.resolve()):
        raise UnsafeFile(f"{path.name} leads outside its folder")
    _check(path.name, target.stat(), limit)
    fd = os.open(target, _FLAGS)
    with os.fdopen(fd, "rb") as file:
        _check(path.name, os.fstat(fd), limit)
        data = file.read(limit + 1)
    if len(data) > limit:
        raise UnsafeFile(f"{path.name} is larger than {limit} bytes")
    return data


def _check(name: str, info: os.stat_result, limit: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise UnsafeFile(f"{name} is not a regular file")
    if info.st_size > limit:
        raise UnsafeFile(f"{name} is larger than {limit} bytes")


def decompress_xz(data: bytes, limit: int) -> bytes:
    """`data` decompressed, refused when it would be larger than `limit` (an xz bomb)."""
    out = lzma.LZMADecompressor().decompress(data, max_length=limit + 1)
    if len(out) > limit:
        raise UnsafeFile(f"decompresses to more than {limit} bytes")
    return out
