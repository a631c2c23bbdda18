"""The speed-ups that must not change answers: the models without subnormal weights and
with their biases fused into Gemms, the detector's input normalised in one pass, outlines
whose print stands on end not read, a rectified card read once (its
lines carried onto the corrected flattening instead of read again), JPEGs decoded by
OpenCV, the outline's edge support measured in one vectorised pass, and the occluder mask
opened only around what it holds."""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
import pytest
import rapidocr
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageOps

from idcard_ocr.alarms.occlusion import _opened
from idcard_ocr.engine import DetectedBox, detector_input
from idcard_ocr.errors import ImageDecodeFailed
from idcard_ocr.geometry import CARD_HEIGHT, CARD_WIDTH
from idcard_ocr.layout import side_layout
from idcard_ocr.model_rewrites import prepared_model
from idcard_ocr.result import CardSide
from idcard_ocr.stages.decode import decode_image
from idcard_ocr.stages.locate import CardCandidate, _edge_support, gradient_magnitude
from idcard_ocr.stages.orient import OrientedCard
from idcard_ocr.stages.read import CardText, TextLine, carry_text
from idcard_ocr.stages.rectify import rectify


def _front_text(shift: np.ndarray) -> CardText:
    """The front's anchors where a flattening shifted by `shift` (px) would show them."""
    lines = []
    for key, (left, right, y) in side_layout(CardSide.FRONT).anchors.items():
        text = "110101199003070012" if key == "ID_NUMBER" else key
        x0, yc = left * CARD_WIDTH + shift[0], y * CARD_HEIGHT + shift[1]
        x1 = (right * CARD_WIDTH + shift[0]) if right is not None else x0 + 30 * len(text)
        box = [[x0, yc - 12], [x1, yc - 12], [x1, yc + 12], [x0, yc + 12]]
        lines.append(TextLine(text, 0.99, np.array(box, np.float32)))
    return CardText(tuple(lines), 0.0)


def test_rectified_lines_are_carried_to_where_the_layout_prints_them() -> None:
    quad = np.array([[100, 50], [1124, 50], [1124, 696], [100, 696]], np.float32)
    shift = np.array([40.0, -25.0])
    text = _front_text(shift)
    fixed = rectify(quad, text, CardSide.FRONT)
    assert fixed.quad is not None and fixed.correction is not None
    # The outline moves with the print: the card starts where its labels say it does.
    assert np.allclose(fixed.quad, quad + shift, atol=2.0)
    carried = carry_text(text, fixed.correction)
    for before, after in zip(text.lines, carried.lines, strict=True):
        assert after.text == before.text
        assert np.allclose(after.quad, before.quad - shift, atol=2.0)


def test_an_exact_outline_needs_no_correction() -> None:
    quad = np.array([[0, 0], [CARD_WIDTH, 0], [CARD_WIDTH, CARD_HEIGHT], [0, CARD_HEIGHT]])
    fixed = rectify(quad.astype(np.float32), _front_text(np.zeros(2)), CardSide.FRONT)
    assert fixed.quad is None and fixed.correction is None
    assert fixed.anchors >= 4


def test_no_correction_that_the_farthest_anchors_disagree_with() -> None:
    quad = np.array([[100, 50], [1124, 50], [1124, 696], [100, 696]], np.float32)
    text = _front_text(np.array([40.0, -25.0]))
    # The ID number's box runs on past its end (a stray mark beside it), so that its right
    # end, the anchor farthest right, no longer agrees with the others.
    longer = np.array([[0, 0], [150, 0], [150, 0], [0, 0]], np.float32)
    stretched = [
        TextLine(line.text, line.confidence, line.quad + longer) if line.text.isdigit() else line
        for line in text.lines
    ]
    fixed = rectify(quad, CardText(tuple(stretched), 0.0), CardSide.FRONT)
    assert fixed.quad is None and fixed.correction is None


def _jpeg(image: np.ndarray, exif: Image.Exif | None = None) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image[:, :, ::-1]).save(buffer, "JPEG", quality=90, exif=exif or Image.Exif())
    return buffer.getvalue()


def _pillow_pixels(data: bytes) -> np.ndarray:
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    assert image is not None
    return np.asarray(image.convert("RGB"))[:, :, ::-1]


def _photo() -> np.ndarray:
    rng = np.random.default_rng(5)
    image = cv2.GaussianBlur(rng.integers(0, 255, (120, 200, 3), dtype=np.uint8), (5, 5), 0)
    return np.asarray(image, dtype=np.uint8)


def test_a_plain_jpeg_decodes_to_the_same_pixels_as_through_pillow() -> None:
    data = _jpeg(_photo())
    assert np.array_equal(decode_image(data).pixels, _pillow_pixels(data))


def test_an_exif_rotated_jpeg_still_comes_out_upright() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # stored turned: shown rotated 90 degrees clockwise
    data = _jpeg(_photo(), exif)
    pixels = decode_image(data).pixels
    assert pixels.shape[:2] == (200, 120)
    assert np.array_equal(pixels, _pillow_pixels(data))


def test_a_truncated_jpeg_is_refused_not_half_decoded() -> None:
    data = _jpeg(_photo())
    with pytest.raises(ImageDecodeFailed):
        decode_image(data[: len(data) // 2])


def test_edge_support_counts_points_on_the_border() -> None:
    image = np.zeros((200, 300, 3), np.uint8)
    cv2.rectangle(image, (50, 40), (250, 160), (255, 255, 255), thickness=cv2.FILLED)
    edges = cv2.dilate(gradient_magnitude(image), np.ones((5, 5), np.uint8))
    border = np.array([[50, 40], [250, 40], [250, 160], [50, 160]], np.float32)
    inside = border * 0.5 + np.array([75, 50], np.float32)
    assert _edge_support(border, edges) == 1.0
    assert _edge_support(inside, edges) == 0.0
    assert _edge_support(border + 1000, edges) == 0.0  # wholly outside the image


@settings(max_examples=60, deadline=None)
@given(
    blobs=st.lists(
        st.tuples(
            st.integers(-40, 300), st.integers(-40, 200), st.integers(1, 120), st.integers(1, 90)
        ),
        max_size=6,
    ),
    specks=st.integers(0, 40),
    seed=st.integers(0, 1000),
)
def test_the_occluder_mask_opens_as_a_whole_image_opening_would(
    blobs: list[tuple[int, int, int, int]], specks: int, seed: int
) -> None:
    """The opening is computed only around what the mask holds (`occlusion._opened`)."""
    mask = np.zeros((180, 260), np.uint8)
    for x, y, width, height in blobs:
        cv2.ellipse(mask, (x, y), (width // 2, height // 2), 0, 0, 360, 255, cv2.FILLED)
    rng = np.random.default_rng(seed)
    mask[rng.integers(0, 180, specks), rng.integers(0, 260, specks)] = 255
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (21, 21))
    assert np.array_equal(_opened(mask, disc), cv2.morphologyEx(mask, cv2.MORPH_OPEN, disc))


def _scaling_model(weights: np.ndarray) -> bytes:
    """An ONNX model multiplying its input by `weights`, a float32 initializer."""
    import onnx
    from onnx import helper, numpy_helper

    graph = helper.make_graph(
        [helper.make_node("Mul", ["x", "w"], ["y"])],
        "scale",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, list(weights.shape))],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, list(weights.shape))],
        [numpy_helper.from_array(weights, "w")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8)
    return bytes(model.SerializeToString())


def test_subnormal_weights_become_zero_and_the_others_stay() -> None:
    import onnxruntime as ort

    subnormal = np.float32(np.finfo(np.float32).tiny / 4)
    weights = np.array([0.5, subnormal, -subnormal, 0.0, np.finfo(np.float32).tiny], np.float32)
    session = ort.InferenceSession(
        prepared_model(_scaling_model(weights)), providers=["CPUExecutionProvider"]
    )
    (out,) = session.run(None, {"x": np.ones(5, np.float32)})
    assert out.tolist() == [0.5, 0.0, 0.0, 0.0, float(np.finfo(np.float32).tiny)]


def test_a_model_without_subnormals_is_passed_through_unchanged() -> None:
    model = _scaling_model(np.array([1.0, 2.0], np.float32))
    assert prepared_model(model) is model


def test_the_shipped_detector_loses_its_subnormals() -> None:
    """PP-OCRv6's detector holds ~256,000 (why detection was 3.5x slower on some CPUs)."""
    import onnx
    from onnx import numpy_helper

    det = next((Path(rapidocr.__file__).parent / "models").glob("*det*.onnx")).read_bytes()
    for model, has_subnormals in ((det, True), (prepared_model(det), False)):
        weights = [
            numpy_helper.to_array(t)
            for t in onnx.load_from_string(model).graph.initializer
            if t.data_type == onnx.TensorProto.FLOAT
        ]
        tiny = np.finfo(np.float32).tiny
        found = sum(int(((w != 0) & (np.abs(w) < tiny)).sum()) for w in weights)
        assert (found > 100_000) == has_subnormals


def _linear_model(weight: np.ndarray, bias: np.ndarray, also_used: bool = False) -> bytes:
    """An ONNX model computing x @ weight + bias on a 3-D x (and, with `also_used`, giving
    the product out as well)."""
    import onnx
    from onnx import helper, numpy_helper

    def value(name: str) -> onnx.ValueInfoProto:
        return helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None)

    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["p"]), helper.make_node("Add", ["p", "b"], ["y"])],
        "linear",
        [value("x")],
        [value("y"), *([value("p")] if also_used else [])],
        [numpy_helper.from_array(weight, "w"), numpy_helper.from_array(bias, "b")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)], ir_version=8)
    return bytes(model.SerializeToString())


def _ops(model: bytes) -> list[str]:
    import onnx

    return [node.op_type for node in onnx.load_from_string(model).graph.node]


def test_a_bias_after_a_3d_product_is_fused_into_one_gemm_with_the_same_output() -> None:
    import onnxruntime as ort

    rng = np.random.default_rng(5)
    weight, bias = (
        rng.normal(size=(8, 11)).astype(np.float32),
        rng.normal(size=11).astype(np.float32),
    )
    x = rng.normal(size=(3, 7, 8)).astype(np.float32)
    fused = prepared_model(_linear_model(weight, bias))
    assert "Gemm" in _ops(fused) and "Add" not in _ops(fused)
    (out,) = ort.InferenceSession(fused, providers=["CPUExecutionProvider"]).run(None, {"x": x})
    assert out.shape == (3, 7, 11)
    assert np.allclose(out, x @ weight + bias, atol=1e-5)


def test_a_product_used_elsewhere_keeps_its_own_addition() -> None:
    model = _linear_model(np.ones((2, 3), np.float32), np.ones(3, np.float32), also_used=True)
    assert prepared_model(model) is model


def test_the_int8_classifier_is_what_onnx_runtimes_dynamic_quantiser_makes(
    tmp_path: Path,
) -> None:
    """`int8_classifier` builds in one NumPy pass the weights `quantize_dynamic` computes
    channel by channel (per_channel, reduce_range): the same int8 weights and scales, and
    the same output."""
    import onnx
    import onnxruntime as ort
    from onnx import numpy_helper
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from idcard_ocr.int8 import int8_classifier

    rng = np.random.default_rng(8)
    weight = rng.normal(size=(16, 40)).astype(np.float32)
    weight[:, 3] = 0  # a character no time step can take
    model = _linear_model(weight, rng.normal(size=40).astype(np.float32))
    ours = onnx.load_from_string(prepared_model(model))
    int8_classifier(ours)
    quantize_dynamic(
        onnx.load_from_string(model),
        tmp_path / "theirs.onnx",
        per_channel=True,
        reduce_range=True,
        weight_type=QuantType.QInt8,
    )
    theirs = onnx.load(tmp_path / "theirs.onnx")

    def weight_and_scales(m: onnx.ModelProto) -> tuple[np.ndarray, np.ndarray]:
        tensors = [numpy_helper.to_array(t) for t in m.graph.initializer if t.name != "b"]
        (int8,) = [t for t in tensors if t.dtype == np.int8 and t.ndim == 2]
        (scales,) = [t for t in tensors if t.dtype == np.float32 and t.shape == (40,)]
        return int8, scales

    for ours_part, theirs_part in zip(*map(weight_and_scales, (ours, theirs)), strict=True):
        assert np.array_equal(ours_part, theirs_part)
    x = rng.normal(size=(3, 7, 16)).astype(np.float32)
    outputs = [
        ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"]).run(
            None, {"x": x}
        )[0]
        for m in (ours, theirs)
    ]
    assert outputs[0].shape == (3, 7, 40)
    assert np.allclose(outputs[0], outputs[1], atol=1e-5)


def test_the_shipped_recogniser_reads_the_same_with_its_head_fused() -> None:
    """The recogniser's classifier (18,710 characters a time step) and its attention
    projections become Gemms: the same characters at every step, probabilities to 1e-5."""
    import onnx
    import onnxruntime as ort

    from idcard_ocr.model_rewrites import flush_subnormals

    rec = next((Path(rapidocr.__file__).parent / "models").glob("*rec*.onnx")).read_bytes()
    flushed_only = onnx.load_from_string(rec)
    flush_subnormals(flushed_only)
    fused = prepared_model(rec)
    assert _ops(fused).count("Gemm") > _ops(rec).count("Gemm")
    line = np.random.default_rng(7).uniform(-1, 1, (2, 3, 48, 320)).astype(np.float32)
    outputs = []
    for model in (flushed_only.SerializeToString(), fused):
        session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
        outputs.append(session.run(None, {session.get_inputs()[0].name: line})[0])
    assert np.array_equal(outputs[0].argmax(-1), outputs[1].argmax(-1))
    assert np.allclose(outputs[0], outputs[1], atol=1e-5)


def test_the_detector_input_is_normalised_as_rapidocr_does() -> None:
    from rapidocr.ch_ppocr_det.utils import DetPreProcess

    image = np.random.default_rng(3).integers(0, 256, (64, 96, 3), dtype=np.uint8)
    expected = DetPreProcess(96, "max").normalize(image).transpose((2, 0, 1))[None]
    blob = detector_input(image)
    assert blob.dtype == np.float32
    assert np.allclose(blob, expected, atol=1e-6)


def _oriented(boxes: list[tuple[float, float, float, float]]) -> OrientedCard:
    """A flattened card whose detector found these boxes (x0, y0, x1, y1)."""
    quad = np.array([[0, 0], [CARD_WIDTH, 0], [CARD_WIDTH, CARD_HEIGHT], [0, CARD_HEIGHT]])
    found = tuple(
        DetectedBox(np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32), 0.9)
        for x0, y0, x1, y1 in boxes
    )
    image = np.zeros((CARD_HEIGHT, CARD_WIDTH, 3), np.uint8)
    candidate = CardCandidate(quad.astype(np.float32), 1.0, False, False)
    return OrientedCard(image, quad.astype(np.float32), 0.0, found, 0.0, candidate, 0.0)


@pytest.mark.parametrize(
    ("boxes", "upright"),
    [
        ([(70, 110, 300, 145), (70, 190, 420, 225), (300, 540, 800, 575)], False),
        # Two cards stacked and turned to landscape as one: their lines stand on end.
        ([(100, 50, 135, 400), (160, 50, 195, 330), (600, 80, 640, 560), (700, 20, 900, 60)], True),
        ([(500, 300, 530, 330)], False),  # one square character decides nothing
        ([], False),
    ],
)
def test_print_standing_on_end_is_no_card_worth_reading(
    boxes: list[tuple[float, float, float, float]], upright: bool
) -> None:
    assert _oriented(boxes).print_upright is upright
