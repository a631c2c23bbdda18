"""The printed layout of both card sides, loaded once from data/layout.json."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from .result import CardSide


@dataclass(frozen=True)
class Row:
    name: str
    top: float
    bottom: float


@dataclass(frozen=True)
class SideLayout:
    labels: dict[str, tuple[str, float]]
    """Field name -> (printed label, expected vertical centre)."""
    rows: tuple[Row, ...]
    value_x0: float
    label_column_end: float
    side_words: dict[str, float]
    """Printed words that tell the side -> expected vertical centre."""
    side_word_tolerance: float
    anchors: dict[str, tuple[float, float | None, float]] = field(default_factory=dict)
    """Printed text -> (left x, right x when alone in its box, centre y)."""
    portrait_x0: float = 1.0
    portrait_box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)


@cache
def side_layout(side: CardSide) -> SideLayout:
    raw = json.loads(resources.files("idcard_ocr").joinpath("data/layout.json").read_text("utf-8"))
    key = side.value.lower()
    spec = raw[key]
    return SideLayout(
        labels={field: (label, float(y)) for field, (label, y) in spec["labels"].items()},
        rows=tuple(Row(name, float(top), float(bottom)) for name, top, bottom in spec["rows"]),
        value_x0=float(spec["value_x0"]),
        label_column_end=float(spec["label_column_end"]),
        side_words={word: float(y) for word, y in raw["side_words"][key].items()},
        side_word_tolerance=float(raw["side_word_tolerance"]),
        anchors={
            text: (float(left), None if right is None else float(right), float(y))
            for text, (left, right, y) in spec["anchors"].items()
        },
        portrait_x0=float(spec.get("portrait_x0", 1.0)),
        portrait_box=tuple(spec.get("portrait_box", (0.0, 0.0, 0.0, 0.0))),
    )
