"""Photoshop-style edits of one field on a flat card, before it is photographed.

Three methods, as forgers do them:

* ``patch``: a rectangle painted in a near-matching plain colour over the field (the
  guilloche under it is lost) with different text on top, sometimes re-compressed;
* ``font``: the field erased cleanly (from the blank artwork) and re-typed in another
  size, stroke weight or font, which is all that betrays it;
* ``contradiction``: the ID number or the printed birth date/sex re-typed perfectly so
  that the two disagree; the check digit stays valid, only the cross-check catches it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from idcard_synth.identity import Identity, check_digit, make_id_number, random_identity
from idcard_synth.names import random_name
from idcard_synth.render import RenderedCard
from idcard_synth.template import card_sides, font

Box = tuple[int, int, int, int]
METHODS = ("patch", "font", "contradiction")
# Font file and size of each value, as printed by render.py.
_FONTS = {
    "Name": ("hei.ttf", 72),
    "Sex": ("hei.ttf", 60),
    "BirthYear": ("fzhei.ttf", 60),
    "BirthMonth": ("fzhei.ttf", 60),
    "BirthDay": ("fzhei.ttf", 60),
    "Address1": ("hei.ttf", 60),
    "IdNum": ("ocrb10bt.ttf", 72),
    "Authority": ("hei.ttf", 60),
    "ValidDate": ("hei.ttf", 60),
}
_OTHER_FONT = {"hei.ttf": "fzhei.ttf", "fzhei.ttf": "hei.ttf", "ocrb10bt.ttf": "hei.ttf"}
_PATCH_DELTA = {0.3: (5, 8), 0.6: (9, 14), 1.0: (15, 25)}  # grey levels off the surround


@dataclass(frozen=True)
class Edit:
    method: str
    field: str  # the field_boxes key whose text changed
    old: str
    new: str


class _Canvas:
    """The card as a PIL image plus the blank artwork to erase from."""

    def __init__(self, card: RenderedCard) -> None:
        self.image = Image.fromarray(cv2.cvtColor(card.image, cv2.COLOR_BGR2RGB))
        self.blank = card_sides()[card.side].image
        self.boxes = dict(card.field_boxes)

    def ink(self, box: Box) -> tuple[int, int, int]:
        """The print colour: the darkest few percent of the field's pixels."""
        pixels = np.asarray(self.image)[box[1] : box[3], box[0] : box[2]].reshape(-1, 3)
        dark = pixels[pixels.sum(axis=1) <= np.percentile(pixels.sum(axis=1), 3)]
        r, g, b = (int(v) for v in np.median(dark, axis=0))
        return r, g, b

    def erase(self, box: Box, margin: int = 6) -> None:
        x0, y0, x1, y1 = box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin
        patch = cv2.cvtColor(self.blank[y0:y1, x0:x1], cv2.COLOR_BGR2RGB)
        self.image.paste(Image.fromarray(patch), (x0, y0))

    def write(
        self, key: str, text: str, at: Box, face: ImageFont.FreeTypeFont, **style: int
    ) -> Box:
        """Draw ``text`` with its ink's top-left at ``at``'s; returns the new ink box."""
        ink = style.pop("ink", None)
        left, top, _, _ = face.getbbox(text)
        origin = (at[0] - left, at[1] - top)
        draw = ImageDraw.Draw(self.image)
        colour = self.ink(at) if ink is None else (ink, ink, ink)
        stroke = style.get("stroke", 0)
        draw.text(origin, text, fill=colour, font=face, stroke_width=stroke, stroke_fill=colour)
        box = draw.textbbox(origin, text, font=face, stroke_width=stroke)
        self.boxes[key] = (int(box[0]), int(box[1]), int(box[2]), int(box[3]))
        return self.boxes[key]

    def card(self, original: RenderedCard) -> RenderedCard:
        image = cv2.cvtColor(np.asarray(self.image), cv2.COLOR_RGB2BGR)
        return dataclasses.replace(original, image=image, field_boxes=self.boxes)


def _replacement(rng: random.Random, key: str, identity: Identity) -> str:
    """A plausible different value (the forger's), consistent with the other fields."""
    other = random_identity(rng)
    if key == "Name":
        return random_name(rng, identity.nation)
    if key == "IdNum":  # same region, birth and sex: only the sequence number changes
        return make_id_number(
            rng, identity.id_num[:6], identity.birth, identity.sex, rng.random() < 0.1
        )
    if key == "Address1":
        return other.address_lines[0]
    if key == "Authority":
        return other.authority
    return other.valid_date


def _current(key: str, identity: Identity) -> str:
    values = {
        "Name": identity.name,
        "IdNum": identity.id_num,
        "Address1": identity.address_lines[0],
        "Authority": identity.authority,
        "ValidDate": identity.valid_date,
    }
    return values[key]


def _patch(
    canvas: _Canvas, rng: random.Random, key: str, identity: Identity, strength: float
) -> Edit:
    old_box = canvas.boxes[key]
    face = font(*_FONTS[key])
    new = _replacement(rng, key, identity)
    width = int(face.getlength(new)) + 4
    pad = rng.randint(8, 20)
    x0, y0 = old_box[0] - pad, old_box[1] - pad
    x1, y1 = max(old_box[2], old_box[0] + width) + pad, old_box[3] + pad
    ink = canvas.ink(old_box)
    rgb = np.asarray(canvas.image).astype(np.float32)
    region = rgb[y0:y1, x0:x1].reshape(-1, 3)
    ground = np.median(region[region.sum(axis=1) > 450], axis=0)  # the paper, not the ink
    delta = rng.uniform(*_PATCH_DELTA[strength]) * rng.choice((-1, 1))
    tint = np.array([rng.uniform(-2, 2) for _ in range(3)])
    gen = np.random.default_rng(rng.getrandbits(32))
    fill = ground + delta + tint + gen.normal(0, 1.2, (y1 - y0, x1 - x0, 3))
    rgb[y0:y1, x0:x1] = fill
    canvas.image = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))
    canvas.write(key, new, old_box, face, ink=int(np.mean(ink)))
    if strength >= 0.6:  # pasted from another file: its own, coarser JPEG history
        _recompress(canvas, (x0, y0, x1, y1), rng.randint(25, 55))
    return Edit("patch", key, _current(key, identity), new)


def _recompress(canvas: _Canvas, box: Box, quality: int) -> None:
    window = np.asarray(canvas.image)[box[1] : box[3], box[0] : box[2]]
    ok, data = cv2.imencode(".jpg", window, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    decoded = np.asarray(cv2.imdecode(data, cv2.IMREAD_UNCHANGED), np.uint8)
    canvas.image.paste(Image.fromarray(decoded), (box[0], box[1]))


def _font_swap(
    canvas: _Canvas, rng: random.Random, key: str, identity: Identity, strength: float
) -> Edit:
    name, size = _FONTS[key]
    old = _current(key, identity)
    new = _replacement(rng, key, identity) if key in ("Name", "Authority") else old
    if strength <= 0.3:
        face, stroke = font(name, round(size * rng.uniform(1.1, 1.16))), 1
    elif strength <= 0.6:
        face, stroke = font(_OTHER_FONT[name], round(size * rng.uniform(1.0, 1.08))), 1
    else:
        face, stroke = font(_OTHER_FONT[name], round(size * rng.uniform(1.15, 1.25))), 2
    box = canvas.boxes[key]
    ink = canvas.ink(box)
    canvas.erase(box)
    canvas.write(key, new, box, face, stroke=stroke, ink=int(np.mean(ink)))
    return Edit("font", key, old, new)


def _shifted_birth(rng: random.Random, birth: dt.date, strength: float) -> dt.date:
    """A different date with the same number of digits in month and day."""
    while True:
        if strength <= 0.3:
            day = rng.randint(10, 28) if birth.day >= 10 else rng.randint(1, 9)
            new = birth.replace(day=day)
        else:
            new = birth.replace(
                year=birth.year + rng.choice((-1, 1)) * rng.randint(1, 15), day=min(birth.day, 28)
            )
        if new != birth and new <= dt.date(2024, 12, 31):
            return new


def _contradiction(
    canvas: _Canvas, rng: random.Random, identity: Identity, strength: float
) -> Edit:
    """Re-type the ID number or the printed birth/sex so that they disagree."""
    birth = _shifted_birth(rng, identity.birth, strength)
    flip_sex = strength >= 1.0
    if rng.random() < 0.5:
        parity = int(identity.id_num[16]) % 2 ^ flip_sex
        seq = (int(identity.id_num[14:17]) // 2) * 2 + parity
        first17 = f"{identity.id_num[:6]}{birth:%Y%m%d}{seq:03d}"
        new = first17 + check_digit(first17)
        _retype(canvas, "IdNum", new)
        return Edit("contradiction", "IdNum", identity.id_num, new)
    parts = {
        "BirthYear": (identity.birth.year, birth.year),
        "BirthDay": (identity.birth.day, birth.day),
    }
    for key, (was, now) in parts.items():
        if was != now:
            _retype(canvas, key, str(now))
    old, new = f"{identity.birth:%Y.%m.%d}", f"{birth:%Y.%m.%d}"
    if flip_sex:
        sex = "女" if identity.sex == "男" else "男"
        _retype(canvas, "Sex", sex)
        old, new = f"{old} {identity.sex}", f"{new} {sex}"
    return Edit("contradiction", "Birth", old, new)


def _retype(canvas: _Canvas, key: str, text: str) -> None:
    box = canvas.boxes[key]
    ink = canvas.ink(box)
    canvas.erase(box)
    canvas.write(key, text, box, font(*_FONTS[key]), ink=int(np.mean(ink)))


def tamper(
    card: RenderedCard, identity: Identity, rng: random.Random, method: str, strength: float
) -> tuple[RenderedCard, Edit]:
    """``card`` with one field edited by ``method``; ``contradiction`` needs a FRONT."""
    canvas = _Canvas(card)
    if method == "contradiction":
        if card.side != "FRONT":
            raise ValueError("a birth/ID contradiction needs the FRONT")
        edit = _contradiction(canvas, rng, identity, strength)
    else:
        keys = ("Name", "IdNum", "Address1") if card.side == "FRONT" else ("Authority", "ValidDate")
        key = rng.choice(keys)
        edit = (_patch if method == "patch" else _font_swap)(canvas, rng, key, identity, strength)
    return canvas.card(card), edit
