"""Draw an :class:`Identity` onto the blank card artwork.

Coordinates are those of the original generator (absolute in empty.png) and are shifted
into each side's own frame.  Values are printed in near-black; the pre-printed labels stay
blue.  A small global offset plus per-field jitter mimics the registration error of the
card printer, so that a detector cannot memorise exact pixel positions.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw

from idcard_synth.identity import Identity
from idcard_synth.portrait import PORTRAIT_SIZE, random_portrait
from idcard_synth.template import CardSide, card_sides, font

Box = tuple[int, int, int, int]

# (template x, template y, font file, size) of each value slot.
_SLOTS: dict[str, tuple[int, int, str, int]] = {
    "Name": (630, 690, "hei.ttf", 72),
    "Sex": (630, 840, "hei.ttf", 60),
    "Nation": (1030, 840, "hei.ttf", 60),
    "BirthYear": (630, 980, "fzhei.ttf", 60),
    "BirthMonth": (950, 980, "fzhei.ttf", 60),
    "BirthDay": (1150, 980, "fzhei.ttf", 60),
    "Address": (630, 1120, "hei.ttf", 60),
    "IdNum": (950, 1475, "ocrb10bt.ttf", 72),
    "Authority": (1050, 2750, "hei.ttf", 60),
    "ValidDate": (1050, 2895, "hei.ttf", 60),
}
_ADDRESS_STEP = 80
_PORTRAIT_AT = (1500, 690)
_JITTER = 3  # px per field
_GLOBAL_JITTER = 6  # px for the whole print


@dataclass(frozen=True)
class RenderedCard:
    side: str
    image: np.ndarray  # BGR uint8, card only (template resolution, about 1887x1190)
    alpha: np.ndarray  # uint8 mask of the rounded card shape
    field_boxes: dict[str, Box]  # x0, y0, x1, y1 of each drawn value in card pixels
    portrait_box: Box | None


class _Printer:
    """Draws text into one side and records where every value landed."""

    def __init__(self, card: CardSide, rng: random.Random) -> None:
        self.image = Image.fromarray(cv2.cvtColor(card.image, cv2.COLOR_BGR2RGB))
        self.draw = ImageDraw.Draw(self.image)
        self.origin = card.origin
        self.rng = rng
        self.offset = (rng.randint(-_GLOBAL_JITTER, _GLOBAL_JITTER), rng.randint(-4, 4))
        ink = rng.randint(0, 35)
        self.ink = (ink, ink, ink + rng.randint(0, 10))
        self.boxes: dict[str, Box] = {}

    def text(self, key: str, value: str, slot: str, dx: int = 0, dy: int = 0) -> Box:
        tx, ty, font_file, size = _SLOTS[slot]
        x = tx - self.origin[0] + self.offset[0] + dx + self.rng.randint(-_JITTER, _JITTER)
        y = ty - self.origin[1] + self.offset[1] + dy + self.rng.randint(-_JITTER, _JITTER)
        face = font(font_file, size)
        self.draw.text((x, y), value, fill=self.ink, font=face)
        box = tuple(int(v) for v in self.draw.textbbox((x, y), value, font=face))
        self.boxes[key] = (box[0], box[1], box[2], box[3])
        return self.boxes[key]


def _union(boxes: list[Box]) -> Box:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _print_portrait(printer: _Printer) -> Box:
    """Multiply-blend so the near-white photo background lets the guilloche show through."""
    x0 = _PORTRAIT_AT[0] - printer.origin[0] + printer.offset[0]
    y0 = _PORTRAIT_AT[1] - printer.origin[1] + printer.offset[1]
    width, height = PORTRAIT_SIZE
    photo = cv2.cvtColor(random_portrait(printer.rng), cv2.COLOR_BGR2RGB).astype(np.float32)
    canvas = np.asarray(printer.image).astype(np.float32)
    region = canvas[y0 : y0 + height, x0 : x0 + width]
    canvas[y0 : y0 + height, x0 : x0 + width] = region * photo / 255.0
    printer.image.paste(Image.fromarray(canvas.astype(np.uint8)))
    return (x0, y0, x0 + width, y0 + height)


def _digit_shift(value: int, slot: str) -> int:
    """Single-digit month/day sit centred in the two-digit slot, as on real cards."""
    if value >= 10:
        return 0
    _, _, font_file, size = _SLOTS[slot]
    return int(font(font_file, size).getlength("0") / 2)


def _print_front(printer: _Printer, identity: Identity) -> None:
    printer.text("Name", identity.name, "Name")
    printer.text("Sex", identity.sex, "Sex")
    printer.text("Nation", identity.nation, "Nation")
    birth = identity.birth
    parts = [
        printer.text("BirthYear", str(birth.year), "BirthYear"),
        printer.text(
            "BirthMonth", str(birth.month), "BirthMonth", _digit_shift(birth.month, "BirthMonth")
        ),
        printer.text("BirthDay", str(birth.day), "BirthDay", _digit_shift(birth.day, "BirthDay")),
    ]
    printer.boxes["Birth"] = _union(parts)
    lines = [
        printer.text(f"Address{i + 1}", line, "Address", dy=i * _ADDRESS_STEP)
        for i, line in enumerate(identity.address_lines)
    ]
    printer.boxes["Address"] = _union(lines)
    printer.text("IdNum", identity.id_num, "IdNum")


def render_card(identity: Identity, side: str, rng: random.Random) -> RenderedCard:
    """Print one side of ``identity``'s card.

    ``field_boxes`` keys: FRONT -> Name, Sex, Nation, BirthYear, BirthMonth, BirthDay,
    Birth (union), Address1..AddressN, Address (union), IdNum; BACK -> Authority, ValidDate.
    """
    if side not in ("FRONT", "BACK"):
        raise ValueError(f"side must be FRONT or BACK, got {side!r}")
    card = card_sides()[side]
    printer = _Printer(card, rng)
    portrait_box: Box | None = None
    if side == "FRONT":
        portrait_box = _print_portrait(printer)
        _print_front(printer, identity)
    else:
        printer.text("Authority", identity.authority, "Authority")
        printer.text("ValidDate", identity.valid_date, "ValidDate")
    image = cv2.cvtColor(np.asarray(printer.image), cv2.COLOR_RGB2BGR)
    return RenderedCard(side, image, card.alpha.copy(), dict(printer.boxes), portrait_box)


def flat_image(card: RenderedCard, width: int, rng: random.Random) -> np.ndarray:
    """The card scaled to ``width`` px on a plain margin of 0-6% of the width (or none).

    This is what a flatbed scan or a tight crop looks like: no perspective, no noise.
    """
    height = round(card.image.shape[0] * width / card.image.shape[1])
    area = cv2.INTER_AREA if width < card.image.shape[1] else cv2.INTER_CUBIC
    image = cv2.resize(card.image, (width, height), interpolation=area).astype(np.float32)
    alpha = cv2.resize(card.alpha, (width, height), interpolation=cv2.INTER_LINEAR)
    margin = 0 if rng.random() < 0.3 else round(width * rng.uniform(0.005, 0.06))
    level = rng.randint(225, 255) if rng.random() < 0.7 else rng.randint(0, 50)
    canvas = np.full((height + 2 * margin, width + 2 * margin, 3), level, np.float32)
    weight = (alpha.astype(np.float32) / 255.0)[..., None]
    window = canvas[margin : margin + height, margin : margin + width]
    canvas[margin : margin + height, margin : margin + width] = image * weight + window * (
        1 - weight
    )
    return canvas.round().astype(np.uint8)
