"""Camera-side alarm effects on a composed photo: specular glare and blur.

Both work on the float32 BGR canvas after the card has been warped into the frame; glare
is drawn in card coordinates and warped with the card's homography so it lies on the card
plane (an ellipse seen in perspective), blur is a kernel over the whole photo.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import cv2
import numpy as np

Size = tuple[int, int]  # width, height
TEXT_HEIGHT = 0.032  # printed value height as a share of the card's width (60-72 px of 1887)

# Share of the card area that is visibly washed out, per strength.
_GLARE_AREA = {0.3: (0.03, 0.06), 0.6: (0.06, 0.12), 1.0: (0.12, 0.20)}
# Blur size in printed-text heights, per strength: defocus disk radius, motion length.
_DEFOCUS = {0.3: (0.22, 0.3), 0.6: (0.35, 0.5), 1.0: (0.6, 0.9)}
_MOTION = {0.3: (0.55, 0.75), 0.6: (0.9, 1.2), 1.0: (1.5, 2.2)}
_CORE = 0.7  # the washed-out (mask > 0.5) part of a spot spans 0.7 of its full radius


@dataclass(frozen=True)
class GlareSpot:
    """An elliptic highlight in card pixels: centre, full semi-axes, rotation in degrees."""

    centre: tuple[float, float]
    axes: tuple[float, float]
    angle: float

    def region(self) -> np.ndarray:
        """Corners (4x2, card px) of the box around the washed-out core."""
        a, b = (axis * _CORE for axis in self.axes)
        theta = math.radians(self.angle)
        rot = np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
        corners = np.array([[-a, -b], [a, -b], [a, b], [-a, b]]) @ rot.T
        return np.asarray(corners + self.centre, np.float32)


def glare_spots(
    rng: random.Random, card: Size, strength: float, targets: list[tuple[float, float]]
) -> list[GlareSpot]:
    """One or two spots covering the strength's share of the card, wholly on the card.

    Half the time a spot is centred on one of ``targets`` (field centres), where glare
    hides text; the centre is then pulled inwards as far as needed to stay on the card.
    """
    low, high = _GLARE_AREA[strength]
    share = rng.uniform(low, high)
    parts = [share] if rng.random() < 0.6 else [share * 0.65, share * 0.35]
    spots = []
    for part in parts:
        aspect = rng.uniform(0.45, 1.0)
        core_area = part * card[0] * card[1]
        a = math.sqrt(core_area / (math.pi * aspect)) / _CORE
        b = a * aspect
        angle = rng.uniform(-40, 40)
        reach = _reach(a, b, angle)
        if targets and rng.random() < 0.5:
            want = rng.choice(targets)
        else:
            want = (rng.uniform(0, card[0]), rng.uniform(0, card[1]))
        centre = tuple(
            float(np.clip(want[i], reach[i] + 4, card[i] - reach[i] - 4)) for i in (0, 1)
        )
        spots.append(GlareSpot((centre[0], centre[1]), (a, b), angle))
    return spots


def _reach(a: float, b: float, angle: float) -> tuple[float, float]:
    """Half extents of a rotated ellipse's bounding box."""
    theta = math.radians(angle)
    half_w = math.hypot(a * math.cos(theta), b * math.sin(theta))
    half_h = math.hypot(a * math.sin(theta), b * math.cos(theta))
    return half_w, half_h


def glare_mask(spots: list[GlareSpot], card: Size, scale: float) -> np.ndarray:
    """Intensity 0-1 on a card-sized grid scaled by ``scale``: flat core, smooth falloff."""
    width, height = max(2, round(card[0] * scale)), max(2, round(card[1] * scale))
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32) / scale
    mask = np.zeros((height, width), np.float32)
    for spot in spots:
        theta = math.radians(spot.angle)
        dx, dy = xs - spot.centre[0], ys - spot.centre[1]
        u = (dx * math.cos(theta) + dy * math.sin(theta)) / spot.axes[0]
        v = (-dx * math.sin(theta) + dy * math.cos(theta)) / spot.axes[1]
        radius = np.sqrt(u * u + v * v)
        t = np.clip((radius - 0.4) / 0.6, 0, 1)  # smoothstep from r=0.4 (flat) to r=1 (none)
        mask = np.maximum(mask, 1 - t * t * (3 - 2 * t))
    return mask


def apply_glare(
    canvas: np.ndarray, spots: list[GlareSpot], card: Size, matrix: np.ndarray, rng: random.Random
) -> np.ndarray:
    """Wash the spots out towards (and past) white: a specular reflection saturates."""
    scale = 0.25
    mask = glare_mask(spots, card, scale)
    to_frame = matrix @ np.diag([1 / scale, 1 / scale, 1.0])
    frame = (canvas.shape[1], canvas.shape[0])
    warped = cv2.warpPerspective(mask, to_frame, frame, flags=cv2.INTER_LINEAR)[..., None]
    tint = np.array([rng.uniform(0.97, 1.03) for _ in range(3)], np.float32)
    peak = 255.0 * rng.uniform(1.15, 1.4) * tint  # overexposed: clips to 255 after encoding
    return np.asarray(canvas + warped * (peak - canvas), np.float32)


def text_height(quad: np.ndarray) -> float:
    """Printed text height in photo px, from the card's mean top/bottom edge length."""
    width = (np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3])) / 2
    return float(width * TEXT_HEIGHT)


def defocus_kernel(radius: float) -> np.ndarray:
    """Anti-aliased disk: the out-of-focus point spread of a round aperture."""
    size = 2 * math.ceil(radius) + 3
    fine = 8
    big = np.zeros((size * fine, size * fine), np.float32)
    centre = (size * fine - 1) / 2
    cv2.circle(big, (round(centre), round(centre)), round(radius * fine), 1.0, -1, cv2.LINE_AA)
    kernel = cv2.resize(big, (size, size), interpolation=cv2.INTER_AREA)
    return np.asarray(kernel / kernel.sum(), np.float32)


def motion_kernel(length: float, angle: float) -> np.ndarray:
    """A straight streak: the camera moved during the exposure."""
    size = 2 * math.ceil(length / 2) + 3
    fine = 8
    big = np.zeros((size * fine, size * fine), np.float32)
    c = (size * fine - 1) / 2
    dx = math.cos(math.radians(angle)) * length * fine / 2
    dy = math.sin(math.radians(angle)) * length * fine / 2
    start, end = (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy))
    cv2.line(big, start, end, 1.0, max(1, fine // 2), cv2.LINE_AA)
    kernel = cv2.resize(big, (size, size), interpolation=cv2.INTER_AREA)
    return np.asarray(kernel / kernel.sum(), np.float32)


def blur_kernel(rng: random.Random, variant: str, strength: float, text_px: float) -> np.ndarray:
    """Kernel for ``variant`` ('defocus' | 'motion') sized against the printed text."""
    if variant == "defocus":
        return defocus_kernel(max(1.5, text_px * rng.uniform(*_DEFOCUS[strength])))
    length = max(3.0, text_px * rng.uniform(*_MOTION[strength]))
    return motion_kernel(length, rng.uniform(0, 180))


def convolve(canvas: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    return cv2.filter2D(canvas, -1, kernel, borderType=cv2.BORDER_REFLECT)


def soften(canvas: np.ndarray, rng: random.Random, text_px: float) -> np.ndarray:
    """The slight softness of an ordinary phone photo: text stays crisp enough to read."""
    sigma = max(0.4, text_px * rng.uniform(0.025, 0.055))
    return cv2.GaussianBlur(canvas, (0, 0), sigma)
