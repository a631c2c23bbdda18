"""`Details`: what we know beyond Tencent's fields, as JSON-ready data.

One shape for the API (`Details: true`), the CLI, batch output and the web page. Keys are
PascalCase like the rest of a Tencent response; polygons are lists of [x, y] in the
original image's pixels.
"""

from __future__ import annotations

from typing import Any

from .result import TENCENT_FIELDS, Alarm, IdCardResult, Polygon

__all__ = ["details"]


def details(result: IdCardResult) -> dict[str, Any]:
    """Per-field confidence and polygon, every alarm's score and regions, the card polygons,
    sides and rotations, the consistency checks and the stage timings."""
    return {
        "Sides": [side.value for side in result.sides],
        "Rotations": list(result.rotations),
        "CardPolygons": [_points(p) for p in result.card_polygons],
        "PortraitPolygon": _points(result.portrait_polygon),
        "Fields": {
            key: {
                "Text": reading.text,
                "Confidence": round(reading.confidence, 4),
                "Polygon": _points(reading.polygon),
            }
            for key, attr in TENCENT_FIELDS.items()
            if (reading := result.fields.get(attr)) is not None
        },
        "Alarms": [_alarm(a) for a in result.alarms],
        "Checks": [{"Name": c.name, "Passed": c.passed, "Detail": c.detail} for c in result.checks],
        "TimingsMs": {stage: round(ms, 1) for stage, ms in result.timings_ms.items()},
    }


def _alarm(alarm: Alarm) -> dict[str, Any]:
    return {
        "Code": alarm.code,
        "Name": alarm.kind.value,
        "Score": round(alarm.score, 4),
        "Raised": alarm.raised,
        "Regions": [_points(p) for p in alarm.regions],
        "Fields": [_tencent_name(f) for f in alarm.fields],
        "Detail": alarm.detail,
    }


_TENCENT_NAME = {attr: key for key, attr in TENCENT_FIELDS.items()}


def _tencent_name(field: str) -> str:
    return _TENCENT_NAME.get(field, field)


def _points(polygon: Polygon) -> list[list[float]]:
    return [[x, y] for x, y in polygon]
