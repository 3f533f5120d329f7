"""PyTorch AttriDet -> FP32 ONNX: one static input, one output tensor, simplified, card embedded.

The head runs in export mode (as ultralytics' exporter sets it), so the graph's single output
is the layout `edge_app.runtime.decode` reads: (1, 4 + nc + V, anchors).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from edge_app.errors import ModelError
from edge_app.model_card import ModelCard
from edge_app.runtime.bundle import CARD_METADATA_KEY, card_metadata

OPSET = 17
INPUT_NAME = "images"
OUTPUT_NAME = "output0"


@contextmanager
def export_mode(model: Any) -> Iterator[Any]:
    """The model with its head emitting the one inference tensor; flags restored afterwards."""
    head = model.model[-1]
    saved = {k: getattr(head, k, None) for k in ("export", "format", "dynamic")}
    head.export, head.format, head.dynamic = True, "onnx", False
    try:
        yield model
    finally:
        for key, value in saved.items():
            setattr(head, key, value)


def export_onnx(model: Any, card: ModelCard, path: Path) -> Path:
    """Trace `model` at the card's input size, simplify with onnxslim, embed the card; return `path`."""
    import onnx
    import torch

    h, w = card.input_size
    dummy = torch.zeros(1, 3, h, w)
    path.parent.mkdir(parents=True, exist_ok=True)
    with export_mode(model), torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation and tracer notes
        torch.onnx.export(model, (dummy,), str(path), opset_version=OPSET, input_names=[INPUT_NAME],
                          output_names=[OUTPUT_NAME], do_constant_folding=True, dynamo=False)
    proto = _simplify(onnx.load(str(path)))
    _check_output(proto, card, path)
    embed_card(proto, card)
    onnx.save(proto, str(path))
    return path


def _simplify(proto: Any) -> Any:
    import onnx
    import onnxslim

    slim = onnxslim.slim(proto)
    onnx.checker.check_model(slim)
    return slim


def _check_output(proto: Any, card: ModelCard, path: Path) -> None:
    dims = [d.dim_value for d in proto.graph.output[0].type.tensor_type.shape.dim]
    if len(proto.graph.output) != 1 or len(dims) != 3 or dims[1] != card.output_channels:
        raise ModelError(f"exported graph outputs {dims}, expected (1, {card.output_channels}, anchors)",
                         where=str(path), hint="the checkpoint's head does not match its taxonomy")


def embed_card(proto: Any, card: ModelCard) -> None:
    """Put the card into the ONNX metadata (replacing an older one)."""
    kept = [p for p in proto.metadata_props if p.key != CARD_METADATA_KEY]
    del proto.metadata_props[:]
    proto.metadata_props.extend(kept)
    entry = proto.metadata_props.add()
    entry.key, entry.value = CARD_METADATA_KEY, card_metadata(card)
