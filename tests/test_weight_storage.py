"""`export.weight_storage`: conv weights stored as float16, arithmetic still float32."""

from __future__ import annotations

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from export.weight_storage import float_conv_weights, store_conv_weights_as_fp16  # noqa: E402

RNG = np.random.default_rng(0)
WEIGHT = RNG.normal(size=(4, 3, 3, 3)).astype(np.float32)
BIAS = RNG.normal(size=(4,)).astype(np.float32)
OFFSET = np.float32(0.1234567)  # not a conv weight: must stay float32


def _graph(weight: np.ndarray, bias: np.ndarray) -> onnx.ModelProto:
    channels = weight.shape[0]
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["y"], pads=[1, 1, 1, 1]),
             helper.make_node("Add", ["y", "offset"], ["z"])]
    inits = [numpy_helper.from_array(weight, "w"), numpy_helper.from_array(bias, "b"),
             numpy_helper.from_array(np.array(OFFSET), "offset")]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
                              [helper.make_tensor_value_info("z", TensorProto.FLOAT, [1, channels, 8, 8])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def _run(model: onnx.ModelProto, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {"x": x})[0]


def test_conv_weights_become_float16_and_other_constants_stay() -> None:
    model = _graph(WEIGHT, BIAS)
    assert float_conv_weights(model.graph) == ["b", "w"]
    assert store_conv_weights_as_fp16(model) == 2
    onnx.checker.check_model(model)
    types = {t.name: t.data_type for t in model.graph.initializer}
    assert types == {"w_fp16": TensorProto.FLOAT16, "b_fp16": TensorProto.FLOAT16, "offset": TensorProto.FLOAT}
    assert [n.op_type for n in model.graph.node] == ["Cast", "Cast", "Conv", "Add"]
    assert store_conv_weights_as_fp16(model) == 0  # nothing left in float32 to convert


def test_the_result_is_float32_arithmetic_on_weights_rounded_to_float16() -> None:
    x = RNG.normal(size=(1, 3, 8, 8)).astype(np.float32)
    stored = _graph(WEIGHT, BIAS)
    store_conv_weights_as_fp16(stored)
    rounded = _graph(WEIGHT.astype(np.float16).astype(np.float32), BIAS.astype(np.float16).astype(np.float32))
    np.testing.assert_array_equal(_run(stored, x), _run(rounded, x))
    exact = _run(_graph(WEIGHT, BIAS), x)
    assert 0 < np.abs(_run(stored, x) - exact).max() < 1e-2


def test_half_the_bytes_for_the_weights() -> None:
    big = RNG.normal(size=(64, 3, 3, 3)).astype(np.float32)
    model = _graph(big, RNG.normal(size=(64,)).astype(np.float32))
    before = len(model.SerializeToString())
    store_conv_weights_as_fp16(model)
    assert len(model.SerializeToString()) < 0.6 * before
