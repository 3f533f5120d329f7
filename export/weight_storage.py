"""Store an ONNX graph's float conv weights as float16, computed in float32 (`--float-weights fp16`).

Each float32 weight or bias of a Conv becomes a float16 initializer followed by a Cast to float32:
the file holds half the bytes for those tensors, while the arithmetic stays float32 (ONNX Runtime
folds the Cast into a float32 constant when the session is built; OpenVINO's own IR stores "FP32"
weights the same way by default, `compress_to_fp16`). The only change to the results is each
weight rounded to float16 (relative error at most 2^-11), which `leuko-export parity` measures.
INT8 weights (QDQ) and every other initializer (anchors, strides, shapes) are left as they are.
"""

from __future__ import annotations

from typing import Any

import numpy as np

CAST_SUFFIX = "_fp16_to_fp32"


def float_conv_weights(graph: Any) -> list[str]:
    """Names of float32 initializers read by a Conv as its weight or bias (inputs 1 and 2)."""
    from onnx import TensorProto

    float_inits = {t.name for t in graph.initializer if t.data_type == TensorProto.FLOAT}
    names = [name for node in graph.node if node.op_type == "Conv" for name in node.input[1:3]]
    return sorted({n for n in names if n in float_inits})


def store_conv_weights_as_fp16(proto: Any) -> int:
    """Rewrite `proto` in place (see module doc); returns how many tensors now sit in float16."""
    from onnx import TensorProto, helper, numpy_helper

    graph = proto.graph
    targets = set(float_conv_weights(graph))
    if not targets:
        return 0
    kept, casts = [], []
    for init in graph.initializer:
        if init.name not in targets:
            kept.append(init)
            continue
        half = numpy_helper.from_array(numpy_helper.to_array(init).astype(np.float16), init.name + "_fp16")
        kept.append(half)
        casts.append(helper.make_node("Cast", [half.name], [init.name], name=init.name + CAST_SUFFIX,
                                      to=TensorProto.FLOAT))
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = casts + list(graph.node)  # the Casts first: ONNX wants nodes in topological order
    del graph.node[:]
    graph.node.extend(nodes)
    return len(casts)
