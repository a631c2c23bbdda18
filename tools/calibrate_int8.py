"""Measure the activation ranges that `idcard_ocr.int8` quantises the recogniser with.

    .venv/bin/python tools/calibrate_int8.py [--seed 7] [--photos 60] [--flats 30]

Runs the float32 pipeline over synthetic photos and flat cards (not the accuracy benchmark's),
records every other batch of text lines it gives the recogniser, and writes their MinMax
ranges as an ONNX Runtime calibration cache to `src/idcard_ocr/data/<model>.int8.json`.
Rerun it when the model or the pipeline's crops change, then the accuracy benchmarks.

Only cards: with 40 alarm photos (glare, screens, copies) among them, a few ranges widened
enough that the int8 recogniser read a trailing "0" or "1" after 7 of 980 photo fields.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import rapidocr

from idcard_ocr import Recognizer
from idcard_ocr.engine import RapidOcrEngine
from idcard_ocr.errors import IdCardOcrError
from idcard_ocr.int8 import opset13, quantization_scheme
from idcard_ocr.model_rewrites import prepared_model
from idcard_synth.identity import random_identity
from idcard_synth.photo import make_photo_set
from idcard_synth.render import flat_image, render_card

DATA = Path(__file__).resolve().parents[1] / "src" / "idcard_ocr" / "data"
MODEL = "PP-OCRv6_rec_small.onnx"
KEEP_EVERY = 2


def images(seed: int, photos: int, flats: int) -> Iterator[bytes]:
    yield from (sample.jpeg for sample in make_photo_set(seed, photos))
    rng = random.Random(seed)
    for index in range(flats):
        card = render_card(random_identity(rng), ("FRONT", "BACK")[index % 2], rng)
        _, png = cv2.imencode(".png", flat_image(card, rng.randint(500, 2000), rng))
        yield bytes(png)


def recorded_batches(engine: RapidOcrEngine, sources: Iterator[bytes]) -> list[Any]:
    """Every `KEEP_EVERY`-th recognition batch while the pipeline reads `sources`."""
    seen: list[Any] = []
    calls = 0
    session: Callable[[Any], Any] = engine._rec.session  # this tool needs RapidOCR's tensors

    def recording(tensor: Any) -> Any:
        nonlocal calls
        if calls % KEEP_EVERY == 0:
            seen.append(np.array(tensor, dtype=np.float32))
        calls += 1
        return session(tensor)

    engine._rec.session = recording
    recognizer = Recognizer(engine=engine)
    for image in sources:
        with contextlib.suppress(IdCardOcrError):  # the set's photos without a readable card
            recognizer(image)
    return seen


class Replay:
    """ONNX Runtime's `CalibrationDataReader` protocol over recorded tensors."""

    def __init__(self, name: str, tensors: list[Any]) -> None:
        self._feeds = iter({name: tensor} for tensor in tensors)

    def get_next(self) -> dict[str, Any] | None:
        return next(self._feeds, None)


def calibrate(model_file: str, tensors: list[Any]) -> Path:
    from onnxruntime.quantization import quantize_static

    models = Path(rapidocr.__file__).parent / "models"
    model = opset13(prepared_model((models / model_file).read_bytes()))
    target = DATA / f"{Path(model_file).stem}.int8.json"
    target.unlink(missing_ok=True)  # an existing cache would be used, not measured
    with tempfile.TemporaryDirectory() as tmp:
        reader = Replay(model.graph.input[0].name, tensors)
        quantize_static(
            model,
            Path(tmp) / "model.onnx",
            reader,  # type: ignore[arg-type]
            calibration_cache_path=target,
            **quantization_scheme(),
        )
    # One value a line, in a fixed order (ONNX Runtime writes its tensors in set order), so
    # that a recalibration shows in a diff as what moved.
    target.write_text(json.dumps(json.loads(target.read_text()), indent=1, sort_keys=True) + "\n")
    target.chmod(0o644)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--photos", type=int, default=60)
    parser.add_argument("--flats", type=int, default=30)
    args = parser.parse_args()
    sources = images(args.seed, args.photos, args.flats)
    batches = recorded_batches(RapidOcrEngine(precision="float32"), sources)
    target = calibrate(MODEL, batches)
    print(f"{MODEL}: ranges from {len(batches)} batches -> {target}")


if __name__ == "__main__":
    main()
