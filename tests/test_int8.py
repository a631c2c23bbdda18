"""The int8 recogniser: its convolutions quantised with the shipped ranges (but
`float32_convolutions`), cards read the same as in float32, and unsure lines read again."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import rapidocr

from cards import flat_card
from idcard_ocr import Recognizer
from idcard_ocr.engine import RapidOcrEngine, Recognition
from idcard_ocr.int8 import float32_convolutions, quantized_model, ranges_file
from idcard_ocr.model_rewrites import prepared_model

MODELS = Path(rapidocr.__file__).parent / "models"


@pytest.fixture(scope="module")
def engines() -> dict[str, RapidOcrEngine]:
    return {p: RapidOcrEngine(precision=p) for p in ("int8", "float32")}


def test_the_recognisers_convolutions_run_on_int8_weights_and_inputs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import onnx

    rec = "PP-OCRv6_rec_small.onnx"
    ranges = ranges_file(rec)
    assert ranges is not None
    caplog.set_level(logging.DEBUG)
    quantized = quantized_model(prepared_model((MODELS / rec).read_bytes()), ranges)
    assert caplog.records == []  # the quantiser's advice is not passed on to our logs
    model = onnx.load_from_string(quantized)
    made_by = {out: node for node in model.graph.node for out in node.output}
    int8 = {t.name for t in model.graph.initializer if t.data_type == onnx.TensorProto.INT8}
    kept = set(float32_convolutions(model))
    convolutions = [node for node in model.graph.node if node.op_type == "Conv"]
    assert len(convolutions) == 57 and len(kept) == 21  # 5 in the stem, 14 depthwise, 2 more
    for conv in convolutions:
        activation, weight = (made_by.get(name) for name in conv.input[:2])
        quantized_inputs = [
            n is not None and n.op_type == "DequantizeLinear" for n in (activation, weight)
        ]
        assert quantized_inputs == ([False, False] if conv.name in kept else [True, True])
        if conv.name not in kept:
            assert weight is not None and weight.input[0] in int8
    # The classifier (120 -> 18,710 characters) multiplies int8 weights, its input quantised
    # as it runs, and no float32 product of that width is left.
    (classifier,) = [n for n in model.graph.node if n.op_type == "MatMulInteger"]
    assert classifier.input[1] in int8
    assert made_by[classifier.input[0]].op_type == "DynamicQuantizeLinear"
    floats = {t.name: t.dims for t in model.graph.initializer}
    wide = [n for n in model.graph.node if n.op_type in ("Gemm", "MatMul")]
    assert all(floats.get(n.input[1], [0])[-1] != 18710 for n in wide)


@pytest.mark.parametrize(
    "model", ["PP-OCRv6_det_small.onnx", "ch_ppocr_mobile_v2.0_cls_mobile.onnx"]
)
def test_the_detector_and_classifier_have_no_ranges_and_stay_float32(model: str) -> None:
    assert ranges_file(model) is None


def test_cards_read_the_same_in_int8_and_float32(engines: dict[str, RapidOcrEngine]) -> None:
    int8, float32 = (Recognizer(engine=engines[p]) for p in ("int8", "float32"))
    for side in ("FRONT", "BACK"):
        image, expected = flat_card(41, side)
        fields = int8(image).tencent_fields()
        assert fields == float32(image).tencent_fields()
        assert {key: fields[key] for key in expected} == expected


def test_int8_readings_under_the_recheck_confidence_are_float32s(
    engines: dict[str, RapidOcrEngine], monkeypatch: pytest.MonkeyPatch
) -> None:
    import cv2
    import numpy as np

    from idcard_ocr import engine

    image, _ = flat_card(43, "FRONT")
    card = cv2.imdecode(np.frombuffer(image, np.uint8), cv2.IMREAD_COLOR)
    int8, float32 = engines["int8"], engines["float32"]
    crops = []
    for box in int8.detect(card, 960):
        x, y, w, h = cv2.boundingRect(box.quad.astype(np.int32))
        crops.append(card[max(y, 0) : y + h, max(x, 0) : x + w])
    assert len(crops) >= 8
    monkeypatch.setattr(engine, "RECHECK_BELOW", 1.01)  # every reading is unsure
    assert int8.recognize(crops) == float32.recognize(crops)
    monkeypatch.setattr(engine, "RECHECK_BELOW", 0.0)  # none is
    # The same characters; the int8 classifier may hear a space differently, which no field
    # keeps (the parser drops separators).
    assert _characters(int8.recognize(crops)) == _characters(float32.recognize(crops))


def _characters(readings: list[Recognition]) -> list[str]:
    return ["".join(r.text.split()) for r in readings]
