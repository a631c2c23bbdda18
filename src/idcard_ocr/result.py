"""What a recognition returns: the eight Tencent fields plus what Tencent does not give."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class CardSide(StrEnum):
    """FRONT is the portrait side, BACK the national-emblem side (Tencent's naming)."""

    FRONT = "FRONT"
    BACK = "BACK"


TENCENT_FIELDS = {
    "Name": "name",
    "Sex": "sex",
    "Nation": "nation",
    "Birth": "birth",
    "Address": "address",
    "IdNum": "id_num",
    "Authority": "authority",
    "ValidDate": "valid_date",
}
"""Tencent's response field -> IdCardResult attribute, for the eight text fields."""


@dataclass(frozen=True)
class FieldReading:
    """One field as read: its final text, the OCR confidence and where it sits.

    `polygon` is in the coordinates of the original image, clockwise from top-left.
    """

    text: str
    confidence: float
    polygon: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class Check:
    """One consistency check the validator ran, e.g. the ID number's check digit."""

    name: str
    passed: bool
    detail: str = ""


@dataclass(frozen=True)
class IdCardResult:
    """The fields of one card (or of a front and a back seen together).

    Text fields use Tencent's formats; a field the image does not show is "".
    """

    name: str = ""
    sex: str = ""
    nation: str = ""
    birth: str = ""
    address: str = ""
    id_num: str = ""
    authority: str = ""
    valid_date: str = ""
    warn_codes: tuple[int, ...] = ()
    portrait_jpeg: bytes = b""
    card_jpeg: bytes = b""
    sides: tuple[CardSide, ...] = ()
    fields: dict[str, FieldReading] = field(default_factory=dict)
    checks: tuple[Check, ...] = ()
    card_polygons: tuple[tuple[tuple[float, float], ...], ...] = ()
    """Each card's corners in the original image, its own top-left first."""
    portrait_polygon: tuple[tuple[float, float], ...] = ()
    """Where the portrait photo is in the original image (front only)."""
    rotations: tuple[int, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)

    def tencent_fields(self) -> dict[str, str]:
        """The eight text fields under Tencent's names."""
        return {key: getattr(self, attr) for key, attr in TENCENT_FIELDS.items()}
