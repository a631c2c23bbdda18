"""A large JPEG's cards are located on a preview that libjpeg decodes at a fraction of its
size (`stages.preview`): the outlines come out in the photo's coordinates, where the
full-size photo places them."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from cards import photo
from idcard_ocr import geometry
from idcard_ocr.stages.decode import decode_image, decode_preview
from idcard_ocr.stages.locate import WORK_SIDE, locate_cards
from idcard_ocr.stages.preview import PREVIEW_SIDE, decode_and_locate
from opencv_threads import opencv_threads


def _scene(height: int, width: int) -> np.ndarray:
    rng = np.random.default_rng(3)
    noise = rng.integers(0, 255, (height // 32, width // 32, 3), dtype=np.uint8)
    return np.asarray(cv2.resize(noise, (width, height), interpolation=cv2.INTER_CUBIC))


def _encoded(pixels: np.ndarray, fmt: str = "JPEG", exif: Image.Exif | None = None) -> bytes:
    out = io.BytesIO()
    image = Image.fromarray(pixels[:, :, ::-1])
    image.save(out, fmt, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


@pytest.mark.parametrize(("width", "fraction"), [(1500, 2), (3000, 4), (6000, 8)])
def test_a_large_jpeg_previews_at_the_smallest_fraction_that_keeps_the_work_side(
    width: int, fraction: int
) -> None:
    pixels = _scene(width * 2 // 3, width)
    preview = decode_preview(_encoded(pixels), WORK_SIDE)
    assert preview is not None
    assert preview.full_size == pixels.shape[:2]
    assert preview.pixels.shape[:2] == (-(-width * 2 // 3 // fraction), -(-width // fraction))
    assert max(preview.pixels.shape[:2]) >= WORK_SIDE
    shrunk = cv2.resize(pixels, preview.pixels.shape[1::-1], interpolation=cv2.INTER_AREA)
    assert np.abs(shrunk.astype(int) - preview.pixels).mean() < 4


def test_no_preview_where_the_full_decode_must_speak() -> None:
    """Too small to shrink, PNG, turned by EXIF, cut short or no image: `decode_image`
    decodes it or says why."""
    large = _scene(1000, 1500)
    exif = Image.Exif()
    exif[0x0112] = 6
    jpeg = _encoded(large)
    for data in (
        _encoded(_scene(900, 1400)),
        _encoded(large, "PNG"),
        _encoded(large, exif=exif),
        jpeg[: len(jpeg) // 2],
        b"not an image",
        b"",
    ):
        assert decode_preview(data, WORK_SIDE) is None


@pytest.mark.parametrize(("seed", "category"), [(1, "perspective"), (5, "two_sided")])
def test_cards_located_on_a_preview_are_those_on_the_full_photo(seed: int, category: str) -> None:
    """The cards' outlines come first, each within 2% of its size of where the full-size
    photo puts it (two cards of a photo may swap places; the faint outlines after them may
    differ)."""
    sample = photo(seed, category)
    preview = decode_preview(sample.jpeg, PREVIEW_SIDE)
    assert preview is not None
    full = locate_cards(decode_image(sample.jpeg).pixels).candidates
    previewed = locate_cards(preview.pixels, frame=preview.full_size).candidates
    cards = len(sample.cards)
    for theirs in full[:cards]:
        assert not theirs.whole_frame
        corners_apart = min(
            np.linalg.norm(mine.quad - theirs.quad, axis=1).max() for mine in previewed[:cards]
        )
        assert corners_apart < 0.02 * max(geometry.side_lengths(theirs.quad))


@pytest.mark.parametrize("threads", [1, 2])
def test_a_large_card_is_located_on_the_preview_a_far_one_on_the_full_photo(
    threads: int,
) -> None:
    """A small outline is where resampling tips locate: such photos are located again on
    the full decode, as without a preview. The same with the full decode beside (two
    threads, in process) or after (one, a server's worker)."""
    for seed, category, on_preview in ((1, "perspective", True), (2, "far", False)):
        jpeg = photo(seed, category).jpeg
        preview = decode_preview(jpeg, PREVIEW_SIDE)
        assert preview is not None
        with opencv_threads(threads):
            decoded, located = decode_and_locate(jpeg)
            assert np.array_equal(decoded.pixels, decode_image(jpeg).pixels)
            if on_preview:
                expected = locate_cards(preview.pixels, frame=preview.full_size)
            else:
                expected = locate_cards(decoded.pixels)
        assert [c.quad.tolist() for c in located.candidates] == [
            c.quad.tolist() for c in expected.candidates
        ]
