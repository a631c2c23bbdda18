"""-9103 re-captured from a screen: the display's pixel grid, seen in the frequency domain.

A screen shows the card through a regular grid of sub-pixels; photographed, the grid (or
its moiré) becomes sharp, isolated peaks in the spectrum of the card's area that a printed
card, whose guilloche is smooth curves, does not have. The spectrum is taken in the
photo's own pixels (resampling to the flattened card would blur the grid away), in
windows on the card's plain ground, in grey and in chroma (the sub-pixels' colours).
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from .. import geometry
from ..result import AlarmKind
from .evidence import CardEvidence, Finding, ramp

WINDOW = 128
# Window centres on the card, as fractions: ground with little print on both sides.
CENTRES = ((0.45, 0.3), (0.5, 0.72), (0.3, 0.7), (0.85, 0.9), (0.15, 0.12))
# Periods from 2 to ~10 photo pixels: sub-pixel grids and their first moiré.
MIN_RADIUS, MAX_RADIUS = WINDOW // 10, WINDOW // 2 - 2
JPEG_STEP = WINDOW // 8  # JPEG's 8-px blocks put peaks at multiples of this on the axes
PEAK_RAMP = (2.7, 3.3)  # log-magnitude over the ring's median


def screen(evidence: CardEvidence) -> Finding:
    windows = list(_windows(evidence))
    if not windows:
        return Finding(AlarmKind.SCREEN, 0.0, detail="card too small for a spectrum")
    prominence = float(np.median([peak_prominence(w) for w in windows]))
    detail = f"spectral peak {prominence:.2f} over its ring"
    return Finding(AlarmKind.SCREEN, ramp(prominence, *PEAK_RAMP), detail=detail)


def peak_prominence(window: npt.NDArray[np.float32]) -> float:
    """The strongest isolated peak of the window's spectrum, over its ring's median."""
    taper = np.outer(np.hanning(WINDOW), np.hanning(WINDOW)).astype(np.float32)
    detail = window - cv2.GaussianBlur(window, (0, 0), 2.0)
    spectrum = np.log1p(np.abs(np.fft.fftshift(np.fft.fft2(detail * taper))))
    return float(np.max((spectrum - _ring_medians(spectrum))[_SEARCH]))


def _ring_medians(spectrum: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    flat = spectrum.ravel()
    medians = np.zeros_like(flat)
    for ring in _RINGS:
        medians[ring] = np.median(flat[ring])
    return medians.reshape(spectrum.shape)


def _search_mask() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    centre = WINDOW // 2
    ys, xs = np.mgrid[:WINDOW, :WINDOW] - centre
    radii = np.rint(np.hypot(xs, ys)).astype(np.int64)
    search = (radii >= MIN_RADIUS) & (radii <= MAX_RADIUS) & (ys >= 0)  # half: it is symmetric
    for along, across in ((xs, ys), (ys, xs)):
        step_off = np.minimum(along % JPEG_STEP, JPEG_STEP - along % JPEG_STEP)
        search &= ~((np.abs(across) <= 1) & (step_off <= 1))
    return radii, search


_RADII, _SEARCH = _search_mask()
_RINGS = [np.flatnonzero(r == _RADII) for r in range(MIN_RADIUS, MAX_RADIUS + 1)]


def _windows(evidence: CardEvidence) -> list[npt.NDArray[np.float32]]:
    """Grey and chroma windows of the photo around the card's ground points."""
    height, width = evidence.photo.shape[:2]
    centres = geometry.map_points(
        [(x * geometry.CARD_WIDTH, y * geometry.CARD_HEIGHT) for x, y in CENTRES],
        evidence.to_photo,
    )
    windows = []
    half = WINDOW // 2
    for cx, cy in np.rint(centres).astype(int):
        if half <= cx <= width - half and half <= cy <= height - half:
            patch = evidence.photo[cy - half : cy + half, cx - half : cx + half]
            if cv2.pointPolygonTest(evidence.quad, (float(cx), float(cy)), True) >= half:
                windows.append(_grey_and_chroma(patch))
    return [w for pair in windows for w in pair]


def _grey_and_chroma(patch: npt.NDArray[np.uint8]) -> tuple[npt.NDArray[np.float32], ...]:
    channels = patch.astype(np.float32)
    grey = channels.mean(axis=2, dtype=np.float32)
    return grey, np.asarray(channels[..., 2] - channels[..., 0], dtype=np.float32)
