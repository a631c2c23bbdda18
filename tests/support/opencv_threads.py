"""OpenCV's thread pool set for a block: two threads run a photo's pieces side by side on
the lanes (`lanes.side_by_side`, in process), one runs them in turn (a server's worker)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import cv2


@contextmanager
def opencv_threads(count: int) -> Iterator[None]:
    """OpenCV at `count` threads inside the block, at what it had before after it."""
    before = cv2.getNumThreads()
    cv2.setNumThreads(count)
    try:
        yield
    finally:
        cv2.setNumThreads(before)
