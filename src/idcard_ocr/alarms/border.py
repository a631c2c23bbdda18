"""-9101 incomplete border: part of the card lies outside the frame or on its edge.

The located outline says where the card ends, but an outline can be wrong: snapped to the
frame's edge past a card that ends just inside it (an object reaching past the card joins
its blob), or stretched over a pale background. Where the card's printed labels are read,
they say where the card ends too, so the frame must cut the card by both accounts. And
where the frame cuts a card, the card's own ground runs up to the frame's edge: an outline
stretched past the card has the background (a table, the rest of a screen) there instead.
Where that ground plainly runs up to the edge, it outweighs the labels' rough fit.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from .. import geometry
from ..geometry import CARD_HEIGHT, CARD_WIDTH
from ..layout import side_layout
from ..result import AlarmKind
from .evidence import CardEvidence, Finding, box_of

SAMPLES_PER_SIDE = 64
# A card edge this close to the frame's edge is taken to be cut by it. An outline found
# along the frame's cut lies a few pixels inside it (where the locator's masks end, or where
# the text's fit puts it): 4.6-5 px on five cards of seed 107 cut by 5-27%, which scored 0
# at 3 px. An intact card this near the edge still shows no card ground at the frame's edge.
MARGIN_PX = 8.0
# Share of the outline on or beyond the frame's edge that means a clearly cut card.
FULL_SCORE_SHARE = 0.08
# A frame shaped like a card and filled by it is a scan or a tight crop of the whole card,
# not a card cut by the frame: camera frames are 4:3 or 16:9, a card is 1.585:1.
CROP_ASPECT_TOLERANCE = 0.03
CROP_FILL_SHARE = 0.85
CROP_CORNER_SLACK = 0.02
# The card's edges from its labels: at least three labels, each within this share of the
# card's width of where the fit puts it (a card read without its labels, cut off by the
# frame, gives no such fit); and the card they place must reach this share of the card's
# width past the frame's edge, as the fit is that rough.
MIN_LABELS = 3
LABEL_FIT_TOLERANCE = 0.02
TEXT_CUT_SLACK = 0.02
# Labels whose box says where the label is printed: sex and nation share one box, and the
# address box is several lines tall.
_NOT_ANCHORS = ("nation", "address")
# The frame's edge where the outline says it cuts the card: points this far inside the
# frame, this far apart, at least this far inside the outline (its corners on the frame's
# edge pushed past it first: a cut card's outline often runs along the frame's edge).
EDGE_INSET_PX = 3
EDGE_STEP_PX = 4
EDGE_INSIDE_PX = 12
EDGE_PUSH_PX = 64
MIN_EDGE_POINTS = 8
# A point looks like the card's ground within these L* and a*b* distances of the ground
# around its read text (light falls off across a card; print on the cut is no ground), and
# a cut card shows its ground on at least this share of them. Measured on seed 31's border
# samples: every read cut card 0.48 or more (dimly lit ones lowest), the two outlines
# stretched past the card (a clean photo, a screen) 0.21 or less.
GROUND_L = 30.0
GROUND_AB = 15.0
MIN_GROUND_AT_EDGE = 0.35
# Card ground on this share of the frame's edge within the outline is the card's own cut, and
# the labels' rough fit (one column of them sets the card's width from its height) does not
# overrule it: it placed three cards of seed 107, cut by 5-13%, inside the frame.
GROUND_OVER_LABELS = 0.9


def incomplete_border(evidence: CardEvidence) -> Finding:
    """Score the share of the card's outline that lies on or beyond the frame's edge, unless
    the card's labels place the card inside the frame."""
    height, width = evidence.photo.shape[:2]
    if _tight_crop(evidence.quad, width, height):
        return Finding(
            AlarmKind.INCOMPLETE_BORDER, 0.0, detail="the card fills a card-shaped frame"
        )
    share = cut_share(evidence.quad, width, height, MARGIN_PX)
    detail = f"{share:.0%} of the outline on or beyond the frame's edge"
    at_edge = ground_at_edge(evidence) if share > 0 else None
    if at_edge is not None:
        detail += f", card ground on {at_edge:.0%} of the frame's edge within it"
        if at_edge < MIN_GROUND_AT_EDGE:
            return Finding(AlarmKind.INCOMPLETE_BORDER, 0.0, detail=detail)
    trust_ground = at_edge is not None and at_edge >= GROUND_OVER_LABELS
    from_labels = _card_from_labels(evidence) if share > 0 and not trust_ground else None
    if from_labels is not None:
        slack = TEXT_CUT_SLACK * float(max(geometry.side_lengths(evidence.quad)))
        by_labels = cut_share(from_labels, width, height, MARGIN_PX - slack)
        detail += f", {by_labels:.0%} where the labels place the card"
        share = min(share, by_labels)
    return Finding(AlarmKind.INCOMPLETE_BORDER, min(1.0, share / FULL_SCORE_SHARE), detail=detail)


def cut_share(quad: npt.ArrayLike, width: int, height: int, margin: float) -> float:
    """Share of the outline within `margin` px of the frame's edge or beyond it."""
    corners = np.asarray(quad, dtype=np.float64)
    steps = np.linspace(0.0, 1.0, SAMPLES_PER_SIDE, endpoint=False)[:, None]
    outline = np.concatenate(
        [corners[i] + steps * (corners[(i + 1) % 4] - corners[i]) for i in range(4)]
    )
    cut = (
        (outline[:, 0] < margin)
        | (outline[:, 1] < margin)
        | (outline[:, 0] > width - 1 - margin)
        | (outline[:, 1] > height - 1 - margin)
    )
    return float(cut.mean())


def _card_from_labels(evidence: CardEvidence) -> npt.NDArray[np.float64] | None:
    """The card's corners in the photo where its labels, read on the flattened card, put
    them (a scale and a shift per axis); None unless enough labels fit one card."""
    found, printed = _label_pairs(evidence)
    if len(found) < MIN_LABELS or np.ptp(found[:, 1]) <= 0:
        return None
    sy, ty = np.polyfit(found[:, 1], printed[:, 1], 1)
    if np.ptp(found[:, 0]) > 0.1 * CARD_WIDTH:
        sx, tx = np.polyfit(found[:, 0], printed[:, 0], 1)
    else:  # one column of labels: the card's x scale is its y scale
        sx, tx = sy, float(np.mean(printed[:, 0] - sy * found[:, 0]))
    fits = [(sx, tx), (sy, ty)]
    fitted = np.column_stack([np.polyval(fits[axis], found[:, axis]) for axis in (0, 1)])
    if np.abs(fitted - printed).max() > LABEL_FIT_TOLERANCE * CARD_WIDTH:
        return None
    card = np.array([[0, 0], [CARD_WIDTH, 0], [CARD_WIDTH, CARD_HEIGHT], [0, CARD_HEIGHT]])
    on_flat = np.column_stack([(card[:, 0] - tx) / sx, (card[:, 1] - ty) / sy])
    return np.asarray(geometry.map_points(on_flat, evidence.to_photo), dtype=np.float64)


def _label_pairs(
    evidence: CardEvidence,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(where each field's box starts on the flattened card, where its label is printed)."""
    layout = side_layout(evidence.side)
    found, printed = [], []
    for name, quad in evidence.field_quads.items():
        label = layout.labels.get(name, ("", 0.0))[0]
        if name in _NOT_ANCHORS or label not in layout.anchors:
            continue
        left, _, y = layout.anchors[label]
        found.append((float(quad[:, 0].min()), float(quad[:, 1].mean())))
        printed.append((left * CARD_WIDTH, y * CARD_HEIGHT))
    return np.array(found, np.float64).reshape(-1, 2), np.array(printed, np.float64).reshape(-1, 2)


def _tight_crop(quad: geometry.Quad, width: int, height: int) -> bool:
    shaped_like_card = geometry.card_shaped(width, height, CROP_ASPECT_TOLERANCE)
    slack = CROP_CORNER_SLACK * max(width, height)  # an outline found from the text is rough
    corners_inside = geometry.within_frame(quad, width, height, slack)
    filled = geometry.quad_area(quad) >= CROP_FILL_SHARE * width * height
    return shaped_like_card and corners_inside and filled


def ground_at_edge(evidence: CardEvidence) -> float | None:
    """The share of the frame's edge within the outline where the photo looks like the
    card's ground; None when the outline reaches too little of the frame's edge to tell,
    or no text was read to take the ground from."""
    ground = _ground_lab(evidence)
    points = _cut_edge_points(evidence)
    if ground is None or len(points) < MIN_EDGE_POINTS:
        return None
    xy = np.rint(points).astype(int)
    lab = _lab(evidence.photo[xy[:, 1], xy[:, 0]])
    near_l = np.abs(lab[:, 0] - ground[0]) <= GROUND_L
    near_ab = np.hypot(lab[:, 1] - ground[1], lab[:, 2] - ground[2]) <= GROUND_AB
    return float(np.mean(near_l & near_ab))


def _cut_edge_points(evidence: CardEvidence) -> npt.NDArray[np.float32]:
    """Points along the frame's edges, just inside it, well within the card's outline:
    where the frame cuts the card, if the outline is right."""
    height, width = evidence.photo.shape[:2]
    inset = EDGE_INSET_PX
    xs = np.arange(inset, width - inset, EDGE_STEP_PX, dtype=np.float32)
    ys = np.arange(inset, height - inset, EDGE_STEP_PX, dtype=np.float32)
    low_x, high_x = np.full_like(ys, inset), np.full_like(ys, width - 1 - inset)
    low_y, high_y = np.full_like(xs, inset), np.full_like(xs, height - 1 - inset)
    points = np.concatenate(
        [
            np.column_stack([xs, low_y]),
            np.column_stack([xs, high_y]),
            np.column_stack([low_x, ys]),
            np.column_stack([high_x, ys]),
        ]
    )
    outline = _pushed_out(evidence.quad, width, height).reshape(-1, 1, 2)
    depth = [cv2.pointPolygonTest(outline, (float(x), float(y)), True) for x, y in points]
    return points[np.asarray(depth) >= EDGE_INSIDE_PX]


def _pushed_out(quad: geometry.Quad, width: int, height: int) -> npt.NDArray[np.float32]:
    """The outline with its corners on the frame's edge pushed past it: the frame's edge is
    no edge of the card."""
    pushed = np.asarray(quad, np.float32).copy()
    low, high_x, high_y = MARGIN_PX, width - 1 - MARGIN_PX, height - 1 - MARGIN_PX
    pushed[pushed[:, 0] <= low, 0] -= EDGE_PUSH_PX
    pushed[pushed[:, 1] <= low, 1] -= EDGE_PUSH_PX
    pushed[pushed[:, 0] >= high_x, 0] += EDGE_PUSH_PX
    pushed[pushed[:, 1] >= high_y, 1] += EDGE_PUSH_PX
    return pushed


def _ground_lab(evidence: CardEvidence) -> npt.NDArray[np.float32] | None:
    """The card's unprinted ground in L*a*b*: the lighter half of the pixels in the boxes of
    its read text, which are surely on the card whatever the outline."""
    ground = []
    for quad in evidence.field_quads.values():
        x0, y0, x1, y1 = box_of(quad)
        pixels = evidence.card[y0:y1, x0:x1].reshape(-1, 3)
        if len(pixels):
            level = pixels.astype(np.float32).mean(axis=1)
            ground.append(pixels[level >= np.median(level)])
    if not ground:
        return None
    return np.asarray(_lab(np.median(np.concatenate(ground), axis=0))[0], np.float32)


def _lab(bgr: npt.ArrayLike) -> npt.NDArray[np.float32]:
    """L*a*b* (L* 0-100, a* and b* about 0) of BGR colours, one per row."""
    colours = np.asarray(bgr, np.float32).reshape(-1, 1, 3) / 255
    return np.asarray(cv2.cvtColor(colours, cv2.COLOR_BGR2LAB).reshape(-1, 3), np.float32)
