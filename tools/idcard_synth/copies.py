"""Reproductions of a card that are then photographed: a photocopy and a screen.

Each returns a :class:`Carrier`: the thing in front of the camera (a paper sheet, a
display with its bezel) with the card's outline inside it, so the scene code can warp the
carrier into the photo and still know where the card is.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import cv2
import numpy as np

from idcard_synth.textures import paper, random_background

Box = tuple[float, float, float, float]  # x0, y0, x1, y1

# Photocopy tone curve per strength: (white point, black point) of the input levels.
# A lower white point pushes the card's pale tint and guilloche to paper white.
_COPY_LEVELS = {
    0.3: ((212, 228), (25, 45)),
    0.6: ((195, 212), (40, 60)),
    1.0: ((170, 195), (55, 80)),
}
_COPY_SATURATION = {0.3: (0.45, 0.6), 0.6: (0.3, 0.45), 1.0: (0.15, 0.3)}  # colour copies
_SPECKLE = {0.3: 0.0004, 0.6: 0.0012, 1.0: 0.003}  # toner dots per pixel
SCREEN_PITCHES = (2.0, 2.5, 3.0, 4.0, 5.0, 6.0)  # screen px size in photo px
# How much of the sub-pixel structure survives the lens, per strength: at 1.0 the grid is
# plain to see, at 0.3 it shows as faint moire and colour fringes.
_SCREEN_DEPTH = {0.3: (0.2, 0.3), 0.6: (0.35, 0.5), 1.0: (0.6, 0.8)}
_SUB = 3  # texture px per screen px: one column per R, G, B sub-pixel


@dataclass(frozen=True, eq=False)
class Carrier:
    image: np.ndarray  # BGR uint8
    alpha: np.ndarray  # uint8, 255 where the carrier is
    card_box: Box  # the card's outline inside ``image``


def _levels(image: np.ndarray, black: float, white: float) -> np.ndarray:
    return np.clip((image - black) * (255.0 / (white - black)), 0, 255)


def _speckle(shape: tuple[int, int], density: float, rng: random.Random) -> np.ndarray:
    """Stray toner: sparse dark dots of 1-2 px, as a 0-1 darkness map."""
    gen = np.random.default_rng(rng.getrandbits(32))
    dots = (gen.random(shape) < density).astype(np.float32)
    if rng.random() < 0.5:
        dots = np.asarray(cv2.dilate(dots, np.ones((2, 2), np.uint8)), np.float32)
    return np.asarray(cv2.GaussianBlur(dots, (0, 0), 0.6) * rng.uniform(0.6, 1.0), np.float32)


def _halftone(gray: np.ndarray, rng: random.Random) -> np.ndarray:
    """A 45-degree clustered-dot screen: laser copiers print mid-tones as dots."""
    period = rng.uniform(3.0, 4.5)
    ys, xs = np.mgrid[0 : gray.shape[0], 0 : gray.shape[1]].astype(np.float32)
    u, v = (xs + ys) / math.sqrt(2), (xs - ys) / math.sqrt(2)
    screen = 0.5 + 0.25 * (np.cos(2 * np.pi * u / period) + np.cos(2 * np.pi * v / period))
    dots = np.clip((gray / 255.0 - screen) * 4 + 0.5, 0, 1) * 255.0
    return np.where((gray > 60) & (gray < 215), 0.6 * dots + 0.4 * gray, gray)


def photocopy(
    card: np.ndarray, alpha: np.ndarray, rng: random.Random, colour: bool, strength: float
) -> np.ndarray:
    """The card as a copier reproduces it (float32 BGR, paper white where no toner)."""
    image = cv2.GaussianBlur(card.astype(np.float32), (0, 0), rng.uniform(0.5, 1.0))
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    white = rng.uniform(*_COPY_LEVELS[strength][0])
    if rng.random() < 0.3:  # a darker setting: the card's own ground prints light grey
        white = rng.uniform(245, 265)
    black = rng.uniform(*_COPY_LEVELS[strength][1])
    if colour:
        keep = rng.uniform(*_COPY_SATURATION[strength])
        washed = gray[..., None] + keep * (image - gray[..., None])
        out = _levels(washed, black, white)
        shift = np.array([[1, 0, rng.choice((-1.5, 1.5))], [0, 1, rng.uniform(-1, 1)]], np.float32)
        size = (card.shape[1], card.shape[0])
        out[..., 2] = cv2.warpAffine(out[..., 2], shift, size, borderMode=cv2.BORDER_REPLICATE)
    else:
        toned = _levels(gray, black, white)
        if strength >= 0.6:
            toned = _halftone(toned, rng)
        out = np.repeat(toned[..., None], 3, axis=2)
    out *= 1 - _speckle(gray.shape, _SPECKLE[strength], rng)[..., None]
    # The card edge throws a thin shadow line on the copier glass.
    edge = cv2.morphologyEx(alpha, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    edge_dark = cv2.GaussianBlur(edge.astype(np.float32) / 255.0, (0, 0), 1.0)
    out *= 1 - rng.uniform(0.3, 0.7) * np.clip(edge_dark, 0, 1)[..., None]
    inside = alpha.astype(np.float32)[..., None] / 255.0
    return np.asarray(out * inside + 255.0 * (1 - inside), np.float32)


def paper_sheet(copy: np.ndarray, rng: random.Random) -> Carrier:
    """An A4-ish sheet with the copied card printed on it, toner multiplied into paper."""
    card_h, card_w = copy.shape[:2]
    sheet_w = round(card_w * rng.uniform(1.6, 2.4))
    sheet_h = round(sheet_w * rng.uniform(1.3, 1.45))
    x0 = round(rng.uniform(0.12, 0.88) * (sheet_w - card_w))
    y0 = round(rng.uniform(0.08, 0.6) * (sheet_h - card_h))
    sheet = paper((sheet_w, sheet_h), rng).astype(np.float32)
    sheet[y0 : y0 + card_h, x0 : x0 + card_w] *= copy / 255.0
    image = np.clip(sheet, 0, 255).astype(np.uint8)
    alpha = np.full((sheet_h, sheet_w), 255, np.uint8)
    return Carrier(image, alpha, (x0, y0, x0 + card_w, y0 + card_h))


def _display_content(card: np.ndarray, alpha: np.ndarray, rng: random.Random) -> np.ndarray:
    """What the screen shows: a photo of the card on a table, card filling most of it."""
    height, width = card.shape[:2]
    margin_x, margin_y = (
        round(width * rng.uniform(0.05, 0.15)),
        round(height * rng.uniform(0.08, 0.3)),
    )
    size = (width + 2 * margin_x, height + 2 * margin_y)
    _, background = random_background(size, rng)
    content = background.astype(np.float32)
    weight = alpha.astype(np.float32)[..., None] / 255.0
    window = content[margin_y : margin_y + height, margin_x : margin_x + width]
    window[:] = card * weight + window * (1 - weight)
    return content


def _lcd_cell() -> np.ndarray:
    """RGB stripes, one texture column each, and a dark black-matrix row under them."""
    stripes = np.zeros((1, _SUB, 3), np.float32)
    for column, channel in enumerate((2, 1, 0)):  # R, G, B left to right (BGR storage)
        stripes[0, column, channel] = 1.0
    rows = np.ones((_SUB, 1, 1), np.float32)
    rows[-1] = 0.2
    return stripes * rows


def _oled_cell() -> np.ndarray:
    """Separate emitters on black, staggered (a diamond-like layout): R, G, B dots."""
    cell = np.zeros((_SUB, _SUB, 3), np.float32)
    cell[0, 0, 2] = cell[1, 2, 1] = cell[2, 1, 0] = 1.0
    cell[0, 1, 1] = 0.5  # green is doubled on such panels
    return cell


def screen(
    card: np.ndarray,
    alpha: np.ndarray,
    rng: random.Random,
    strength: float,
    pitch: float,
    panel: str = "lcd",
) -> Carrier:
    """The card shown on a panel: one screen px per ``pitch`` photo px.

    ``card`` is at screen resolution already.  The result is at ``_SUB`` texture px per
    screen px and pre-blurred by what a camera pixel of ``pitch``/``_SUB`` texture px would
    integrate, so the warp into the photo aliases only as much as a real sensor does:
    that residue is the moire.  An LCD's backlight lifts black; an OLED's does not.
    """
    content = _display_content(card, alpha, rng)
    gamma = rng.uniform(0.8, 1.0)
    cast = np.array([rng.uniform(1.04, 1.15), rng.uniform(0.98, 1.04), rng.uniform(0.86, 0.96)])
    black = rng.uniform(18, 40) if panel == "lcd" else rng.uniform(2, 8)
    white = rng.uniform(225, 255)
    shown = black + (white - black) * np.clip((content / 255.0) ** gamma * cast, 0, 1)
    texture = np.repeat(np.repeat(shown, _SUB, axis=0), _SUB, axis=1)
    cell = _lcd_cell() if panel == "lcd" else _oled_cell()
    cell /= cell.mean(axis=(0, 1))  # each channel keeps its mean level
    depth = rng.uniform(*_SCREEN_DEPTH[strength])
    reps = (texture.shape[0] // _SUB, texture.shape[1] // _SUB, 1)
    texture = texture * (1 - depth + depth * np.tile(cell, reps))
    texture = cv2.GaussianBlur(texture, (0, 0), 0.4 * _SUB / pitch)
    texture = _glow(texture, rng)
    return _with_bezel(texture, card.shape[:2], content.shape[:2], rng)


def _glow(texture: np.ndarray, rng: random.Random) -> np.ndarray:
    """Light spreading in the panel and lens: bright content haloes a little."""
    small = cv2.resize(texture, None, fx=0.125, fy=0.125, interpolation=cv2.INTER_AREA)
    halo = cv2.resize(cv2.GaussianBlur(small, (0, 0), 4), (texture.shape[1], texture.shape[0]))
    return np.asarray(texture + rng.uniform(0.04, 0.12) * halo, np.float32)


def _with_bezel(
    texture: np.ndarray, card_hw: tuple[int, int], content_hw: tuple[int, int], rng: random.Random
) -> Carrier:
    """A dark bezel (phone or monitor frame) around the panel, or none (panel edge only)."""
    border = round(texture.shape[1] * rng.uniform(0.02, 0.07)) if rng.random() < 0.7 else 0
    height, width = texture.shape[0] + 2 * border, texture.shape[1] + 2 * border
    image = np.full((height, width, 3), rng.uniform(8, 30), np.float32)
    image[border : border + texture.shape[0], border : border + texture.shape[1]] = texture
    alpha = np.full((height, width), 255, np.uint8)
    margin_y = (content_hw[0] - card_hw[0]) // 2 * _SUB + border
    margin_x = (content_hw[1] - card_hw[1]) // 2 * _SUB + border
    box = (margin_x, margin_y, margin_x + card_hw[1] * _SUB, margin_y + card_hw[0] * _SUB)
    return Carrier(np.clip(image, 0, 255).astype(np.uint8), alpha, box)
