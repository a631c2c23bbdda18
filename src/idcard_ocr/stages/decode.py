"""Decode: bytes in, an upright BGR image out (EXIF orientation applied), within limits."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import EmptyImage, ImageDecodeFailed, ImageSizeTooLarge
from .timing import stopwatch

ACCEPTED_FORMATS = frozenset({"PNG", "JPEG", "BMP"})
MAX_IMAGE_BYTES = 7 * 1024 * 1024
# A decompression bomb is a small file that expands to a huge bitmap; 40 Mpx covers any phone.
MAX_PIXELS = 40_000_000
MIN_SIDE = 32
EXIF_ORIENTATION = 0x0112
JPEG_END = b"\xff\xd9"
# libjpeg decodes at these fractions of the size for little more than its Huffman decoding.
PREVIEW_FRACTIONS = {
    8: cv2.IMREAD_REDUCED_COLOR_8,
    4: cv2.IMREAD_REDUCED_COLOR_4,
    2: cv2.IMREAD_REDUCED_COLOR_2,
}


@dataclass(frozen=True)
class DecodedImage:
    pixels: npt.NDArray[np.uint8]
    """BGR, uint8, upright as the EXIF orientation says."""
    source_format: str
    elapsed_ms: float


@dataclass(frozen=True)
class Preview:
    """A photo decoded at a fraction of its size, for the stages that see it as a whole."""

    pixels: npt.NDArray[np.uint8]
    """BGR, uint8, 1/2, 1/4 or 1/8 of the photo's size."""
    full_size: tuple[int, int]
    """The photo's height and width."""
    elapsed_ms: float


def decode_image(data: bytes, *, max_bytes: int = MAX_IMAGE_BYTES) -> DecodedImage:
    """Decode PNG, JPEG or BMP bytes; anything else is ImageDecodeFailed."""
    with stopwatch() as elapsed:
        if not data:
            raise EmptyImage("the image is empty")
        if len(data) > max_bytes:
            raise ImageSizeTooLarge(f"the image is {len(data)} bytes; the limit is {max_bytes}")
        image, fmt = _open(data)
        fast = _decode_plain_jpeg(data, image)
        pixels = fast if fast is not None else _to_bgr(_load(image))
    return DecodedImage(pixels, fmt, elapsed[0])


def decode_preview(data: bytes, min_side: int) -> Preview | None:
    """A plain JPEG (`_decode_plain_jpeg`) decoded at the smallest fraction of its size whose
    longer side keeps `min_side` px (libjpeg's DCT scaling: 10-14 Mpx photos at a half in
    7-17 ms, in full in 14-40); None for anything else, or anything `decode_image` refuses
    (which then says why)."""
    if len(data) > MAX_IMAGE_BYTES:
        return None
    with stopwatch() as elapsed:
        try:
            image, _ = _open(data)
        except (ImageDecodeFailed, ImageSizeTooLarge):
            return None
        if not _plain_jpeg(data, image):
            return None
        fraction = next((f for f in PREVIEW_FRACTIONS if max(image.size) >= f * min_side), 0)
        if not fraction:
            return None
        flags = PREVIEW_FRACTIONS[fraction] | cv2.IMREAD_IGNORE_ORIENTATION
        pixels = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
        if pixels is None:
            return None
    return Preview(np.asarray(pixels, dtype=np.uint8), (image.height, image.width), elapsed[0])


def _open(data: bytes) -> tuple[Image.Image, str]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            fmt = image.format or ""
            if fmt not in ACCEPTED_FORMATS:
                raise ImageDecodeFailed(f"unsupported image format {fmt or 'unknown'}")
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ImageSizeTooLarge(f"the image is {width}x{height}; at most {MAX_PIXELS} px")
            if min(width, height) < MIN_SIDE:
                raise ImageDecodeFailed(f"the image is only {width}x{height} px")
            return image, fmt
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise ImageSizeTooLarge(f"the image has too many pixels: {exc}") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageDecodeFailed(f"the image cannot be decoded: {exc}") from exc


def _load(image: Image.Image) -> Image.Image:
    """The full decode through Pillow, EXIF orientation applied."""
    try:
        image.load()
        return ImageOps.exif_transpose(image) or image
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageDecodeFailed(f"the image cannot be decoded: {exc}") from exc


def _decode_plain_jpeg(data: bytes, image: Image.Image) -> npt.NDArray[np.uint8] | None:
    """A complete, upright RGB or grey JPEG decoded by OpenCV: the same pixels as Pillow's
    (both use libjpeg-turbo), but straight to BGR, without Pillow's copy and the colour swap,
    about 40% faster. None for anything else, which Pillow decodes: a truncated file (no end
    marker: OpenCV would return it half grey, Pillow refuses it), EXIF rotation, CMYK."""
    if not _plain_jpeg(data, image):
        return None
    flags = cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    if pixels is None or pixels.shape[:2] != (image.height, image.width):
        return None
    return np.asarray(pixels, dtype=np.uint8)


def _plain_jpeg(data: bytes, image: Image.Image) -> bool:
    """A complete, upright RGB or grey JPEG."""
    if image.format != "JPEG" or image.mode not in ("RGB", "L"):
        return False
    if image.getexif().get(EXIF_ORIENTATION, 1) != 1:
        return False
    return data.rstrip(b"\0\r\n ").endswith(JPEG_END)


def _to_bgr(image: Image.Image) -> npt.NDArray[np.uint8]:
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        # Transparent pixels are composited on white, as a viewer would show them.
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image.convert("RGBA"), mask=image.convert("RGBA").split()[3])
        image = background
    rgb = np.asarray(image if image.mode == "RGB" else image.convert("RGB"), dtype=np.uint8)
    # cvtColor, not a reversed numpy view made contiguous: 10x faster on a 12 Mpx photo.
    return np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), dtype=np.uint8)
