"""`ModelCard`: what a model bundle is, in `card.json` and inside every model file.

A card names the taxonomy the outputs speak, how to feed the network (input size, stride,
colour order, scaling, letterbox padding), the domains it was trained or adapted for, its
training data and metrics, its precision, and the sha256 of every file in the bundle.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from edge_app import __version__
from edge_app.domains import Domain
from edge_app.errors import ModelError, ValidationError
from edge_app.taxonomy import Taxonomy

CARD_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class BundleFile:
    """One model file of a bundle: relative path, runtime, precision and checksum.

    `float_weights` says how the file stores the weights it computes with in float: "fp32", or "fp16"
    (rounded to float16 in the file, cast to float32 when loaded; arithmetic unchanged, see
    `export/weight_storage.py`).
    """

    path: str
    backend: str  # "onnxruntime" | "openvino"
    precision: str  # "fp32" | "fp16" | "int8"
    sha256: str = ""
    float_weights: str = "fp32"


@dataclass(frozen=True)
class ModelCard:
    name: str
    taxonomy: Taxonomy
    input_size: tuple[int, int]  # (height, width) the network takes
    stride: int = 32
    color_order: str = "RGB"
    pixel_scale: float = 1.0 / 255.0
    letterbox_value: int = 114
    score_threshold: float = 0.25  # the operating point: decode threshold the app uses unless told otherwise
    domains: tuple[str, ...] = ()
    architecture: str = "attridet-n"
    training: Mapping[str, Any] = field(default_factory=dict)
    metrics: Mapping[str, float] = field(default_factory=dict)
    files: tuple[BundleFile, ...] = ()
    calibration: Mapping[str, Any] = field(default_factory=dict)
    quantization_notes: str = ""
    intended_use: str = "Research and evaluation only; not for clinical use."
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    leuko_version: str = __version__

    def __post_init__(self) -> None:
        h, w = self.input_size
        if h <= 0 or w <= 0 or h % self.stride or w % self.stride:
            raise ValidationError(f"input size {self.input_size} must be positive multiples of stride {self.stride}")
        if not 0.0 < self.score_threshold < 1.0:
            raise ValidationError(f"score_threshold must be between 0 and 1, got {self.score_threshold}")
        if self.color_order not in ("RGB", "BGR"):
            raise ValidationError(f"color_order must be RGB or BGR, got {self.color_order!r}")
        for name in self.domains:
            if name not in ("bccd", "mixed"):
                Domain.parse(name)

    @property
    def bundle_id(self) -> str:
        """Stable id: name plus a digest of the file checksums (what a stored field records)."""
        digest = hashlib.sha256("".join(sorted(f.sha256 for f in self.files)).encode()).hexdigest()[:12]
        return f"{self.name}@{digest}"

    @property
    def output_channels(self) -> int:
        """Per-candidate channels of the exported graph: 4 box + classes + attribute logits."""
        return 4 + self.taxonomy.num_classes + sum(len(a.values) for a in self.taxonomy.attributes)

    def with_files(self, bundle_dir: Path, files: tuple[BundleFile, ...]) -> ModelCard:
        """A copy whose files carry the sha256 of what is on disk now."""
        hashed = tuple(replace(f, sha256=sha256_file(bundle_dir / f.path)) for f in files)
        return replace(self, files=hashed)

    def verify_files(self, bundle_dir: Path) -> None:
        """Raise `ModelError` if a listed file is missing or its checksum differs."""
        for f in self.files:
            path = bundle_dir / f.path
            if not path.is_file():
                raise ModelError(f"bundle file is missing: {f.path}", where=str(bundle_dir),
                                 hint="re-export the bundle or copy it again")
            if sha256_file(path) != f.sha256:
                raise ModelError(f"checksum mismatch for {f.path} (truncated or replaced?)",
                                 where=str(bundle_dir), hint="re-export the bundle or copy it again")

    # --- serialisation -------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["taxonomy"] = self.taxonomy.to_dict()
        data["input_size"] = list(self.input_size)
        data["domains"] = list(self.domains)
        data["files"] = [asdict(f) for f in self.files]
        data["schema_version"] = CARD_SCHEMA_VERSION
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ModelCard:
        version = data.get("schema_version", CARD_SCHEMA_VERSION)
        if version != CARD_SCHEMA_VERSION:
            raise ModelError(f"model card schema {version} is not supported (this app reads {CARD_SCHEMA_VERSION})",
                             hint="update Leuko or re-export the bundle")
        try:
            fields = dict(data)
            fields.pop("schema_version", None)
            fields["taxonomy"] = Taxonomy.from_dict(data["taxonomy"])
            fields["input_size"] = tuple(int(v) for v in data["input_size"])
            fields["domains"] = tuple(data.get("domains", ()))
            fields["files"] = tuple(BundleFile(**f) for f in data.get("files", ()))
            return cls(**fields)
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"model card is malformed: {exc}") from None

    @classmethod
    def from_json(cls, text: str, where: str = "card.json") -> ModelCard:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ModelError(f"not valid JSON (line {exc.lineno}: {exc.msg})", where=where) from None
        if not isinstance(data, dict):
            raise ModelError("a model card must be a JSON object", where=where)
        return cls.from_dict(data)

    @classmethod
    def load(cls, path: Path) -> ModelCard:
        try:
            return cls.from_json(path.read_text(encoding="utf-8"), where=str(path))
        except OSError as exc:
            raise ModelError(f"cannot read model card: {exc.strerror}", where=str(path)) from None


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()
