"""Cheap checks that an outline too small or too blurred to read still looks like a card:
card-shaped, mostly pale and greyish (and, for a small one, with fine print)."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from .. import geometry
from ..geometry import Quad

TINY_ASPECT = (1.1, 1.9)


def looks_like_card(image: npt.NDArray[Any], quad: Quad) -> bool:
    """A cheap check for outlines too small to read: pale, card-shaped, with fine print."""
    if not pale_card_shape(image, quad):
        return False
    patch = geometry.warp_quad(image, quad, 160, 101)
    detail = float(cv2.Laplacian(cv2.cvtColor(patch, cv2.COLOR_BGR2GRAY), cv2.CV_32F).std())
    return detail > 12.0


def pale_card_shape(image: npt.NDArray[Any], quad: Quad) -> bool:
    """Card-shaped and mostly pale: a card, unless its print says otherwise (a blurred card
    has no print to tell)."""
    aspect = geometry.quad_aspect(quad)
    if not TINY_ASPECT[0] <= max(aspect, 1 / aspect) <= TINY_ASPECT[1]:
        return False
    return pale_share(geometry.warp_quad(image, quad, 160, 101)) > 0.6


def pale_share(image: npt.NDArray[Any]) -> float:
    """The share of the image that is light and greyish, as most of a card is."""
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    return float(np.mean((hsv[:, :, 2] > 110) & (hsv[:, :, 1] < 70)))
