"""Make sure image bytes handed on are JPEG (Instagram also serves WebP; folders may hold PNG)."""

from __future__ import annotations

import io

from PIL import Image

_JPEG_MAGIC = b"\xff\xd8\xff"


def ensure_jpeg(data: bytes, quality: int = 92) -> bytes:
    """`data` itself when it is a JPEG, else the picture re-encoded as JPEG.

    Raises PIL.UnidentifiedImageError (an OSError) when `data` is not a picture.
    """
    if data.startswith(_JPEG_MAGIC):
        return data
    with Image.open(io.BytesIO(data)) as image:
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=quality)
    return out.getvalue()
