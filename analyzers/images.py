"""Decode an untrusted photo once into the RGB array every image analyzer reads.

Photos come from strangers (a Telegram photo, a file sent as a document, an Instagram post), so
the decoder treats every byte as hostile:

- the format is sniffed from magic bytes first, and Pillow is only allowed to use the plugin of
  that format (no EPS/Ghostscript or other exotic plugins behind a renamed file);
- the pixel count is read from the header and checked *before* any pixel is decoded, so a small
  file that declares 100000×100000 pixels is refused without allocating anything;
- big JPEGs are decoded at a reduced DCT scale (`Image.draft`), so a 10000×10000 JPEG costs about
  as much memory as a 2500×2500 one; `max_pixels` bounds what is actually decoded into memory;
- animated images (GIF, WebP, APNG) are refused with a message that says "animated": one frame
  of an animation is not the photo the person meant, and analysing it would mislead.

Pillow's global `Image.MAX_IMAGE_PIXELS` is deliberately left at its default: it stays a second
safety net for other Pillow users in the process, and our per-call `max_pixels` is stricter for
everything it lets through (its DecompressionBombError, raised for declared sizes above about
179 million pixels, becomes the same "too large" rejection). The HEIF opener of pillow-heif is
registered once, on the first HEIC/HEIF photo, under a lock; nothing else is mutated at call time.
"""

from __future__ import annotations

import io
import logging
import threading
from typing import Final

import numpy as np
from PIL import ExifTags, Image

from analyzers.types import DecodedImage

log = logging.getLogger(__name__)

SUPPORTED_FORMATS: Final = ("JPEG", "PNG", "WEBP", "GIF", "HEIF", "BMP", "TIFF")
"""What `sniff_image_format` can return, as Pillow names the formats."""

_SEND_INSTEAD: Final = "Please send a photo (JPEG, PNG, WebP or HEIC)."

_HEIF_BRANDS: Final = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1"})
_VIDEO_BRANDS: Final = frozenset(
    {b"isom", b"iso2", b"mp41", b"mp42", b"avc1", b"qt  ", b"M4V ", b"M4A ", b"3gp4", b"3gp5"}
)

_BMP_HEADER_SIZES: Final = frozenset({12, 40, 52, 56, 64, 108, 124})
"""The DIB header sizes of real BMP files ('BM' alone would also start a text about a BMW)."""

# Orientation tag value -> the transpose that shows the photo upright (as ImageOps.exif_transpose).
_ORIENTATION_FIX: Final = {
    2: (Image.Transpose.FLIP_LEFT_RIGHT,),
    3: (Image.Transpose.ROTATE_180,),
    4: (Image.Transpose.FLIP_TOP_BOTTOM,),
    5: (Image.Transpose.TRANSPOSE,),
    6: (Image.Transpose.ROTATE_270,),
    7: (Image.Transpose.TRANSVERSE,),
    8: (Image.Transpose.ROTATE_90,),
}

_SWAPS_SIDES: Final = frozenset({5, 6, 7, 8})

MIN_SIDE: Final = 48
"""Pixels on the shorter side below which a photo is refused for analysis: the models would
still answer (a 1×1 image got "adventure 75%"), but about nothing a person could see."""

_heif_lock = threading.Lock()
_heif_registered = False


class ImageRejected(ValueError):
    """The bytes are not a photo we can analyse.

    `kind` is a short stable code for programs and tests ('empty', 'pdf', 'video', 'text',
    'not_image', 'too_large', 'too_small', 'animated', 'corrupt'); `user_message` is a plain
    sentence for the person: what is wrong and what to send instead.
    """

    def __init__(self, kind: str, user_message: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail or user_message}")
        self.kind = kind
        self.user_message = user_message


def sniff_image_format(data: bytes) -> str | None:
    """Return the image format of `data` from its magic bytes ('JPEG', 'PNG', ...), else None.

    Lets a handler accept a photo sent as a document and refuse other documents without
    decoding anything. Only the first 32 bytes are read.
    """
    head = data[:32]
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "HEIF"
    if head[:2] == b"BM" and int.from_bytes(head[14:18], "little") in _BMP_HEADER_SIZES:
        return "BMP"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    return None


WORKING_SIZE: Final = 1080
"""The longer side photos are decoded to at most: Instagram's width, so its square and
landscape photos (1080 px wide) are not resampled. At 1024 each was decoded in full and then
shrunk by 5 % with Lanczos: 34 ms instead of 3 ms for a 1080×1080 JPEG, most of a profile's
decoding time (benchmarks/bench_breakdown.py). Portrait posts (1080×1350) are still shrunk."""


def decode_image(
    data: bytes, *, max_pixels: int = 40_000_000, working_size: int = WORKING_SIZE
) -> DecodedImage:
    """Decode `data` into an upright RGB uint8 image whose longer side is ≤ `working_size`.

    `original_size` is the full-resolution (width, height) as displayed, i.e. after the EXIF
    rotation (libheif already applies HEIF rotations, so all formats agree).

    `max_pixels` bounds the pixels decoded into memory: the declared size of a non-JPEG, or the
    reduced DCT size a JPEG is decoded at. Raises ImageRejected (with a `user_message`) for empty,
    non-image, animated, oversized, corrupt or truncated input. Thread-safe.
    """
    fmt = sniff_image_format(data)
    if fmt is None:
        raise _not_an_image(data)
    if fmt == "HEIF":
        _register_heif_opener()
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as im:
            _check_still(im)
            original_size = im.size
            if fmt == "JPEG":
                # Let libjpeg decode at 1/2, 1/4 or 1/8 scale (an averaging IDCT, not pixel
                # skipping) while the result still covers the working size; Lanczos finishes.
                im.draft(None, _fit(im.size, working_size))
            _check_pixels(im.size, max_pixels)
            orientation = im.getexif().get(ExifTags.Base.Orientation, 1)
            rgb = _to_rgb(im)
    except ImageRejected:
        raise
    except Image.DecompressionBombError as exc:
        raise _too_large(max_pixels, str(exc)) from exc
    except MemoryError as exc:
        raise _too_large(max_pixels, "out of memory while decoding") from exc
    except Exception as exc:  # Pillow raises OSError, SyntaxError, ValueError, EOFError, ...
        log.info("image rejected as corrupt (%s): %r", fmt, exc)
        raise ImageRejected(
            "corrupt",
            f"This {_human_format(fmt)} file is damaged or incomplete, so I cannot open it. "
            "Please send the photo again, or save it again as a JPEG.",
            repr(exc),
        ) from exc
    rgb = _downscale(rgb, working_size)
    for step in _ORIENTATION_FIX.get(orientation, ()):
        rgb = rgb.transpose(step)
    if orientation in _SWAPS_SIDES:
        original_size = (original_size[1], original_size[0])
    pixels = np.ascontiguousarray(np.asarray(rgb, dtype=np.uint8))
    return DecodedImage(pixels=pixels, original_size=original_size, format=fmt)


def require_judgeable(image: DecodedImage, min_side: int = MIN_SIDE) -> None:
    """Refuse a decoded image too small to analyse (the decoder itself accepts any size)."""
    width, height = image.original_size
    if min(width, height) < min_side:
        raise ImageRejected(
            "too_small",
            f"This image is only {width}×{height} pixels, too small for me to judge. "
            f"Please send a photo at least {min_side}×{min_side} pixels.",
        )


def _register_heif_opener() -> None:
    """Teach Pillow to read HEIC/HEIF, once per process, on the first photo that needs it."""
    global _heif_registered
    with _heif_lock:
        if not _heif_registered:
            import pillow_heif

            pillow_heif.register_heif_opener()
            _heif_registered = True


def _check_still(im: Image.Image) -> None:
    # HEIF and TIFF may hold several images (thumbnails, pages): their first/primary image is
    # the photo. In GIF, WebP and PNG several frames mean an animation.
    if im.format in ("GIF", "WEBP", "PNG") and getattr(im, "is_animated", False):
        raise ImageRejected(
            "animated",
            "This is an animated image; I can only look at still photos. "
            "Please send one frame of it as a JPEG or PNG.",
        )


def _check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    width, height = size
    if width <= 0 or height <= 0:
        raise ImageRejected("corrupt", "This image says it has no pixels. " + _SEND_INSTEAD)
    if width * height > max_pixels:
        raise _too_large(max_pixels, f"{width}x{height} > {max_pixels} pixels")


def _too_large(max_pixels: int, detail: str) -> ImageRejected:
    megapixels = max(1, max_pixels // 1_000_000)
    return ImageRejected(
        "too_large",
        "This image is too large for me to open. Please send it as a normal photo "
        f"(not as a file), or make it smaller than {megapixels} megapixels.",
        detail,
    )


def _to_rgb(im: Image.Image) -> Image.Image:
    """Any Pillow mode -> RGB: transparency over white, 16-bit and float scaled, not clipped."""
    mode = im.mode
    if mode == "RGB":
        im.load()
        return im
    if mode in ("RGBA", "LA", "PA", "RGBa", "La") or (mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    if mode.startswith("I") or mode == "F":
        return _high_depth_to_rgb(np.asarray(im), mode)
    return im.convert("RGB")


def _high_depth_to_rgb(values: np.ndarray, mode: str) -> Image.Image:
    """Scale one-channel 16-bit/32-bit/float pixels to 8 bits (Pillow's convert would clip).

    16-bit modes map 0..65535 to 0..255; 'I' is treated as 16-bit when it exceeds 255 (that is
    how Pillow opens 16-bit PNG/TIFF); 'F' is taken as 0..1 when its maximum is ≤ 1, else 0..255.
    """
    v = values.astype(np.float64)
    peak = float(v.max()) if v.size else 0.0
    if mode.startswith("I;16") or (mode == "I" and peak > 255):
        v = v / 257.0
    elif mode == "F" and peak <= 1.0:
        v = v * 255.0
    gray = np.clip(np.rint(v), 0, 255).astype(np.uint8)
    return Image.fromarray(gray).convert("RGB")


def _fit(size: tuple[int, int], working_size: int) -> tuple[int, int]:
    """`size` scaled so that its longer side is at most `working_size` (never enlarged)."""
    scale = min(1.0, working_size / max(size))
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _downscale(im: Image.Image, working_size: int) -> Image.Image:
    size = _fit(im.size, working_size)
    if size == im.size:
        return im
    return im.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _human_format(fmt: str) -> str:
    return {"HEIF": "HEIC", "WEBP": "WebP"}.get(fmt, fmt)


def _not_an_image(data: bytes) -> ImageRejected:
    """Say what the bytes are instead of a photo, as precisely as their first bytes allow."""
    head = data[:16]
    if not data:
        return ImageRejected("empty", "The file is empty. " + _SEND_INSTEAD)
    if head.startswith(b"%PDF"):
        return ImageRejected(
            "pdf",
            "This is a PDF document, not a photo. "
            "Please send the picture itself as a photo (JPEG, PNG, WebP or HEIC).",
        )
    is_iso_video = head[4:8] == b"ftyp" and (head[8:12] in _VIDEO_BRANDS or head[8:10] == b"3g")
    is_other_video = head.startswith(b"\x1a\x45\xdf\xa3") or (
        head[:4] == b"RIFF" and head[8:12] == b"AVI "
    )
    if is_iso_video or is_other_video:
        return ImageRejected(
            "video",
            "This is a video; I can only analyse photos. "
            "Please send a photo, or a screenshot of the moment you want me to look at.",
        )
    if _looks_like_text(data[:4096]):
        return ImageRejected(
            "text", "This is a text file, not a photo. " + _SEND_INSTEAD, "decodes as UTF-8 text"
        )
    return ImageRejected(
        "not_image",
        "I cannot read this file as a photo. " + _SEND_INSTEAD,
        f"unknown magic bytes {head[:8].hex()}",
    )


def _looks_like_text(sample: bytes) -> bool:
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character may be cut at the end of the sample.
        try:
            text = sample[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return False
    return all(ch.isprintable() or ch in "\r\n\t\f" for ch in text)
