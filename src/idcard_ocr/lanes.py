"""Two threads a process for the pieces of one request that can run side by side.

OpenCV, NumPy and ONNX Runtime compute outside the GIL, so two Python threads keep two cores
busy. In process a photo has the cores to itself, and independent pieces of it (locate's
views, the classifier's halves of a card's lines, its text lines, the glance's strips, the
alarm detectors) run side by side there; a server's or a batch's worker processes get one
core each (`engine.share_cores`) and run them one after the other.
A piece run in a lane must not wait for another lane's: both may be taken.
"""

from __future__ import annotations

import functools
import os
from concurrent.futures import ThreadPoolExecutor

import cv2

LANES = 2


def side_by_side() -> bool:
    """Whether this process runs pieces side by side: OpenCV may use a thread a lane (in
    process; `engine.share_cores` leaves a worker process one)."""
    return cv2.getNumThreads() >= LANES


def lanes() -> ThreadPoolExecutor:
    """This process's lanes."""
    return _lanes_of(os.getpid())


@functools.cache
def _lanes_of(pid: int) -> ThreadPoolExecutor:
    # Keyed by `pid`: a forked child inherits the pool object without its threads.
    return ThreadPoolExecutor(max_workers=LANES, thread_name_prefix=f"lanes-{pid}")
