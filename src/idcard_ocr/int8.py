"""The recogniser's convolutions in int8, from activation ranges measured once, and its
classifier in int8, quantised as it runs.

Three quarters of recognition is convolution, and ONNX Runtime runs an int8 convolution on a
CPU's integer dot-product instructions faster than a float32 one.

Weights are quantised per output channel, in 7 bits, as the model loads (~0.8 s).
Activations need their ranges, which `tools/calibrate_int8.py` measured once, running the
float32 pipeline over synthetic cards, and stored as an ONNX Runtime calibration cache beside
the package: a model without one (the detector, the orientation classifier) stays in float32,
and so do some of the recogniser's convolutions (`float32_convolutions`).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "Precision",
    "float32_convolutions",
    "int8_classifier",
    "quantization_scheme",
    "quantized_model",
    "ranges_file",
]

Precision = Literal["int8", "float32"]


def ranges_file(model_name: str) -> Path | None:
    """The calibration cache shipped for the model file `model_name`, if there is one."""
    path = Path(str(resources.files("idcard_ocr") / "data" / f"{Path(model_name).stem}.int8.json"))
    return path if path.is_file() else None


def quantization_scheme() -> dict[str, Any]:
    """How both the calibration tool and the loader quantise: they must agree."""
    from onnxruntime.quantization import QuantFormat, QuantType

    return {
        "quant_format": QuantFormat.QDQ,
        "per_channel": True,
        # Unsigned activations and signed weights: the u8s8 kernels of AVX512-VNNI and AVX-VNNI.
        "activation_type": QuantType.QUInt8,
        "weight_type": QuantType.QInt8,
        # Weights in 7 bits: x86 CPUs without VNNI multiply u8 by s8 with VPMADDUBSW, whose
        # 16-bit sums of two products saturate past 32767 (255 x 127 x 2 does; 255 x 63 x 2
        # does not). Over 406 held-out text lines this changed 2 more readings from float32
        # than 8-bit weights did, all on stray marks read as one character.
        "reduce_range": True,
        "op_types_to_quantize": ["Conv"],
    }


def opset13(model: bytes) -> Any:
    """The model at ONNX opset 13: per-channel scales need DequantizeLinear's `axis`, which
    the shipped opset 11 models lack."""
    import onnx
    from onnx import version_converter

    return version_converter.convert_version(onnx.load_from_string(model), 13)


# Convolutions that stay in float32 besides the stem and the depthwise ones: the two most
# sensitive left, found by quantising one convolution at a time and counting the time steps
# whose character changed over 77 held-out batches (Conv.50: 26, Conv.53: 22, the next 16;
# the whole model: 80). Both project the last blocks' 768 channels back to 384; in int8 they
# dropped the 〇 of "中山街六〇号" at confidence 1.000, the one field of 980 int8 read wrong.
# With them in float32 a 6x48x480 batch takes 142 instead of 124 ms on one Zen 4 thread
# (all float32: 214).
SENSITIVE = ("Conv.50", "Conv.53")


def float32_convolutions(model: Any) -> list[str]:
    """The names of `model`'s convolutions that stay in float32: the grouped (depthwise) ones,
    the stem before the first of them, and the `SENSITIVE`.

    ONNX Runtime's int8 depthwise kernel is slower than its float32 one: with them in int8,
    a 6x48x480 recognition batch took 115 instead of 69 ms on two Zen 4 threads. The stem
    sees the pixels: in int8 it made most of the difference from float32 (time steps whose
    character changed, over 77 held-out batches: 80 with it, 54 without).
    """
    convolutions = [node for node in model.graph.node if node.op_type == "Conv"]
    grouped = [any(a.name == "group" and a.i > 1 for a in c.attribute) for c in convolutions]
    stem = grouped.index(True) if any(grouped) else 0
    return [
        c.name for i, c in enumerate(convolutions) if i < stem or grouped[i] or c.name in SENSITIVE
    ]


def quantized_model(model: bytes, ranges: Path) -> bytes:
    """`model` with its convolutions quantised to int8 (but `float32_convolutions`), using
    the activation `ranges`, and its classifier quantised as it runs (`int8_classifier`)."""
    import onnx
    from onnxruntime.quantization import quantize_static

    graph = opset13(model)
    with tempfile.TemporaryDirectory(prefix="idcard-ocr-int8-") as tmp, _quiet_quantizer():
        target = Path(tmp) / "model.onnx"
        quantize_static(
            graph,
            target,
            None,
            calibration_cache_path=ranges,
            nodes_to_exclude=float32_convolutions(graph),
            **quantization_scheme(),
        )
        quantized = onnx.load(target)
    int8_classifier(quantized)
    return bytes(quantized.SerializeToString())


# Classifier weights in 7 bits like the convolutions' (`quantization_scheme`): symmetric
# over [-64, 64], one scale per output character.
CLASSIFIER_WEIGHT_LEVELS = 64


def int8_classifier(model: Any) -> None:
    """Put the recogniser's classifier, the fused Gemm with the most output columns (120 ->
    18,710 characters at every time step), in int8: its weights per output character, its
    input quantised as it runs from the batch's own range (no calibrated range fits every
    line). ONNX Runtime fuses these nodes, bias and all, into one DynamicQuantizeMatMul.

    In float32 the classifier took 12% of recognition; in int8, recognition over the 28
    speed photos took ~8-11 ms a card less on one Zen 4 thread, their fields and alarm scores
    the same (three readings differ, by a space between a birth line's label and its year).
    These are the nodes and weights `onnxruntime.quantization.quantize_dynamic` makes
    (per_channel, reduce_range), built here in one NumPy pass: its loop over 18,710 channels
    took 1.1 s of every server start.
    """
    from onnx import numpy_helper

    graph = model.graph
    initializers = {t.name: t for t in graph.initializer}
    nodes = list(graph.node)
    # The plain Gemms `model_rewrites.fuse_bias_into_gemm` makes: no transposition, no scaling.
    gemm = max(
        (n for n in nodes if n.op_type == "Gemm" and not n.attribute),
        key=lambda n: initializers[n.input[1]].dims[-1],
    )
    rows, weight_name, bias = gemm.input
    weight = initializers[weight_name]
    scale, quantized = _int8_columns(numpy_helper.to_array(weight))
    p = f"{gemm.output[0]}_int8"
    graph.initializer.remove(weight)
    graph.initializer.extend(
        [
            numpy_helper.from_array(quantized, f"{p}_weight"),
            numpy_helper.from_array(scale, f"{p}_weight_scale"),
            numpy_helper.from_array(np.zeros_like(quantized[0]), f"{p}_weight_zero"),
        ]
    )
    int8 = _dynamic_int8_product(p, rows, bias, gemm.output[0])
    at = nodes.index(gemm)
    del graph.node[:]
    graph.node.extend([*nodes[:at], *int8, *nodes[at + 1 :]])


def _dynamic_int8_product(p: str, rows: str, bias: str, out: str) -> list[Any]:
    """`out` = `rows` (quantised as they come) times the int8 weight `{p}_weight` + `bias`,
    in the nodes ONNX Runtime's quantiser writes and its graph optimiser fuses."""
    from onnx import TensorProto, helper

    return [
        helper.make_node(
            "DynamicQuantizeLinear", [rows], [f"{p}_rows", f"{p}_rows_scale", f"{p}_rows_zero"]
        ),
        helper.make_node(
            "MatMulInteger",
            [f"{p}_rows", f"{p}_weight", f"{p}_rows_zero", f"{p}_weight_zero"],
            [f"{p}_sums"],
        ),
        helper.make_node("Cast", [f"{p}_sums"], [f"{p}_sums_float"], to=TensorProto.FLOAT),
        helper.make_node("Mul", [f"{p}_rows_scale", f"{p}_weight_scale"], [f"{p}_scales"]),
        helper.make_node("Mul", [f"{p}_sums_float", f"{p}_scales"], [f"{p}_product"]),
        helper.make_node("Add", [f"{p}_product", bias], [out]),
    ]


def _int8_columns(weight: npt.NDArray[np.float32]) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    """Each column's scale and its values in int8, symmetric around 0 (as ONNX Runtime's
    quantiser computes them: its range includes 0, in float64; a column of zeros scale 1)."""
    low = np.minimum(weight.min(axis=0), 0).astype(np.float64)
    high = np.maximum(weight.max(axis=0), 0).astype(np.float64)
    scale = np.maximum(-low, high) / CLASSIFIER_WEIGHT_LEVELS
    scale = np.where(scale < np.finfo(np.float32).tiny, 1.0, scale).astype(np.float32)
    levels = np.round(weight / scale)
    quantized = np.clip(levels, -CLASSIFIER_WEIGHT_LEVELS, CLASSIFIER_WEIGHT_LEVELS)
    return scale, quantized.astype(np.int8)


@contextmanager
def _quiet_quantizer() -> Iterator[None]:
    """Drop the quantiser's advice to pre-process the model, which it logs on the root logger
    each time: the shape inference it asks for gains nothing on these convolutions."""

    def from_elsewhere(record: logging.LogRecord) -> bool:
        return "onnxruntime" not in Path(record.pathname).parts

    root = logging.getLogger()
    root.addFilter(from_elsewhere)
    try:
        yield
    finally:
        root.removeFilter(from_elsewhere)
