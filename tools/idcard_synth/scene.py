"""Geometry and camera effects for photographed cards."""

from __future__ import annotations

import math
import random

import cv2
import numpy as np

Size = tuple[int, int]  # width, height


def card_quad(size: Size, width_px: float, angle: float, tilt: tuple[float, float]) -> np.ndarray:
    """Corners (TL, TR, BR, BL) of a card ``width_px`` wide, centred on the origin.

    ``tilt`` = rotations (degrees) about the card's x and y axes before a pinhole
    projection, which is what holding a card at an angle to the camera produces;
    ``angle`` is the in-plane rotation applied afterwards.
    """
    width, height = size
    scale = width_px / width
    half = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], np.float64) * [width / 2, height / 2]
    points = np.column_stack([half * scale, np.zeros(4)])
    ax, ay = (math.radians(t) for t in tilt)
    rot_x = np.array([[1, 0, 0], [0, math.cos(ax), -math.sin(ax)], [0, math.sin(ax), math.cos(ax)]])
    rot_y = np.array([[math.cos(ay), 0, math.sin(ay)], [0, 1, 0], [-math.sin(ay), 0, math.cos(ay)]])
    points = points @ (rot_y @ rot_x).T
    focal = 2.0 * width_px  # a phone's normal lens seen from ~2 card widths away
    projected = points[:, :2] * (focal / (focal + points[:, 2:3]))
    theta = math.radians(angle)
    rot = np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
    return (projected @ rot.T).astype(np.float32)


def place(quads: list[np.ndarray], frame: Size, rng: random.Random) -> list[np.ndarray]:
    """Shift (and if needed shrink) a group of quads so it lies inside ``frame``."""
    stacked = np.vstack(quads)
    low, high = stacked.min(axis=0), stacked.max(axis=0)
    margin = 0.015 * max(frame)
    room = np.array(frame, np.float64) - 2 * margin
    shrink = min(1.0, *(room / (high - low)))
    centre = (low + high) / 2
    scaled = [(q - centre) * shrink for q in quads]
    extent = (high - low) * shrink
    slack = room - extent
    offset = np.array([margin + extent[i] / 2 + rng.uniform(0, slack[i]) for i in (0, 1)])
    return [(q + offset).astype(np.float32) for q in scaled]


def warp_card(
    image: np.ndarray, alpha: np.ndarray, quad: np.ndarray, frame: Size
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Card and mask warped onto ``frame``; returns (image, alpha 0-1, homography card->frame).

    The card is first area-resampled close to its final size: warpPerspective only
    interpolates and would alias the fine print when shrinking the 1887 px artwork a lot.
    """
    height, width = alpha.shape
    edge = max(np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[2] - quad[3]))
    factor = min(1.0, 1.3 * edge / width)
    small = (max(2, round(width * factor)), max(2, round(height * factor)))
    img_s = cv2.resize(image, small, interpolation=cv2.INTER_AREA)
    alpha_s = cv2.resize(alpha, small, interpolation=cv2.INTER_AREA)
    sw, sh = small
    src = np.array([[0, 0], [sw, 0], [sw, sh], [0, sh]], np.float32)
    matrix = cv2.getPerspectiveTransform(src, quad)
    warped = cv2.warpPerspective(img_s, matrix, frame, flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(alpha_s, matrix, frame, flags=cv2.INTER_LINEAR)
    full = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    return warped, mask.astype(np.float32) / 255.0, cv2.getPerspectiveTransform(full, quad)


def map_points(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    return cv2.perspectiveTransform(points.reshape(-1, 1, 2).astype(np.float32), matrix).reshape(
        -1, 2
    )


def box_corners(box: tuple[int, int, int, int]) -> np.ndarray:
    x0, y0, x1, y1 = box
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)


def _smooth(field: np.ndarray, sigma: float, size: Size) -> np.ndarray:
    """Gaussian blur done at 1/8 scale: shadows and light are smooth, full-res blur is slow."""
    small = cv2.resize(
        field, (max(2, size[0] // 8), max(2, size[1] // 8)), interpolation=cv2.INTER_AREA
    )
    small = cv2.GaussianBlur(small, (0, 0), max(0.5, sigma / 8))
    return cv2.resize(small, size, interpolation=cv2.INTER_LINEAR)


def drop_shadow(canvas: np.ndarray, mask: np.ndarray, rng: random.Random) -> np.ndarray:
    """Darken the background under a card's offset, blurred silhouette."""
    ys, xs = np.nonzero(mask > 0.5)
    size = max(xs.max() - xs.min(), ys.max() - ys.min()) if xs.size else 100
    frame = (mask.shape[1], mask.shape[0])
    shift = np.float32(
        [[1, 0, rng.uniform(-0.02, 0.03) * size], [0, 1, rng.uniform(0, 0.03) * size]]
    )
    soft = _smooth(cv2.warpAffine(mask, shift, frame), max(1.0, 0.02 * size), frame)
    return canvas * (1 - rng.uniform(0.25, 0.55) * soft[..., None])


def lighting(canvas: np.ndarray, rng: random.Random) -> np.ndarray:
    """Linear illumination gradient, plus sometimes a broad soft shadow across the scene.

    The gain map is built at 1/8 resolution and upsampled; it has no fine detail.
    """
    height, width = canvas.shape[:2]
    sw, sh = max(2, width // 8), max(2, height // 8)
    theta = rng.uniform(0, 2 * math.pi)
    ys, xs = np.mgrid[0:sh, 0:sw].astype(np.float32)
    ramp = (xs * math.cos(theta) + ys * math.sin(theta)) / max(sw, sh)
    ramp -= ramp.mean()
    gain = 1 + rng.uniform(0.1, 0.5) * ramp
    if rng.random() < 0.4:
        phi = rng.uniform(0, 2 * math.pi)
        side = (xs - sw * rng.uniform(0.2, 0.8)) * math.cos(phi)
        side += (ys - sh * rng.uniform(0.2, 0.8)) * math.sin(phi)
        shade = cv2.GaussianBlur((side > 0).astype(np.float32), (0, 0), 0.05 * max(sw, sh))
        gain *= 1 - rng.uniform(0.1, 0.3) * shade
    gain = cv2.resize(
        gain * rng.uniform(0.85, 1.1), (width, height), interpolation=cv2.INTER_LINEAR
    )
    return canvas * gain[..., None]


def sensor_noise(canvas: np.ndarray, rng: random.Random) -> np.ndarray:
    gen = np.random.default_rng(rng.getrandbits(32))
    return canvas + gen.normal(0, rng.uniform(1, 5), canvas.shape).astype(np.float32)


def encode_jpeg(image: np.ndarray, quality: int) -> bytes:
    ok, buffer = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return buffer.tobytes()


def decode_jpeg(payload: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(payload, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise RuntimeError("JPEG decoding failed")
    return image
