"""Things over the card: a finger, a pen, a coin, a sticky note.

Each occluder is drawn as a colour layer and a coverage mask in card coordinates, on a
grid that extends past the card (a finger comes from the hand outside it), and is sized
in card pixels from real dimensions: the card is 85.6 mm wide, 1887 px, so ~22 px/mm.
How far it reaches over its target is searched so that it covers a chosen share of it.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

Box = tuple[int, int, int, int]
PX_PER_MM = 1887 / 85.6
SCALE = 0.25  # layer px per card px: occluders have no fine detail
PAD = 1.0  # layer extends this share of the card width past every card edge
KINDS = ("finger", "finger", "pen", "coin", "note")  # fingers are the common case


@dataclass(frozen=True, eq=False)
class Occluder:
    kind: str
    colour: np.ndarray  # float32 BGR layer
    mask: np.ndarray  # float32 0-1 coverage
    pad: int  # layer px between the layer's origin and the card's top-left

    def to_card(self) -> np.ndarray:
        """Homography layer px -> card px."""
        return np.array(
            [[1 / SCALE, 0, -self.pad / SCALE], [0, 1 / SCALE, -self.pad / SCALE], [0, 0, 1]]
        )

    def coverage(self, box: Box) -> float:
        x0, y0, x1, y1 = (round(v * SCALE) + self.pad for v in box)
        window = self.mask[y0:y1, x0:x1]
        return float(window.mean()) if window.size else 0.0


Shape = Callable[[float], tuple[np.ndarray, np.ndarray]]
"""t in [0, 1] -> (colour, mask); coverage of the target grows with t, t=1 is the most."""


def _grid(card: tuple[int, int]) -> tuple[int, int, int]:
    pad = round(card[0] * PAD * SCALE)
    return round(card[0] * SCALE) + 2 * pad, round(card[1] * SCALE) + 2 * pad, pad


def _capsule(size: tuple[int, int], start: np.ndarray, end: np.ndarray, width: float) -> np.ndarray:
    """Distance-shaded capsule: 1 on the axis, 0 at the rim (gives a rounded look)."""
    w, h = size
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    axis = end - start
    t = np.clip(((xs - start[0]) * axis[0] + (ys - start[1]) * axis[1]) / (axis @ axis), 0, 1)
    dist = np.hypot(xs - (start[0] + t * axis[0]), ys - (start[1] + t * axis[1]))
    return np.asarray(np.clip(1 - dist / (width / 2), 0, 1), np.float32)


def _target_side(box: Box, card: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Unit direction from the nearest card edge towards ``box``, and the box centre."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    gaps = {(1.0, 0.0): cx, (-1.0, 0.0): card[0] - cx, (0.0, 1.0): cy, (0.0, -1.0): card[1] - cy}
    direction = min(gaps, key=lambda d: gaps[d])
    return np.array(direction), np.array([cx, cy])


def _span(box: Box, direction: np.ndarray) -> float:
    """Extent of ``box`` along ``direction`` (card px)."""
    return float(abs(direction[0]) * (box[2] - box[0]) + abs(direction[1]) * (box[3] - box[1]))


def finger(rng: random.Random, card: tuple[int, int], box: Box) -> Shape:
    w, h, pad = _grid(card)
    direction, centre = _target_side(box, card)
    wobble = math.radians(rng.uniform(-25, 25))
    rot = np.array([[math.cos(wobble), -math.sin(wobble)], [math.sin(wobble), math.cos(wobble)]])
    direction = rot @ direction
    width = rng.uniform(15, 19) * PX_PER_MM * SCALE
    red = rng.uniform(165, 235)
    green = red - rng.uniform(25, 55)  # skin: red over green over blue, never greenish
    skin = np.array([green - rng.uniform(10, 35), green, red], np.float32)
    lateral = rng.uniform(-0.3, 0.3) * width

    span = _span(box, direction)

    def draw(t: float) -> tuple[np.ndarray, np.ndarray]:
        across = np.array([-direction[1], direction[0]])
        # The rounded tip goes from touching the near edge (t=0) to past the far one (t=1).
        reach = (t - 0.5) * span * SCALE + (t - 0.5) * width
        tip = (centre * SCALE + pad) + direction * reach + across * lateral
        start = tip - direction * (w + h)
        body = _capsule((w, h), start, tip, width)
        mask = np.clip(body * 6, 0, 1)
        shade = 0.55 + 0.45 * np.sqrt(body)
        colour = skin * shade[..., None]
        nail_at = tip - direction * width * 0.45
        nail = _capsule((w, h), nail_at - direction * width * 0.2, nail_at, width * 0.55)
        colour += np.clip(nail * 4, 0, 1)[..., None] * (
            np.array([30, 35, 25], np.float32) + 0.15 * skin
        )
        return colour, mask

    return draw


def pen(rng: random.Random, card: tuple[int, int], box: Box) -> Shape:
    w, h, pad = _grid(card)
    angle = math.radians(rng.uniform(-35, 35) + rng.choice((0, 90)))
    along = np.array([math.cos(angle), math.sin(angle)])
    across = np.array([-along[1], along[0]])
    width = rng.uniform(8, 11) * PX_PER_MM * SCALE
    body_colour = np.array(
        rng.choice([(120, 40, 20), (30, 30, 30), (230, 230, 235), (40, 40, 190)]), np.float32
    )
    length = rng.uniform(120, 145) * PX_PER_MM * SCALE
    centre = np.array([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2]) * SCALE + pad
    shift = rng.uniform(-0.3, 0.3) * length

    far = width / 2 + _span(box, across) * SCALE / 2

    def draw(t: float) -> tuple[np.ndarray, np.ndarray]:
        mid = centre + across * far * (1 - t) + along * shift  # slides in until centred
        start, end = mid - along * length / 2, mid + along * length / 2
        body = _capsule((w, h), start, end, width)
        mask = np.clip(body * 8, 0, 1)
        round_ = np.sqrt(body)  # cylinder: bright along the axis, dark at the sides
        colour = body_colour * (0.45 + 0.55 * round_[..., None]) + 60 * (body > 0.8)[..., None]
        return colour, mask

    return draw


def coin(rng: random.Random, card: tuple[int, int], box: Box) -> Shape:
    w, h, pad = _grid(card)
    radius = rng.uniform(19, 25.5) / 2 * PX_PER_MM * SCALE
    metal = np.array(rng.choice([(60, 150, 200), (185, 185, 190), (80, 120, 160)]), np.float32)
    direction, centre = _target_side(box, card)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    light = np.array([rng.uniform(-1, 1), rng.uniform(-1, 1)])

    far = radius + _span(box, direction) * SCALE / 2

    def draw(t: float) -> tuple[np.ndarray, np.ndarray]:
        at = centre * SCALE + pad - direction * far * (1 - t)
        dist = np.hypot(xs - at[0], ys - at[1]) / radius
        mask = np.clip((1 - dist) * radius, 0, 1)
        rim = np.clip(1 - np.abs(dist - 0.88) * 12, 0, 1)
        slope = ((xs - at[0]) * light[0] + (ys - at[1]) * light[1]) / radius
        colour = metal * (0.8 + 0.25 * slope - 0.25 * rim)[..., None]
        return colour, mask

    return draw


def note(rng: random.Random, card: tuple[int, int], box: Box) -> Shape:
    w, h, pad = _grid(card)
    side = rng.uniform(25, 40) * PX_PER_MM * SCALE
    paper = np.array(rng.choice([(120, 235, 250), (200, 170, 250), (160, 240, 170)]), np.float32)
    direction, centre = _target_side(box, card)
    angle = rng.uniform(-15, 15)

    far = side * 0.7 + _span(box, direction) * SCALE / 2

    def draw(t: float) -> tuple[np.ndarray, np.ndarray]:
        at = centre * SCALE + pad - direction * far * (1 - t)
        rect = ((float(at[0]), float(at[1])), (side, side), angle)
        corners = cv2.boxPoints(rect).astype(np.float32)
        mask = np.zeros((h, w), np.float32)
        cv2.fillConvexPoly(mask, np.round(corners * 16).astype(np.int32), 1.0, cv2.LINE_AA, 4)
        gradient = np.linspace(0.92, 1.0, w, dtype=np.float32)[None, :, None]
        return paper * gradient * np.ones((h, 1, 1), np.float32), mask

    return draw


_SHAPES = {"finger": finger, "pen": pen, "coin": coin, "note": note}


def make_occluder(
    rng: random.Random, kind: str, card: tuple[int, int], box: Box, share: float
) -> Occluder:
    """An occluder of ``kind`` covering about ``share`` of ``box`` (card px)."""
    draw = _SHAPES[kind](rng, card, box)
    pad = _grid(card)[2]
    low, high = 0.0, 1.0
    for _ in range(10):  # bisection on how far the occluder reaches over the box
        mid = (low + high) / 2
        covered = Occluder(kind, *draw(mid), pad).coverage(box)
        low, high = (mid, high) if covered < share else (low, mid)
    colour, mask = draw(high)
    return Occluder(kind, colour, mask, pad)


def composite(
    canvas: np.ndarray, occluder: Occluder, matrix: np.ndarray, rng: random.Random
) -> np.ndarray:
    """Warp the occluder onto the photo with a soft contact shadow beside it."""
    to_frame = matrix @ occluder.to_card()
    frame = (canvas.shape[1], canvas.shape[0])
    mask = cv2.warpPerspective(occluder.mask, to_frame, frame, flags=cv2.INTER_LINEAR)
    colour = cv2.warpPerspective(occluder.colour, to_frame, frame, flags=cv2.INTER_LINEAR)
    reach = max(2.0, 0.01 * max(frame))
    offset = np.array(
        [[1, 0, rng.uniform(0.3, 1) * reach], [0, 1, rng.uniform(0.3, 1) * reach]], np.float32
    )
    shadow = cv2.GaussianBlur(cv2.warpAffine(mask, offset, frame), (0, 0), reach)
    canvas = canvas * (1 - rng.uniform(0.3, 0.5) * shadow)[..., None]
    return canvas * (1 - mask[..., None]) + colour * mask[..., None]
