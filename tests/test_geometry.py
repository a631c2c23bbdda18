"""Pure geometry, table-driven."""

from __future__ import annotations

import numpy as np
import pytest

from idcard_ocr import geometry


@pytest.mark.parametrize(
    ("point_a", "direction_a", "point_b", "direction_b", "expected"),
    [
        ((0, 0), (1, 0), (5, -3), (0, 2), (5.0, 0.0)),
        ((0, 0), (1, 1), (0, 4), (1, -1), (2.0, 2.0)),
        ((0, 0), (1, 0), (0, 1), (3, 0), None),  # parallel
    ],
)
def test_line_intersection(
    point_a: tuple[float, float],
    direction_a: tuple[float, float],
    point_b: tuple[float, float],
    direction_b: tuple[float, float],
    expected: tuple[float, float] | None,
) -> None:
    got = geometry.line_intersection(point_a, direction_a, point_b, direction_b)
    assert got == (pytest.approx(expected) if expected else None)


def test_unwarp_undoes_warp() -> None:
    quad = np.array([[10, 20], [310, 40], [300, 230], [5, 200]], dtype=np.float32)
    corners = [[0, 0], [100, 0], [100, 60], [0, 60]]
    back = geometry.map_points(corners, geometry.unwarp_matrix(quad, 100, 60))
    assert np.allclose(back, quad, atol=1e-3)


@pytest.mark.parametrize(
    ("points", "first"),
    [([[5, 5], [0, 0], [5, 0], [0, 5]], [0, 0]), ([[9, 1], [1, 1], [9, 8], [1, 8]], [1, 1])],
)
def test_order_quad_starts_top_left(points: list[list[int]], first: list[int]) -> None:
    assert geometry.order_quad(points)[0].tolist() == first


@pytest.mark.parametrize(
    ("points", "slack", "inside"),
    [
        ([[0, 0], [99, 49]], 0.0, True),
        ([[0, 0], [100, 49]], 0.0, False),
        ([[-1, 10], [50, 10]], 0.0, False),
        ([[-1, 10], [101, 10]], 2.0, True),
    ],
)
def test_within_frame(points: list[list[int]], slack: float, inside: bool) -> None:
    assert geometry.within_frame(points, 100, 50, slack) is inside


@pytest.mark.parametrize(
    ("width", "height", "shaped"),
    [
        (1024, 646, True),
        (646, 1024, True),
        (1100, 700, True),
        (1200, 800, False),
        (4000, 3000, False),
    ],
)
def test_card_shaped_frames_are_scans_not_camera_photos(
    width: int, height: int, shaped: bool
) -> None:
    assert geometry.card_shaped(width, height) is shaped
