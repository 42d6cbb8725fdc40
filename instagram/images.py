"""Make sure image bytes handed on are JPEG (Instagram also serves WebP; folders may hold PNG)."""

from __future__ import annotations

import io

from PIL import Image

_JPEG_MAGIC = b"\xff\xd8\xff"
MAX_PIXELS = 40_000_000
"""The most pixels a non-JPEG is decoded at to convert it (analysis.max_image_pixels' default):
a small file can declare a huge picture, so the declared size is checked first."""


class NotAPicture(ValueError):
    """Bytes that are neither a JPEG nor a picture Pillow can convert."""


def ensure_jpeg(data: bytes, quality: int = 92, max_pixels: int = MAX_PIXELS) -> bytes:
    """`data` itself when it is a JPEG, else the picture re-encoded as JPEG.

    A JPEG is passed on undecoded (the analyzers' decoder checks it). Raises NotAPicture when
    `data` cannot be read as a picture.
    """
    if data.startswith(_JPEG_MAGIC):
        return data
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > max_pixels:
                raise NotAPicture(f"{image.width}x{image.height} is more than {max_pixels} pixels")
            out = io.BytesIO()
            image.convert("RGB").save(out, format="JPEG", quality=quality)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise NotAPicture(f"{type(error).__name__}: {error}") from error
    return out.getvalue()
