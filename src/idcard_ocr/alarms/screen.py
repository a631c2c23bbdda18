"""-9103 re-captured from a screen: the display's pixel grid, seen in the frequency domain.

A screen shows the card through a regular grid of sub-pixels; photographed, the grid (or
its moiré) becomes sharp, isolated peaks in the spectrum of the card's area that a printed
card, whose guilloche is smooth curves, does not have. The spectrum is taken in the
photo's own pixels (resampling to the flattened card would blur the grid away), in
windows on the card's plain ground, in grey; looking for a display's grid in a photo where
no card reads also takes their chroma (the sub-pixels' colours).
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
import numpy.typing as npt

from .. import geometry
from ..result import AlarmKind
from .evidence import CardEvidence, Finding, ramp

WINDOW = 128
# Window centres on the card, as fractions: ground with little print on both sides.
CENTRES = ((0.45, 0.3), (0.5, 0.72), (0.3, 0.7), (0.85, 0.9), (0.15, 0.12))
# Where to look for a grid in a photo whose card was not found: a 3 x 3 grid over its middle.
PHOTO_CENTRES = tuple((x, y) for y in (0.35, 0.5, 0.65) for x in (0.35, 0.5, 0.65))
# Periods from 2 to ~10 photo pixels: sub-pixel grids and their first moiré.
MIN_RADIUS, MAX_RADIUS = WINDOW // 10, WINDOW // 2 - 2
JPEG_STEP = WINDOW // 8  # JPEG's 8-px blocks put peaks at multiples of this on the axes
# Peaks are log-magnitudes over their ring's median. The score ramps the grey windows'
# median peak; a photo where no card reads is read again descreened when the median peak of
# its windows, grey and chroma, reaches GRID_PEAK (the score's old certain end).
PEAK_RAMP = (2.95, 3.45)
GRID_PEAK = 3.3
# The score's peaks are periods of 8 px and less: a pen's two edges across a window peak
# at longer ones (rings 12-14 of seeds 31 and 107's pens), faint grids' at rings 30-62.
SCORE_MIN_RADIUS = 16


def screen(evidence: CardEvidence) -> Finding:
    patches = _ground_patches(evidence.photo, evidence.quad)
    if not patches:
        return Finding(AlarmKind.SCREEN, 0.0, detail="card too small for a spectrum")
    # Grey only: the lens blurs a faint grid's sub-pixel colours before its light and dark,
    # and chroma windows peak at a card's print and the camera's colour noise; with them in
    # the median, faint screens scored under photos of cards (see the README).
    greys = [_grey(patch) for patch in patches]
    prominence = float(np.median(peak_prominences(greys, min_radius=SCORE_MIN_RADIUS)))
    detail = f"grey spectral peak {prominence:.2f} over its ring"
    return Finding(AlarmKind.SCREEN, ramp(prominence, *PEAK_RAMP), detail=detail)


def shows_pixel_grid(photo: npt.NDArray[np.uint8], outlines: Sequence[geometry.Quad] = ()) -> bool:
    """Whether the middle of the photo, card or no card, or what lies inside one of the
    `outlines` found in it, shows a display's pixel grid as plainly as a re-captured card's
    ground does. A screen held off the middle of the frame still has its outline found."""
    height, width = photo.shape[:2]
    if min(height, width) < 2 * WINDOW:
        return False
    middle = [
        window
        for fx, fy in PHOTO_CENTRES
        for window in _grey_and_chroma(_window_at(photo, round(fx * width), round(fy * height)))
    ]
    inside = (
        [window for patch in _ground_patches(photo, quad) for window in _grey_and_chroma(patch)]
        for quad in outlines
    )
    return any(
        windows and float(np.median(peak_prominences(windows))) >= GRID_PEAK
        for windows in (middle, *inside)
    )


def _window_at(photo: npt.NDArray[np.uint8], cx: int, cy: int) -> npt.NDArray[np.uint8]:
    height, width = photo.shape[:2]
    x0 = min(max(cx - WINDOW // 2, 0), width - WINDOW)
    y0 = min(max(cy - WINDOW // 2, 0), height - WINDOW)
    return photo[y0 : y0 + WINDOW, x0 : x0 + WINDOW]


def peak_prominences(
    windows: list[npt.NDArray[np.float32]], min_radius: int = MIN_RADIUS
) -> npt.NDArray[np.float64]:
    """Each window's strongest isolated peak of its spectrum from ring `min_radius` out,
    over its ring's median."""
    detail = np.stack([w - cv2.GaussianBlur(w, (0, 0), 2.0) for w in windows]) * _TAPER
    # A real window's spectrum is symmetric about its centre: half of it (the real FFT's,
    # all windows in one call) holds every value; each ring's median is its half's.
    flat = np.log1p(np.abs(np.fft.rfft2(detail))).reshape(len(windows), -1)
    outer = min_radius - MIN_RADIUS <= _SEARCH_RING
    peaks = flat[:, _SEARCH[outer]] - _ring_medians(flat)[:, _SEARCH_RING[outer]]
    return np.asarray(np.max(peaks, axis=1))


def _ring_medians(flat: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    """Each window's median over each ring, from one sort: each ring's values are lifted
    past those of the rings inside it, so sorting them all sorts each ring in its place."""
    ordered = np.sort(flat[:, _BY_RING] + _RING_LIFT[_RING[_BY_RING]], axis=1)
    low, high = _MIDDLES
    return np.asarray((ordered[:, low] + ordered[:, high]) / 2 - _RING_LIFT, np.float64)


def _half_spectrum() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Each pixel's ring in the real FFT's layout (0 the innermost, -1 for pixels that do
    not count), and the pixels searched for a peak: one pixel of each symmetric pair."""
    ys = np.fft.fftfreq(WINDOW, 1 / WINDOW).astype(np.int64)[:, None]
    xs = np.arange(WINDOW // 2 + 1)[None, :]
    radii = np.rint(np.hypot(xs, ys)).astype(np.int64)
    # The x = 0 column holds both pixels of its pairs: only its upper half counts.
    ring = np.where((xs > 0) | (ys > 0), radii - MIN_RADIUS, -1)
    search = (ring >= 0) & (radii <= MAX_RADIUS)
    for along, across in ((xs, ys), (ys, xs)):
        step_off = np.minimum(along % JPEG_STEP, JPEG_STEP - along % JPEG_STEP)
        search &= ~((np.abs(across) <= 1) & (step_off <= 1))
    return ring.ravel(), search.ravel()


_TAPER = np.outer(np.hanning(WINDOW), np.hanning(WINDOW)).astype(np.float32)
_RING, _SEARCH_MASK = _half_spectrum()
_SEARCH = np.flatnonzero(_SEARCH_MASK)
_SEARCH_RING = _RING[_SEARCH]
# The rings' pixels, ring by ring, and where each ring's middle two values fall once
# sorted (np.median's pair, one and the same for an odd count).
_BY_RING = np.argsort(_RING, kind="stable")
_BY_RING = _BY_RING[(_RING[_BY_RING] >= 0) & (_RING[_BY_RING] <= MAX_RADIUS - MIN_RADIUS)]
_RING_SIZES = np.bincount(_RING[_BY_RING])
_RING_STARTS = np.cumsum(_RING_SIZES) - _RING_SIZES
_MIDDLES = (_RING_STARTS + (_RING_SIZES - 1) // 2, _RING_STARTS + _RING_SIZES // 2)
# A log-magnitude stays far below 100 (log1p of 128 * 128 * 255 is 15).
_RING_LIFT = 100.0 * np.arange(len(_RING_SIZES))


def _ground_patches(
    photo: npt.NDArray[np.uint8], quad: geometry.Quad
) -> list[npt.NDArray[np.uint8]]:
    """Windows of the photo around the ground points of the card in `quad`."""
    height, width = photo.shape[:2]
    to_photo = geometry.unwarp_matrix(quad, geometry.CARD_WIDTH, geometry.CARD_HEIGHT)
    centres = geometry.map_points(
        [(x * geometry.CARD_WIDTH, y * geometry.CARD_HEIGHT) for x, y in CENTRES], to_photo
    )
    outline = np.asarray(quad, np.float32)
    half = WINDOW // 2
    return [
        photo[cy - half : cy + half, cx - half : cx + half]
        for cx, cy in np.rint(centres).astype(int)
        if half <= cx <= width - half and half <= cy <= height - half
        and cv2.pointPolygonTest(outline, (float(cx), float(cy)), True) >= half
    ]  # fmt: skip


def _grey(patch: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    """The mean of B, G and R (as `_grey_and_chroma`'s first)."""
    return np.asarray(cv2.transform(patch.astype(np.float32), _GREY_AND_CHROMA[:1]), np.float32)


def _grey_and_chroma(patch: npt.NDArray[np.uint8]) -> list[npt.NDArray[np.float32]]:
    """The mean of B, G and R, and R - B, in one pass over the pixels."""
    both = cv2.transform(patch.astype(np.float32), _GREY_AND_CHROMA)
    return [np.asarray(channel, np.float32) for channel in cv2.split(both)]


_GREY_AND_CHROMA = np.array([[1 / 3, 1 / 3, 1 / 3], [-1, 0, 1]], np.float32)
