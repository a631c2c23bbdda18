"""A labelled synthetic set for the alarm detectors (warning codes -9101 ... -9108).

Every sample is one card, one side, photographed like :mod:`idcard_synth.photo` does it
(same framing, backgrounds, shadow, lighting, sensor noise, JPEG) with one alarm's cause
added at a graded ``strength`` (0.3, 0.6, 1.0: each already a clear instance), or none
for ``clean``.  Clean photos are ordinary phone photos, not pristine renders: uneven
light, noise, JPEG 60-95 and sometimes a slight softness, so the false-alarm rate on them
means something.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from idcard_synth import copies, effects, occluders
from idcard_synth.camera import Shot, photograph, resized
from idcard_synth.identity import Identity, random_identity
from idcard_synth.photo import CardTruth
from idcard_synth.render import RenderedCard, render_card
from idcard_synth.scene import box_corners, decode_jpeg
from idcard_synth.tamper import tamper

__all__ = [
    "CODES",
    "KINDS",
    "STRENGTHS",
    "VARIANTS",
    "AlarmSample",
    "make_alarm_sample",
    "make_alarm_sample_at",
    "make_alarm_set",
    "schedule",
]

CODES: dict[str, int] = {
    "border": -9101,
    "photocopy": -9102,
    "screen": -9103,
    "ps": -9104,
    "occlusion": -9105,
    "glare": -9107,
    "blur": -9108,
}
KINDS: tuple[str, ...] = ("clean", *CODES)
STRENGTHS: tuple[float, ...] = (0.3, 0.6, 1.0)
VARIANTS: dict[str, tuple[str, ...]] = {
    "clean": ("upright", "perspective", "rotated", "large", "small"),
    "border": ("side", "corner"),
    "photocopy": ("gray", "colour", "gray"),  # most copies are black and white
    "screen": ("lcd", "oled"),
    "ps": ("patch", "font", "contradiction"),
    "occlusion": ("over_text", "over_portrait"),
    "glare": ("on_card",),
    "blur": ("defocus", "motion"),
}
# Clean photos get three slots in ten: the false-alarm rate needs more of them.
_SCHEDULE = (
    "clean", "border", "photocopy", "clean", "screen",
    "ps", "clean", "occlusion", "glare", "blur",
)  # fmt: skip
_POSES = ("upright", "perspective", "rotated", "small", "large")
_CUT = {0.3: (0.05, 0.1), 0.6: (0.1, 0.18), 1.0: (0.18, 0.3)}  # share of the card outside
_FIELDS = ("Name", "Sex", "Nation", "Birth", "Address", "IdNum", "Authority", "ValidDate")
_BACK_TEXT = ("Authority", "ValidDate")
_COVER = {0.3: 0.35, 0.6: 0.6, 1.0: 0.9}  # share of the target an occluder hides


@dataclass(frozen=True, eq=False)
class AlarmSample:
    jpeg: bytes
    labels: frozenset[int]  # the codes that must be raised; empty for clean photos
    kind: str
    strength: float  # 0.0 for clean photos
    variant: str
    card: CardTruth
    frame: tuple[int, int]  # width, height
    regions: tuple[np.ndarray, ...] = ()  # 4x2 quads in card px: glare cores, occluders, edits
    fields: tuple[str, ...] = ()  # fields glared over, covered or edited
    detail: str = ""


@dataclass
class _Recipe:
    shot: Shot
    card: RenderedCard
    regions: tuple[np.ndarray, ...] = ()
    fields: tuple[str, ...] = ()
    detail: str = ""


def _clean(rng: random.Random, card: RenderedCard, _: Identity, __: float, variant: str) -> _Recipe:
    soft = rng.random() < 0.3
    return _Recipe(Shot(variant, soft=soft), card, detail="soft" if soft else "")


def _border(
    rng: random.Random, card: RenderedCard, _: Identity, strength: float, variant: str
) -> _Recipe:
    axes = (0, 1) if variant == "corner" else (rng.randrange(2),)
    sides = {axis: rng.random() < 0.5 for axis in axes}  # True: past the low edge
    shares = {axis: rng.uniform(*_CUT[strength]) for axis in axes}

    def cut(quad: np.ndarray, frame: tuple[int, int]) -> np.ndarray:
        quad = quad.copy()
        extent = quad.max(axis=0) - quad.min(axis=0)
        for axis, low in sides.items():
            out = shares[axis] * extent[axis]
            edge = quad[:, axis].min() + out if low else quad[:, axis].max() - out - frame[axis]
            quad[:, axis] -= edge
        return quad

    names = {(0, True): "left", (0, False): "right", (1, True): "top", (1, False): "bottom"}
    detail = "+".join(f"{names[a, s]} {shares[a]:.0%}" for a, s in sides.items())
    return _Recipe(Shot(rng.choice(_POSES), cut=cut), card, detail=detail)


def _photocopy(
    rng: random.Random, card: RenderedCard, _: Identity, strength: float, variant: str
) -> _Recipe:
    def carrier(width: int) -> copies.Carrier:
        image, alpha = resized(card, round(width * 1.3))
        copy = copies.photocopy(image, alpha, rng, variant == "colour", strength)
        return copies.paper_sheet(copy, rng)

    shot = Shot(rng.choice(("upright", "perspective", "small", "large")), carrier=carrier)
    return _Recipe(shot, card)


def _screen(
    rng: random.Random, card: RenderedCard, _: Identity, strength: float, variant: str
) -> _Recipe:
    pitch = rng.choice(copies.SCREEN_PITCHES)
    on_screen = min(rng.uniform(380, 560), 2600 / pitch)  # card width in screen px

    def carrier(width: int) -> copies.Carrier:
        image, alpha = resized(card, round(on_screen))
        return copies.screen(image, alpha, rng, strength, pitch, variant)

    shot = Shot("perspective", width=on_screen * pitch, carrier=carrier, dim=rng.uniform(0.4, 0.8))
    return _Recipe(shot, card, detail=f"pitch={pitch:g}px")


def _ps(
    rng: random.Random, card: RenderedCard, identity: Identity, strength: float, variant: str
) -> _Recipe:
    edited, edit = tamper(card, identity, rng, variant, strength)
    before, after = card.field_boxes[edit.field], edited.field_boxes[edit.field]
    region = box_corners(  # what the forger touched: the old print and the new one
        (min(before[0], after[0]), min(before[1], after[1]),
         max(before[2], after[2]), max(before[3], after[3]))
    )  # fmt: skip
    detail = f"{edit.field}: {edit.old} -> {edit.new}"
    return _Recipe(Shot(rng.choice(_POSES)), edited, (region,), (edit.field,), detail)


def _occlusion(
    rng: random.Random, card: RenderedCard, _: Identity, strength: float, variant: str
) -> _Recipe:
    size = (card.alpha.shape[1], card.alpha.shape[0])
    kinds: tuple[str, ...] = occluders.KINDS
    if variant == "over_portrait" and card.portrait_box is not None:
        target = _face(card.portrait_box)
        kinds = tuple(k for k in kinds if k != "pen")  # too thin to hide most of a face
    else:
        keys = ("Name", "Birth", "Address1", "IdNum") if card.side == "FRONT" else _BACK_TEXT
        target = _window(rng, card.field_boxes[rng.choice(keys)], 420)
    kind = rng.choice(kinds)
    occluder = occluders.make_occluder(rng, kind, size, target, _COVER[strength])
    boxes = {k: v for k, v in card.field_boxes.items() if k in _FIELDS}
    if card.portrait_box is not None:
        boxes["Portrait"] = _face(card.portrait_box)
    covered = tuple(key for key, box in boxes.items() if occluder.coverage(box) >= 0.15)

    def draw(canvas: np.ndarray, matrix: np.ndarray) -> np.ndarray:
        return occluders.composite(canvas, occluder, matrix, rng)

    detail = f"{kind} covers {occluder.coverage(target):.0%} of the target"
    return _Recipe(
        Shot(rng.choice(_POSES), on_card=[draw]), card, (box_corners(target),), covered, detail
    )


def _face(portrait: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The head within the portrait window: what hiding the portrait means."""
    x0, y0, x1, y1 = portrait
    width, height = x1 - x0, y1 - y0
    return (x0 + round(0.15 * width), y0 + round(0.08 * height),
            x1 - round(0.15 * width), y0 + round(0.7 * height))  # fmt: skip


def _window(
    rng: random.Random, box: tuple[int, int, int, int], width: int
) -> tuple[int, int, int, int]:
    """A part of a wide field at most ``width`` px wide: what one finger can cover."""
    if box[2] - box[0] <= width:
        return box
    x0 = rng.randint(box[0], box[2] - width)
    return (x0, box[1], x0 + width, box[3])


def _glare(
    rng: random.Random, card: RenderedCard, _: Identity, strength: float, variant: str
) -> _Recipe:
    size = (card.alpha.shape[1], card.alpha.shape[0])
    centres = {k: ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2) for k, b in card.field_boxes.items()}
    spots = effects.glare_spots(rng, size, strength, list(centres.values()))
    mask = effects.glare_mask(spots, size, 1.0)
    under = tuple(k for k, (x, y) in centres.items() if mask[int(y), int(x)] >= 0.5)
    shot = Shot(
        rng.choice(_POSES),
        after_light=[lambda canvas, m: effects.apply_glare(canvas, spots, size, m, rng)],
    )
    detail = f"{len(spots)} spot(s)"
    return _Recipe(shot, card, tuple(s.region() for s in spots), under, detail)


def _blur(
    rng: random.Random, card: RenderedCard, _: Identity, strength: float, variant: str
) -> _Recipe:
    shot = Shot(
        rng.choice(_POSES),
        kernel=lambda text_px: effects.blur_kernel(rng, variant, strength, text_px),
    )
    return _Recipe(shot, card)


_RECIPES: dict[str, Callable[[random.Random, RenderedCard, Identity, float, str], _Recipe]] = {
    "clean": _clean,
    "border": _border,
    "photocopy": _photocopy,
    "screen": _screen,
    "ps": _ps,
    "occlusion": _occlusion,
    "glare": _glare,
    "blur": _blur,
}


def make_alarm_sample(
    rng: random.Random, kind: str, strength: float, variant: str | None = None
) -> AlarmSample:
    """One photo of ``kind`` (see :data:`KINDS`); ``variant`` defaults to a random one."""
    if kind not in _RECIPES:
        raise ValueError(f"unknown kind {kind!r}")
    if kind != "clean" and strength not in STRENGTHS:
        raise ValueError(f"strength must be one of {STRENGTHS}")
    variant = variant or rng.choice(VARIANTS[kind])
    needs_front = variant in ("over_portrait", "contradiction")
    side = "FRONT" if needs_front or rng.random() < 0.6 else "BACK"
    identity = random_identity(rng)
    card = render_card(identity, side, rng)
    recipe = _RECIPES[kind](rng, card, identity, strength, variant)
    jpeg, truth, frame = photograph(rng, recipe.card, identity, recipe.shot)
    labels = frozenset({CODES[kind]}) if kind in CODES else frozenset()
    return AlarmSample(
        jpeg, labels, kind, strength if labels else 0.0, variant, truth, frame,
        recipe.regions, recipe.fields, recipe.detail,
    )  # fmt: skip


def schedule(index: int) -> tuple[str, float, str]:
    """(kind, strength, variant) of sample ``index``: kinds, strengths and variants cycle."""
    kind = _SCHEDULE[index % len(_SCHEDULE)]
    slots = [i for i, k in enumerate(_SCHEDULE) if k == kind]
    turn = index // len(_SCHEDULE) * len(slots) + slots.index(index % len(_SCHEDULE))
    variants = VARIANTS[kind]
    if kind == "clean":
        return kind, 0.0, variants[turn % len(variants)]
    return kind, STRENGTHS[turn % 3], variants[turn // 3 % len(variants)]


def make_alarm_sample_at(seed: int, index: int) -> AlarmSample:
    """Sample ``index`` of the set from ``seed``, alone (to regenerate a missed one)."""
    kind, strength, variant = schedule(index)
    return make_alarm_sample(random.Random(seed * 1_000_003 + index), kind, strength, variant)


def make_alarm_set(seed: int, count: int) -> list[AlarmSample]:
    """``count`` samples; sample i depends only on (seed, i)."""
    return [make_alarm_sample_at(seed, index) for index in range(count)]


def decode(sample: AlarmSample) -> np.ndarray:
    return decode_jpeg(sample.jpeg)
