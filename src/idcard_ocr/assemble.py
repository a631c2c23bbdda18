"""Assemble: the cards read, turned into one result with its fields, checks, crops and alarms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import geometry
from .alarms.evidence import CardEvidence
from .errors import CardSideMismatch, MultiCard
from .result import Alarm, AlarmKind, CardSide, Check, FieldReading, IdCardResult
from .stages.crop import encode_jpeg, portrait_box, portrait_region
from .stages.orient import OrientedCard
from .stages.parse import ParsedCard, union_quad
from .stages.validate import ValidatedCard, validity_fits_age
from .stages.warn import warn


@dataclass(frozen=True)
class ReadCard:
    """One card fully through the pipeline."""

    oriented: OrientedCard
    read_ms: float
    parsed: ParsedCard
    validated: ValidatedCard
    lines: tuple[str, ...]
    """Every text line read, for printed words that no field holds (临时)."""


def choose(cards: list[ReadCard], card_side: CardSide | None) -> list[ReadCard]:
    """At most one card per side; the requested side must be among them."""
    by_side: dict[CardSide, list[ReadCard]] = {}
    for card in cards:
        by_side.setdefault(card.parsed.side, []).append(card)
    for side, same in by_side.items():
        if len(same) > 1:
            raise MultiCard(f"the image shows {len(same)} cards of the {side.value} side")
    if card_side is not None and card_side not in by_side:
        shown = next(iter(by_side)).value
        raise CardSideMismatch(f"CardSide is {card_side.value} but the card shows its {shown}")
    order = [CardSide.FRONT, CardSide.BACK]
    return [by_side[side][0] for side in order if side in by_side]


def assemble(
    cards: list[ReadCard],
    card_side: CardSide | None,
    crop_portrait: bool,
    crop_id_card: bool,
    timings: dict[str, float],
) -> IdCardResult:
    texts: dict[str, str] = {}
    fields: dict[str, FieldReading] = {}
    for card in cards:
        texts.update(card.validated.texts)
        fields.update(_field_readings(card))
        _add_timings(timings, card)
    front = next((c for c in cards if c.parsed.side is CardSide.FRONT), None)
    shown = next((c for c in cards if c.parsed.side is card_side), front or cards[0])
    return IdCardResult(
        name=texts.get("name", ""),
        sex=texts.get("sex", ""),
        nation=texts.get("nation", ""),
        birth=texts.get("birth", ""),
        address=texts.get("address", ""),
        id_num=texts.get("id_num", ""),
        authority=texts.get("authority", ""),
        valid_date=texts.get("valid_date", ""),
        portrait_jpeg=encode_jpeg(portrait_region(front.oriented.image))
        if crop_portrait and front
        else b"",
        card_jpeg=encode_jpeg(shown.oriented.image) if crop_id_card else b"",
        sides=tuple(c.parsed.side for c in cards),
        fields=fields,
        checks=_checks(cards),
        card_polygons=tuple(geometry.as_polygon(c.oriented.quad) for c in cards),
        portrait_polygon=_portrait_polygon(front) if front else (),
        rotations=tuple(round(c.oriented.rotation) % 360 for c in cards),
        timings_ms=timings,
    )


def alarms(
    pixels: npt.NDArray[np.uint8],
    cards: list[ReadCard],
    thresholds: Mapping[AlarmKind, float] | None,
    timings: dict[str, float],
) -> tuple[Alarm, ...]:
    alarms: list[Alarm] = []
    for card in cards:
        warned = warn(_evidence(pixels, card), thresholds)
        alarms.extend(warned.alarms)
        timings["warn"] = timings.get("warn", 0.0) + warned.elapsed_ms
    return tuple(alarms)


def _evidence(pixels: npt.NDArray[np.uint8], card: ReadCard) -> CardEvidence:
    quads = {
        name: quad
        for name, raw in card.parsed.fields.items()
        if (quad := union_quad(raw.quads)) is not None
    }
    return CardEvidence(
        photo=pixels,
        card=card.oriented.image,
        quad=card.oriented.quad,
        side=card.parsed.side,
        field_quads=quads,
        field_confidences=card.validated.confidences,
        checks=card.validated.checks,
        lines=card.lines,
    )


def _to_image(card: ReadCard) -> npt.NDArray[np.float64]:
    """The homography from the flattened card back to the original image."""
    return geometry.unwarp_matrix(card.oriented.quad, geometry.CARD_WIDTH, geometry.CARD_HEIGHT)


def _portrait_polygon(front: ReadCard) -> tuple[tuple[float, float], ...]:
    x0, y0, x1, y1 = portrait_box()
    corners = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
    return geometry.as_polygon(geometry.map_points(corners, _to_image(front)))


def _checks(cards: list[ReadCard]) -> tuple[Check, ...]:
    checks = [check for card in cards for check in card.validated.checks]
    if len(cards) == 2:  # a front and a back, in that order
        checks.append(validity_fits_age(cards[0].validated, cards[1].validated))
    return tuple(checks)


def _field_readings(card: ReadCard) -> dict[str, FieldReading]:
    to_image = _to_image(card)
    readings = {}
    for name, text in card.validated.texts.items():
        raw = card.parsed.fields[name]
        box = union_quad(raw.quads)
        polygon = geometry.as_polygon(geometry.map_points(box, to_image)) if box is not None else ()
        readings[name] = FieldReading(text, raw.confidence, polygon)
    return readings


def _add_timings(timings: dict[str, float], card: ReadCard) -> None:
    for stage, ms in (
        ("orient", card.oriented.elapsed_ms),
        ("read", card.read_ms),
        ("parse", card.parsed.elapsed_ms),
        ("validate", card.validated.elapsed_ms),
    ):
        timings[stage] = timings.get(stage, 0.0) + ms
