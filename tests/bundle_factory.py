"""Real ONNX / OpenVINO model files with known outputs, for testing the runtime's plumbing.

The graph returns a fixed candidate tensor (plus 0 x the input, so the input is used): decode,
NMS, letterbox mapping and bundle checks can then be asserted exactly. Real AttriDet exports
are tested by the trainer/export tests.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from edge_app.model_card import BundleFile, ModelCard
from edge_app.runtime.bundle import CARD_METADATA_KEY, card_metadata
from edge_app.taxonomy import Taxonomy

INPUT = 64


def candidate_tensor(taxonomy: Taxonomy) -> np.ndarray:
    """(1, C, 4): two overlapping class-3 cells, one class-1 cell, one below threshold."""
    nc, v = taxonomy.num_classes, sum(len(a.values) for a in taxonomy.attributes)
    out = np.zeros((4 + nc + v, 4), np.float32)
    out[:4, 0], out[4 + 3, 0] = [20, 20, 10, 10], 0.9
    out[:4, 1], out[4 + 3, 1] = [21, 20, 10, 10], 0.8
    out[:4, 2], out[4 + 1, 2] = [50, 40, 8, 12], 0.6
    out[:4, 3], out[4 + 2, 3] = [30, 30, 6, 6], 0.1
    if v:
        out[4 + nc :: 2, :] = 0.3  # value 0 of each attribute
        out[4 + nc + 1 :: 2, :] = 0.7  # value 1
    return out[None]


def write_onnx(path: Path, card: ModelCard, output: np.ndarray | None = None, embed_card: bool = True) -> Path:
    output = candidate_tensor(card.taxonomy) if output is None else output
    h, w = card.input_size
    nodes = [
        helper.make_node("ReduceMax", ["images"], ["m"], axes=[1, 2, 3], keepdims=0),
        helper.make_node("Mul", ["m", "zero"], ["z"]),
        helper.make_node("Add", ["z", "cands"], ["output0"]),
    ]
    graph = helper.make_graph(
        nodes, "fixed_candidates",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, h, w])],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, list(output.shape))],
        [numpy_helper.from_array(np.zeros((1,), np.float32), "zero"), numpy_helper.from_array(output, "cands")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    if embed_card:
        helper.set_model_props(model, {CARD_METADATA_KEY: card_metadata(card)})
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, path)
    return path


def write_bundle(folder: Path, taxonomy: Taxonomy | None = None, openvino: bool = True,
                 metrics: dict[str, float] | None = None) -> ModelCard:
    """A bundle folder with model.onnx (and an OpenVINO IR of it), card.json with checksums."""
    card = ModelCard("fixed", taxonomy or Taxonomy.leukemia_attri(), (INPUT, INPUT), domains=("H_100x_C2",),
                     metrics=metrics or {})
    write_onnx(folder / "model.onnx", card)
    files = [BundleFile("model.onnx", "onnxruntime", "fp32")]
    if openvino:
        import openvino as ov

        model = ov.Core().read_model(str(folder / "model.onnx"))
        model.set_rt_info(card_metadata(card), ["leuko", CARD_METADATA_KEY])
        (folder / "openvino").mkdir(exist_ok=True)
        ov.save_model(model, str(folder / "openvino" / "model.xml"), compress_to_fp16=False)
        files.append(BundleFile("openvino/model.xml", "openvino", "fp32"))
        files.append(BundleFile("openvino/model.bin", "openvino", "fp32"))
    card = card.with_files(folder, tuple(files))
    (folder / "card.json").write_text(card.to_json())
    return card
