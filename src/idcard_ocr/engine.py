"""The OCR engine behind a small protocol, and its one real implementation on RapidOCR."""

from __future__ import annotations

import ctypes
import importlib.util
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np
import numpy.typing as npt

from .errors import OcrFailed
from .int8 import Precision, quantized_model, ranges_file
from .lanes import LANES, lanes
from .line_reading import Reading, read_line, read_lines
from .model_rewrites import prepared_model

Image = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class DetectedBox:
    """A text region found by the detector: four corners in the input image, and a score."""

    quad: npt.NDArray[np.float32]
    score: float


@dataclass(frozen=True)
class Recognition:
    text: str
    confidence: float


class OcrEngine(Protocol):
    """What the pipeline needs from an OCR engine; every call is thread-safe and stateless."""

    def detect(self, image: Image, max_side: int) -> list[DetectedBox]:
        """Find text regions, running the detector with the longer side scaled to `max_side`."""

    def recognize(self, crops: Sequence[Image]) -> list[Recognition]:
        """Read one line of text from each crop."""

    def upside_down(self, crops: Sequence[Image]) -> list[float]:
        """For each text-line crop, the probability that it is rotated by 180 degrees."""


# An int8 reading less sure than this is read again in float32, whose reading it then takes:
# strong screen moiré drives the recogniser's activations past the ranges int8 was calibrated
# on, and two such screens of alarm seed 53 no longer read as cards. Costs ~2% of the CPU.
RECHECK_BELOW = 0.9


def detector_input(image: npt.NDArray[Any]) -> npt.NDArray[np.float32]:
    """The detector's 1xCxHxW tensor: (pixel / 255 - 0.5) / 0.5 as RapidOCR's DetPreProcess,
    in one float32 pass (its NumPy version computes in float64: 23 ms at 1280 px, this 2)."""
    return np.asarray(cv2.dnn.blobFromImage(image, 2 / 255, mean=(127.5, 127.5, 127.5)))


_LOADING = threading.Lock()

# Without a memory arena the detector's activations are plain heap memory, and glibc keeps
# what is freed for reuse. Giving it all back after every request made the next request
# fault its pages in again: 72 ms of CPU a card more (448 against 376) over the speed photos
# on one thread. Only a detection this large needs the room: 1280 x 960 px takes ~300 MB of
# activations (1920 x 1440: ~650 MB): on top of a heap grown by ordinary requests to 450 MB
# it took a process past 600 MB, and kept after it, the heap would hold them for good.
LARGE_DETECT_SIDE = 1280
_MALLOC_TRIM = getattr(ctypes.CDLL(None), "malloc_trim", None)


def give_memory_back() -> None:
    """Return the heap's free memory to the system (glibc; other C libraries lack it)."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


# ONNX Runtime 1.31 queues usage events (device id, CPU, OS, Python path) in ~/.cache for
# upload to Microsoft from the moment it is imported, unless this is set first; this module
# is imported with the package, before anything imports onnxruntime.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")


def share_cores(threads: int) -> None:
    """In one of several processes that share the cores: OpenCV's own thread pool cut to
    `threads`, as ONNX Runtime's is by `RapidOcrEngine(threads)`. Two processes with 2
    threads in each pool read 6.8 photos/s together, with 1 thread each 7.3."""
    cv2.setNumThreads(threads)


# The models RapidOCR ships in its wheel, named rather than left to its defaults: a server
# prepares exactly these once for all its worker processes (`prepare_models`).
MODEL_FILES = {
    "Det": "PP-OCRv6_det_small.onnx",
    "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
    "Rec": "PP-OCRv6_rec_small.onnx",
}
PreparedModels = dict[tuple[str, Precision], bytes]
"""(model file name, precision) -> the model its session is built from (`prepare_model`)."""


def model_path(name: str) -> Path:
    """A model file in RapidOCR's wheel, found without importing RapidOCR."""
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or spec.origin is None:
        raise OcrFailed("the rapidocr package is not installed")
    return Path(spec.origin).parent / "models" / name


def prepare_model(path: Path, precision: Precision) -> bytes:
    """The model at `path` rewritten to run faster (`model_rewrites.prepared_model`: no
    subnormal weights, the recogniser's bias fused into its classifier) and, with `precision`
    int8, its convolutions in int8 if `int8.ranges_file` has ranges for it."""
    model = prepared_model(path.read_bytes())
    ranges = ranges_file(path.name) if precision == "int8" else None
    return quantized_model(model, ranges) if ranges is not None else model


def prepare_models(precision: Precision) -> PreparedModels:
    """Every model a `RapidOcrEngine(precision=precision)` loads, prepared. A server does it
    once and hands them to its worker processes, which then neither quantise (~0.8 s) nor
    import the ONNX tooling that does (44 MB of each worker's memory)."""
    wanted = [(name, precision) for name in MODEL_FILES.values()]
    if precision == "int8":
        wanted.append((MODEL_FILES["Rec"], "float32"))
    return {(name, p): prepare_model(model_path(name), p) for name, p in wanted}


@contextmanager
def tuned_sessions(
    precision: Precision = "float32", prepared: PreparedModels | None = None
) -> Iterator[None]:
    """The ONNX Runtime sessions RapidOCR creates inside are built our way: from the model
    as `prepare_model` makes it (taken from `prepared` when it is there), with intra-op
    threads that sleep between parallel sections instead of spinning, and without memory
    patterns.

    A spinning thread burns a core that the other worker process, the alarm detectors or
    another model needs: on 2 busy cores, 2 spinning threads were 1.5x slower than 2
    sleeping ones (and slower than 1). RapidOCR builds its sessions itself, so the session
    class it calls is wrapped while the models load.
    """
    from rapidocr.inference_engine.onnxruntime import main as ort_main

    original = ort_main.InferenceSession  # type: ignore[attr-defined]

    def session(path: str, sess_options: Any, providers: Any) -> Any:
        sess_options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # No memory pattern either: it plans and keeps a buffer layout per input shape, and
        # no two photos give the same shapes. Peak RSS over the 28 speed photos on one
        # thread: 582 -> 556 MB (float32: 543 -> 515), CPU a card the same.
        sess_options.enable_mem_pattern = False
        model = (prepared or {}).get((Path(path).name, precision))
        if model is None:
            model = prepare_model(Path(path), precision)
        return original(model, sess_options=sess_options, providers=providers)

    with _LOADING:
        ort_main.InferenceSession = session  # type: ignore[attr-defined]
        try:
            yield
        finally:
            ort_main.InferenceSession = original  # type: ignore[attr-defined]


class RapidOcrEngine:
    """RapidOCR's ONNX models (PP-OCRv6 small det/rec, PP-OCR mobile cls), loaded once.

    RapidOCR's own `__call__` stores per-call options on the shared object, which is unsafe
    in a concurrent server, so this adapter calls its three stage objects directly.
    `precision` int8 runs most of the recogniser's convolutions in int8 (`int8`), and reads
    the lines it is unsure of again in float32. `threads` are ONNX Runtime's (0: one a core);
    on two cores or more the lines are recognised on the two lanes, on half of them each.
    """

    def __init__(
        self,
        threads: int = 0,
        precision: Precision = "int8",
        prepared: PreparedModels | None = None,
    ) -> None:
        from rapidocr import RapidOCR  # heavy import, kept out of module import time

        # No memory arena (RapidOCR's default): it was 5-10% faster, but it keeps the buffers
        # of the largest detection (1920 px, for small cards) for good: peak RSS of a worker
        # went from 570 to 730 MB over 28 photos.
        params: dict[str, Any] = {"Global.log_level": "error"}
        params.update(
            {f"{stage}.model_path": str(model_path(name)) for stage, name in MODEL_FILES.items()}
        )
        cores = threads or os.cpu_count() or 1
        self._side_by_side = cores >= LANES
        rec_threads = cores // LANES if self._side_by_side else threads
        try:
            ocr = RapidOCR(params={**params, **_thread_params(threads)})
            with tuned_sessions(precision, prepared):
                self._det = ocr._load_det_model()  # type: ignore[no-untyped-call]
                # The orientation classifier is small: on one thread it took 2.5 ms a card's
                # six lines, on two 4.3 (seed 13).
                cls = RapidOCR(params={**params, **_thread_params(1)})
                self._cls = cls._load_cls_model()  # type: ignore[no-untyped-call]
                # RapidOCR keeps one recogniser an instance.
                rec = RapidOCR(params={**params, **_thread_params(rec_threads)})
                self._rec = rec._load_rec_model()  # type: ignore[no-untyped-call]
            self._rec_float32 = None
            if precision == "int8":
                # An unsure line is read again on the lane that read it, on all threads: on one,
                # seed 16's p50 was 1.3 ms longer (paired, photo by photo).
                with tuned_sessions("float32", prepared):
                    rec = RapidOCR(params={**params, **_thread_params(threads)})
                    self._rec_float32 = rec._load_rec_model()  # type: ignore[no-untyped-call]
        except Exception as exc:  # any model-loading failure means no OCR at all
            raise OcrFailed(f"could not load the OCR models: {exc}") from exc

    def detect(self, image: Image, max_side: int) -> list[DetectedBox]:
        if max_side < LARGE_DETECT_SIDE:
            return self._detect(image, max_side)
        give_memory_back()  # room for its activations...
        try:
            return self._detect(image, max_side)
        finally:
            give_memory_back()  # ...and none of it kept for the small ones after

    def _detect(self, image: Image, max_side: int) -> list[DetectedBox]:
        h, w = image.shape[:2]
        scale = max_side / max(h, w)
        size = (max(32, round(w * scale / 32) * 32), max(32, round(h * scale / 32) * 32))
        resized = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        preds = self._det.session(detector_input(resized))
        boxes, scores = self._det.postprocess_op(preds, (h, w))
        return [
            DetectedBox(np.asarray(box, dtype=np.float32), float(score))
            for box, score in zip(boxes, scores, strict=True)
        ]

    def recognize(self, crops: Sequence[Image]) -> list[Recognition]:
        readings = read_lines(self._read_line, crops, self._side_by_side)
        return [Recognition(text, confidence) for text, confidence in readings]

    def _read_line(self, crop: Image) -> Reading:
        """The line in int8, and again in float32 when int8 is unsure (on the same lane)."""
        reading = read_line(self._rec, crop)
        if self._rec_float32 is not None and reading[1] < RECHECK_BELOW:
            return read_line(self._rec_float32, crop)
        return reading

    def upside_down(self, crops: Sequence[Image]) -> list[float]:
        if not crops:
            return []
        if self._side_by_side and len(crops) > 1:
            # Each crop is scored alone (resized to the classifier's fixed input): halves on
            # the lanes score the same as one batch.
            middle = (len(crops) + 1) // 2
            halves = lanes().map(self._cls, [list(crops[:middle]), list(crops[middle:])])
            scores = [pair for half in halves for pair in half.cls_res]
        else:
            scores = self._cls(list(crops)).cls_res
        return [float(score) if "180" in label else 1.0 - float(score) for label, score in scores]


def _thread_params(threads: int) -> dict[str, Any]:
    """RapidOCR's settings for sessions on `threads` threads (0: ONNX Runtime's default)."""
    if threads <= 0:
        return {}
    return {
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    }


def engine_from_handover(
    models: PreparedModels, threads: int, precision: Precision = "int8"
) -> RapidOcrEngine:
    """An engine in a worker process from the models its parent prepared (`prepare_models`),
    their bytes (47 MB) released once loaded. `models` is emptied: `batch` hands them over as
    initializer arguments, which a process pool keeps for its lifetime."""
    engine = RapidOcrEngine(threads, precision, models)
    models.clear()
    give_memory_back()
    return engine
