"""Running the blocking reader off the event loop, with a bounded wait queue; the reader
itself in worker processes."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.queues import SimpleQueue
from typing import TypeVar

import anyio
import anyio.to_thread
import numpy as np

from ..engine import PreparedModels, engine_from_handover, prepare_models, share_cores
from ..errors import OcrFailed, RequestLimitExceeded
from ..int8 import Precision
from ..pipeline import Recognizer
from ..result import AlarmKind, CardSide, IdCardResult

__all__ = ["ProcessReader", "Workers"]

T = TypeVar("T")
ModelQueue = SimpleQueue["PreparedModels | OcrFailed"]
"""Prepared models for the processes of a pool, or why there are none."""
ORPHAN_CHECK_S = 1.0
logger = logging.getLogger("idcard_ocr.server")


class Workers:
    """At most `concurrency` jobs in threads; beyond `max_queue` waiting, refuse at once.

    Callers all live on the one event loop thread, so the plain counter needs no lock.
    """

    def __init__(self, concurrency: int, max_queue: int) -> None:
        self._limiter = anyio.CapacityLimiter(concurrency)
        self._concurrency = concurrency
        self._max_queue = max_queue
        self._admitted = 0

    @property
    def admitted(self) -> int:
        """Jobs running or waiting for a thread."""
        return self._admitted

    async def run(self, func: Callable[[], T]) -> T:
        if self._admitted >= self._concurrency + self._max_queue:
            # Queuing forever would only turn overload into client timeouts.
            raise RequestLimitExceeded("the server is busy; retry later")
        self._admitted += 1
        try:
            return await anyio.to_thread.run_sync(func, limiter=self._limiter)
        finally:
            self._admitted -= 1


class ProcessReader:
    """The recognizer in `processes` worker processes, each with its own models and
    `threads` inference and OpenCV threads (default: its share of the cores).

    Inference is CPU-bound: one process per core avoids the GIL (locate, parse and alarms
    are Python).
    Requests are handed to whichever process is free, so a slow card never holds up others
    behind it as it would with one uvicorn process per core and sticky keep-alive
    connections. A crashed process fails its request and the pool is rebuilt.
    """

    def __init__(self, processes: int, threads: int = 0, precision: Precision = "int8") -> None:
        self._processes = processes
        self._precision = precision
        # Each process its share of the cores: with every process free to use every core,
        # a lone request was faster (HTTP p50 245 against 313 ms at concurrency 1), but
        # under load the pools' threads contend (`share_cores`), and throughput is the goal.
        self._threads = threads or max(1, (os.cpu_count() or 1) // processes)
        self._lock = threading.Lock()
        self._models_lock = threading.Lock()
        self._models: PreparedModels | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._handover: ModelQueue | None = None
        self._closed = False
        self._ready = threading.Event()

    def _current_pool(self) -> ProcessPoolExecutor:
        """The pool, built on first use or after a crash. Its processes take their models
        from a queue that a thread fills as they start, so that preparing them (once) and
        starting the processes overlap."""
        with self._lock:
            if self._closed:
                raise OcrFailed("the server is shutting down; the request was not read")
            if self._pool is None:
                # spawn, not fork: a forked ONNX Runtime thread pool can deadlock in the child.
                context = multiprocessing.get_context("spawn")
                handover: ModelQueue = context.SimpleQueue()
                self._handover = handover
                self._pool = ProcessPoolExecutor(
                    self._processes,
                    mp_context=context,
                    initializer=_load_models,
                    initargs=(self._threads, self._precision, handover),
                )
                threading.Thread(
                    target=self._hand_over, args=(handover,), name="models", daemon=True
                ).start()
            return self._pool

    def _hand_over(self, handover: ModelQueue) -> None:
        """The models, prepared once (`engine.prepare_models`), for each process of a pool;
        if they cannot be, the reason, which each process then raises."""
        with self._models_lock:
            try:
                if self._models is None:
                    self._models = prepare_models(self._precision)
                models: PreparedModels | OcrFailed = self._models
            except Exception as exc:  # a missing or unreadable model file means no OCR at all
                models = OcrFailed(f"could not prepare the OCR models: {exc}")
        try:
            for _ in range(self._processes):
                handover.put(models)  # blocks until a process takes the previous copy
        except OSError:
            pass  # the pool broke before all its processes started, and its queue was closed

    def start(self) -> None:
        """Start every process and load its models now, so no request waits for them."""
        pool = self._current_pool()
        # Submitted together, each ping finds no idle process and so starts one.
        for ping in [pool.submit(_loaded) for _ in range(self._processes)]:
            ping.result()
        self._ready.set()

    def start_in_background(self) -> None:
        """`start` on a thread: the port can open at once, `ready()` says when loading ends;
        calls made before then wait for their process to load."""
        threading.Thread(target=self._start_logged, name="load-models", daemon=True).start()

    def _start_logged(self) -> None:
        try:
            self.start()
        except Exception:  # calls then fail with OcrFailed and the pool is rebuilt
            logger.exception("starting the recognition processes failed")

    def ready(self) -> bool:
        return self._ready.is_set()

    def close(self) -> None:
        with self._lock:
            pool, self._pool, self._closed = self._pool, None, True
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def __call__(
        self,
        image: bytes,
        *,
        card_side: CardSide | None,
        crop_portrait: bool,
        crop_id_card: bool,
        thresholds: Mapping[AlarmKind, float] | None,
    ) -> IdCardResult:
        options = (card_side, crop_portrait, crop_id_card, dict(thresholds or {}))
        pool = self._current_pool()
        try:
            return pool.submit(_read, image, *options).result()
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool and self._handover is not None:
                    self._handover.close()  # ends a hand-over its dead processes never took
                    self._pool = self._handover = None
            raise OcrFailed("the recognition process stopped; the request was not read") from None


_RECOGNIZER: Recognizer | None = None
"""The one recognizer of a worker process (None in the server process)."""


def _load_models(threads: int, precision: Precision, handover: ModelQueue) -> None:
    global _RECOGNIZER
    # Ctrl-C reaches the whole process group; the server process decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    share_cores(threads)
    models = handover.get()
    if isinstance(models, OcrFailed):
        raise models
    _RECOGNIZER = Recognizer(engine_from_handover(models, threads, precision))
    _RECOGNIZER.engine.detect(np.full((64, 64, 3), 255, np.uint8), 64)


def _exit_with_parent(parent: int) -> None:
    """End this process once the server process is gone: a server killed outright (SIGKILL,
    a crash) cannot shut its pool down, and its idle workers would live on, each holding
    its models' memory."""
    while os.getppid() == parent:
        time.sleep(ORPHAN_CHECK_S)
    os._exit(0)


def _loaded() -> bool:
    return _RECOGNIZER is not None


def _read(
    image: bytes,
    card_side: CardSide | None,
    crop_portrait: bool,
    crop_id_card: bool,
    thresholds: dict[AlarmKind, float],
) -> IdCardResult:
    assert _RECOGNIZER is not None, "worker process started without its initializer"
    return _RECOGNIZER(
        image,
        card_side=card_side,
        crop_portrait=crop_portrait,
        crop_id_card=crop_id_card,
        thresholds=thresholds or None,
    )
