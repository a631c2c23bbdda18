"""What every alarm detector sees of one card, and what it answers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from ..geometry import Quad
from ..result import AlarmKind, CardSide, Check


@dataclass(frozen=True, eq=False)
class CardEvidence:
    """One read card: the photo, the card flattened upright, and what reading it found."""

    photo: npt.NDArray[np.uint8]
    """The decoded photo, BGR."""
    card: npt.NDArray[np.uint8]
    """The card flattened to CARD_WIDTH x CARD_HEIGHT, upright, BGR."""
    quad: Quad
    """The card's corners in the photo, its own top-left first, clockwise."""
    side: CardSide
    field_quads: Mapping[str, Quad] = field(default_factory=dict)
    """Where each field's text was read, in flattened-card coordinates."""
    field_confidences: Mapping[str, float] = field(default_factory=dict)
    checks: tuple[Check, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One detector's answer: a score in [0, 1] and, where it makes sense, where it looked.

    `regions` are in flattened-card coordinates; `fields` names the fields they cover.
    """

    kind: AlarmKind
    score: float
    regions: tuple[Quad, ...] = ()
    fields: tuple[str, ...] = ()
    detail: str = ""


Detector = Callable[[CardEvidence], Finding]
