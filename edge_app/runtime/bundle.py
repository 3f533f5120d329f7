"""Open a model bundle safely: card, checksums, embedded metadata and output shape checked first.

Bundle layout (DESIGN.md): `card.json`, `model.onnx`, `model.int8.onnx`,
`openvino/model.{xml,bin}`, `openvino-int8/model.{xml,bin}` — whatever was exported. Nothing
is ever unpickled: only ONNX / OpenVINO IR files and JSON are read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from edge_app.errors import ModelError
from edge_app.model_card import BundleFile, ModelCard
from edge_app.runtime.backends.base import InferenceBackend
from edge_app.runtime.backends.registry import available_backends, create_backend
from edge_app.runtime.decode import expected_channels

CARD_METADATA_KEY = "leuko_card"  # ONNX metadata_props key / OpenVINO rt_info["leuko"] key
MODEL_SUFFIXES = (".onnx", ".xml")  # an IR's .bin is listed (and checksummed) but not loaded by itself


@dataclass(frozen=True)
class ModelBundle:
    path: Path
    card: ModelCard

    @classmethod
    def open(cls, path: Path) -> ModelBundle:
        """Read `card.json` and verify the sha256 of every file it lists."""
        if not (path / "card.json").is_file():
            raise ModelError("not a model bundle: card.json is missing", where=str(path),
                             hint="point --model at a folder written by leuko-export")
        card = ModelCard.load(path / "card.json")
        card.verify_files(path)
        return cls(path, card)

    def choose_file(self, backend: str = "auto", precision: str = "auto") -> BundleFile:
        """The file to run: the requested backend/precision, or the best installed one."""
        models = [f for f in self.card.files if f.path.endswith(MODEL_SUFFIXES)]
        candidates = [f for f in models if f.backend in available_backends()]
        if backend != "auto":
            candidates = [f for f in candidates if f.backend == backend]
        if precision != "auto":
            candidates = [f for f in candidates if f.precision == precision]
        if not candidates:
            have = ", ".join(f"{f.backend}/{f.precision}" for f in self.card.files) or "nothing"
            raise ModelError(f"the bundle has no {backend}/{precision} model for this machine (it has {have})",
                             where=str(self.path), hint="choose another --backend/--precision or re-export")
        rank = {"int8": 0, "fp16": 1, "fp32": 2}  # quantized first: it is what the edge is for
        return sorted(candidates, key=lambda f: (rank.get(f.precision, 9), f.backend != "onnxruntime"))[0]

    def load_backend(self, file: BundleFile, threads: int | None = None, **options: object) -> InferenceBackend:
        """Create the backend and check that the model file is the one the card describes."""
        backend = create_backend(file.backend, self.path / file.path, threads, **options)
        self._check_embedded_card(backend, file)
        self._check_output(backend, file)
        return backend

    def _check_embedded_card(self, backend: InferenceBackend, file: BundleFile) -> None:
        embedded = backend.metadata().get(CARD_METADATA_KEY)
        if embedded is None:
            raise ModelError("the model file carries no Leuko card metadata (a foreign model?)",
                             where=str(self.path / file.path), hint="export it with leuko-export")
        taxonomy = json.loads(embedded).get("taxonomy")
        if taxonomy != self.card.taxonomy.to_dict():
            raise ModelError("the model file's embedded taxonomy differs from card.json",
                             where=str(self.path / file.path), hint="the files of two bundles were mixed: re-export")

    def _check_output(self, backend: InferenceBackend, file: BundleFile) -> None:
        shape = backend.input_shape
        if tuple(shape[2:]) != tuple(self.card.input_size):
            raise ModelError(f"model input is {shape[2:]} but the card says {self.card.input_size}",
                             where=str(self.path / file.path))
        output = backend.infer(np.zeros(shape, np.float32))
        channels = expected_channels(self.card.taxonomy)
        if output.ndim != 3 or output.shape[1] != channels:
            raise ModelError(
                f"model output {output.shape} does not match the card's taxonomy ({channels} channels per candidate)",
                where=str(self.path / file.path), hint="the card belongs to another model: re-export the bundle")


def card_metadata(card: ModelCard) -> str:
    """The card as embedded inside a model file (file checksums left out: a file can't hold its own)."""
    data = card.to_dict()
    data["files"] = []
    return json.dumps(data, sort_keys=True)
