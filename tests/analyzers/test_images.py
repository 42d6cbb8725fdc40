"""decode_image and sniff_image_format on every accepted format and on hostile input."""

from __future__ import annotations

import io
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pillow_heif
import pytest
from PIL import ExifTags, Image

from analyzers.images import ImageRejected, decode_image, sniff_image_format


def encode(im: Image.Image, fmt: str, **options: object) -> bytes:
    buf = io.BytesIO()
    if fmt == "HEIF":
        exif = options.pop("exif", None)
        extra = {"exif": exif.tobytes()} if isinstance(exif, Image.Exif) else {}
        pillow_heif.from_pillow(im).save(buf, format="HEIF", quality=90, **extra)
    else:
        im.save(buf, fmt, **options)
    return buf.getvalue()


@pytest.fixture(scope="module")
def photo() -> Image.Image:
    """A 400×300 picture with a red left half, so orientation and colour are checkable."""
    rng = np.random.default_rng(7)
    arr = rng.integers(60, 120, (300, 400, 3), dtype=np.uint8)
    arr[:, :200] = (220, 30, 30)
    return Image.fromarray(arr)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "HEIF"])
def test_every_format_decodes_to_rgb_uint8(photo: Image.Image, fmt: str) -> None:
    data = encode(photo, fmt)
    assert sniff_image_format(data) == fmt
    decoded = decode_image(data)
    assert decoded.format == fmt
    assert decoded.pixels.dtype == np.uint8
    assert decoded.pixels.shape == (300, 400, 3)
    assert decoded.original_size == (400, 300)
    left = decoded.pixels[:, :150].reshape(-1, 3).mean(axis=0)
    assert left[0] > 150 and left[1] < 90, "the red half stays red (RGB order, no BGR swap)"


@pytest.mark.parametrize("fmt", ["JPEG", "HEIF"])
def test_exif_orientation_is_applied_once(photo: Image.Image, fmt: str) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # stored sideways: display rotated 90° clockwise
    decoded = decode_image(encode(photo, fmt, exif=exif))
    assert decoded.pixels.shape == (400, 300, 3)
    top = decoded.pixels[:150].reshape(-1, 3).mean(axis=0)
    assert top[0] > 150, "after a clockwise turn the red left half is at the top"
    assert decoded.original_size == (300, 400), "full size as displayed, upright"


def test_large_jpeg_is_decoded_at_reduced_scale_and_downscaled() -> None:
    data = encode(Image.new("RGB", (10000, 10000), (10, 200, 30)), "JPEG", quality=70)
    with pytest.warns(Image.DecompressionBombWarning):  # Pillow's own global net, left in place
        decoded = decode_image(data)
    assert decoded.pixels.shape == (1080, 1080, 3)
    assert decoded.original_size == (10000, 10000)
    assert abs(int(decoded.pixels[500, 500, 1]) - 200) < 5


def test_max_pixels_bounds_the_decoded_size() -> None:
    data = encode(Image.new("RGB", (3000, 2000)), "PNG")
    with pytest.raises(ImageRejected) as info:
        decode_image(data, max_pixels=5_000_000)
    assert info.value.kind == "too_large"
    assert "5 megapixels" in info.value.user_message
    assert decode_image(data, max_pixels=6_000_000).pixels.shape == (720, 1080, 3)


def test_an_instagram_sized_photo_is_decoded_as_it_is_not_resampled() -> None:
    """Instagram's square and landscape photos are 1080 px wide: decoding one must cost a
    decode, not a resize as well."""
    rng = np.random.default_rng(3)
    for height in (1080, 608):
        photo = Image.fromarray(rng.integers(0, 256, (height, 1080, 3), dtype=np.uint8))
        data = encode(photo, "JPEG", quality=90)
        plain = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
        assert np.array_equal(decode_image(data).pixels, plain)


def png_declaring(width: int, height: int) -> bytes:
    """A valid 10×10 PNG whose IHDR is patched (with a correct CRC) to declare another size."""
    png = encode(Image.new("L", (10, 10)), "PNG")
    body = b"IHDR" + struct.pack(">II", width, height) + png[24:29]
    return png[:12] + body + struct.pack(">I", zlib.crc32(body)) + png[33:]


@pytest.mark.parametrize("side", [100_000, 9_000])
def test_decompression_bomb_is_rejected_before_decoding(side: int) -> None:
    bomb = png_declaring(side, side)
    assert len(bomb) < 200
    with pytest.raises(ImageRejected) as info:
        decode_image(bomb)
    assert info.value.kind == "too_large"


@pytest.mark.parametrize("fmt", ["GIF", "WEBP", "PNG"])
def test_animated_image_is_rejected_saying_animated(fmt: str) -> None:
    frames = [Image.new("RGB", (32, 32), c) for c in ((255, 0, 0), (0, 0, 255))]
    buf = io.BytesIO()
    frames[0].save(buf, fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert sniff_image_format(buf.getvalue()) == fmt
    with pytest.raises(ImageRejected) as info:
        decode_image(buf.getvalue())
    assert info.value.kind == "animated"
    assert "animated" in info.value.user_message


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"", "empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n", "pdf"),
        (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41", "video"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ", "video"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01webm", "video"),
        ("Hello, this is my résumé.\nSecond line\n".encode(), "text"),
        (b"BMW 320i for sale, ask me anything\n", "text"),
        (np.random.default_rng(1).integers(0, 256, 4000, dtype=np.uint8).tobytes(), "not_image"),
    ],
)
def test_non_images_get_distinct_clear_messages(data: bytes, kind: str) -> None:
    assert sniff_image_format(data) is None
    with pytest.raises(ImageRejected) as info:
        decode_image(data)
    assert info.value.kind == kind
    assert "send" in info.value.user_message.lower()


def test_random_bytes_never_sniff_as_an_image_by_accident() -> None:
    rng = np.random.default_rng(2)
    blobs = [rng.integers(0, 256, 64, dtype=np.uint8).tobytes() for _ in range(2000)]
    assert sum(sniff_image_format(b) is not None for b in blobs) == 0


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_truncated_file_is_rejected_as_corrupt(photo: Image.Image, fmt: str) -> None:
    data = encode(photo, fmt)
    with pytest.raises(ImageRejected) as info:
        decode_image(data[: len(data) // 2])
    assert info.value.kind == "corrupt"


def test_image_header_with_garbage_body_is_corrupt() -> None:
    with pytest.raises(ImageRejected) as info:
        decode_image(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)
    assert info.value.kind == "corrupt"


def test_one_pixel_image_is_accepted() -> None:
    decoded = decode_image(encode(Image.new("RGB", (1, 1), (1, 2, 3)), "PNG"))
    assert decoded.pixels.tolist() == [[[1, 2, 3]]]


def test_transparent_pixels_are_composited_over_white() -> None:
    im = Image.new("RGBA", (4, 4), (0, 0, 0, 0))
    im.putpixel((0, 0), (0, 0, 255, 255))
    pixels = decode_image(encode(im, "PNG")).pixels
    assert pixels[0, 0].tolist() == [0, 0, 255]
    assert pixels[3, 3].tolist() == [255, 255, 255]


def test_palette_with_transparency_is_composited_over_white() -> None:
    im = Image.new("P", (4, 4), 0)
    im.putpalette([0, 0, 0, 200, 10, 10] + [0] * 762)
    im.putpixel((1, 1), 1)
    pixels = decode_image(encode(im, "GIF", transparency=0)).pixels
    assert pixels[0, 0].tolist() == [255, 255, 255]
    assert pixels[1, 1].tolist() == [200, 10, 10]


def test_cmyk_jpeg_becomes_rgb() -> None:
    pixels = decode_image(encode(Image.new("CMYK", (8, 8), (0, 255, 255, 0)), "JPEG")).pixels
    r, g, b = pixels.reshape(-1, 3).mean(axis=0)
    assert r > 200 and g < 50 and b < 50


def test_sixteen_bit_grey_is_scaled_not_clipped() -> None:
    ramp = np.linspace(0, 65535, 256, dtype=np.uint16).reshape(16, 16)
    im = Image.fromarray(ramp)
    assert im.mode == "I;16"
    pixels = decode_image(encode(im, "PNG")).pixels
    assert pixels.shape == (16, 16, 3)
    assert pixels[0, 0, 0] == 0 and pixels[-1, -1, 0] == 255
    assert 120 <= pixels[8, 0, 0] <= 135, "mid-grey stays mid-grey"


def test_decoding_is_thread_safe(photo: Image.Image) -> None:
    blobs = [encode(photo, fmt) for fmt in ("JPEG", "PNG", "WEBP", "HEIF")] * 4
    with ThreadPoolExecutor(max_workers=4) as pool:
        shapes = list(pool.map(lambda b: decode_image(b).pixels.shape, blobs))
    assert shapes == [(300, 400, 3)] * len(blobs)
