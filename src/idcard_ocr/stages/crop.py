"""Crop: the flattened card and the portrait photo as JPEG, made only when asked for."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from ..errors import UnknownError
from ..geometry import CARD_HEIGHT, CARD_WIDTH
from ..layout import side_layout
from ..result import CardSide

JPEG_QUALITY = 90


def encode_jpeg(image: npt.NDArray[np.uint8]) -> bytes:
    ok, buffer = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise UnknownError("could not encode a JPEG crop")
    return bytes(buffer)


def portrait_box() -> tuple[int, int, int, int]:
    """The portrait photo's printed place on the flattened front (aspect about 0.75)."""
    x0, y0, x1, y1 = side_layout(CardSide.FRONT).portrait_box
    return (
        round(x0 * CARD_WIDTH),
        round(y0 * CARD_HEIGHT),
        round(x1 * CARD_WIDTH),
        round(y1 * CARD_HEIGHT),
    )


def portrait_region(flat_front: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    x0, y0, x1, y1 = portrait_box()
    return flat_front[y0:y1, x0:x1]
