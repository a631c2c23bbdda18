"""What a recognition returns: the eight Tencent fields plus what Tencent does not give."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class CardSide(StrEnum):
    """FRONT is the portrait side, BACK the national-emblem side (Tencent's naming)."""

    FRONT = "FRONT"
    BACK = "BACK"


Polygon = tuple[tuple[float, float], ...]
"""Corners in the original image's pixels, clockwise."""

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
    polygon: Polygon = ()


@dataclass(frozen=True)
class Check:
    """One consistency check the validator ran, e.g. the ID number's check digit."""

    name: str
    passed: bool
    detail: str = ""


class AlarmKind(StrEnum):
    """The alarms, named; `code` is the RecognizeMainlandIDCardOCR warning code, if any."""

    INCOMPLETE_BORDER = "incomplete_border"
    PHOTOCOPY = "photocopy"
    MONOCHROME_COPY = "monochrome_copy"
    SCREEN = "screen"
    PS_ALTERED = "ps_altered"
    OCCLUSION = "occlusion"
    REFLECTIVE = "reflective"
    BLURRY = "blurry"
    TEMPORARY_CARD = "temporary_card"
    INVALID_VALIDITY = "invalid_validity"

    @property
    def code(self) -> int | None:
        return WARN_CODES.get(self)


WARN_CODES: dict[AlarmKind, int] = {
    AlarmKind.INCOMPLETE_BORDER: -9101,
    AlarmKind.PHOTOCOPY: -9102,
    AlarmKind.MONOCHROME_COPY: -9102,
    AlarmKind.SCREEN: -9103,
    AlarmKind.PS_ALTERED: -9104,
    AlarmKind.OCCLUSION: -9105,
    AlarmKind.REFLECTIVE: -9107,
    AlarmKind.BLURRY: -9108,
}
"""RecognizeMainlandIDCardOCR's table (occlusion borrows the mainland IDCardOCR code).

A temporary card and an invalid validity date have codes only in the mainland `IDCardOCR`
table, which the server renders from the kinds.
"""


@dataclass(frozen=True)
class Alarm:
    """One alarm detector's verdict on one card.

    `score` is in [0, 1]; `raised` says whether it reached the configured threshold.
    `regions` are polygons in the original image; `fields` names the fields they cover.
    """

    kind: AlarmKind
    score: float
    raised: bool
    regions: tuple[Polygon, ...] = ()
    fields: tuple[str, ...] = ()
    detail: str = ""

    @property
    def code(self) -> int | None:
        return self.kind.code


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
    alarms: tuple[Alarm, ...] = ()
    """Every detector's verdict, raised or not, for every card shown."""
    portrait_jpeg: bytes = b""
    card_jpeg: bytes = b""
    sides: tuple[CardSide, ...] = ()
    fields: dict[str, FieldReading] = field(default_factory=dict)
    checks: tuple[Check, ...] = ()
    card_polygons: tuple[Polygon, ...] = ()
    """Each card's corners in the original image, its own top-left first."""
    portrait_polygon: Polygon = ()
    """Where the portrait photo is in the original image (front only)."""
    rotations: tuple[int, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def warn_codes(self) -> tuple[int, ...]:
        """The raised alarms' codes, each once, in Tencent's order."""
        codes = {a.code for a in self.alarms if a.raised and a.code is not None}
        return tuple(sorted(codes, reverse=True))

    def tencent_fields(self) -> dict[str, str]:
        """The eight text fields under Tencent's names."""
        return {key: getattr(self, attr) for key, attr in TENCENT_FIELDS.items()}
