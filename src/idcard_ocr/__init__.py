"""idcard-ocr: read both sides of the Mainland China Resident Identity Card, on your own CPU.

>>> import idcard_ocr
>>> result = idcard_ocr.recognize("card.jpg")
>>> result.name, result.id_num
"""

from __future__ import annotations

import threading
from pathlib import Path

from .engine import OcrEngine, RapidOcrEngine
from .errors import IdCardOcrError
from .pipeline import Recognizer
from .result import CardSide, Check, FieldReading, IdCardResult

__all__ = [
    "CardSide",
    "Check",
    "FieldReading",
    "IdCardOcrError",
    "IdCardResult",
    "OcrEngine",
    "RapidOcrEngine",
    "Recognizer",
    "recognize",
]

_default: Recognizer | None = None
_default_lock = threading.Lock()


def _default_recognizer() -> Recognizer:
    global _default
    with _default_lock:
        if _default is None:
            _default = Recognizer()
        return _default


def recognize(
    image: bytes | str | Path,
    card_side: CardSide | str | None = None,
    crop_portrait: bool = False,
    crop_id_card: bool = False,
) -> IdCardResult:
    """Read one photo (bytes, or a path to a PNG/JPEG/BMP file).

    Raises an `IdCardOcrError` subclass, whose `code` is Tencent's error code, when the
    photo holds no readable card.
    """
    data = image if isinstance(image, bytes) else Path(image).read_bytes()
    side = CardSide(card_side) if card_side is not None else None
    return _default_recognizer()(
        data, card_side=side, crop_portrait=crop_portrait, crop_id_card=crop_id_card
    )
