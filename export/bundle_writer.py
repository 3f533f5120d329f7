"""Weights -> model bundle (DESIGN.md): card.json, model.onnx, model.int8.onnx, openvino*/model.{xml,bin}.

Order: trace a provisional FP32 ONNX, measure which head scope INT8 must leave float, settle
the card (calibration set, float scope, notes), then write every file with that one card
embedded, hash them into card.json, and open the result the way the app will.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from edge_app.errors import DataFormatError, ValidationError
from edge_app.model_card import BundleFile, ModelCard
from edge_app.runtime.bundle import ModelBundle
from export.calibration import CalibrationSet, CalibrationWarning
from export.checkpoint import TrainedWeights, load_weights
from export.head_scope import candidate_scopes
from export.onnx_export import embed_card, export_onnx
from export.quantize_onnx import OrtQuantSettings, quantize_onnx
from export.scope_search import ScopeError, choose_scope, measure_scopes

BACKENDS = ("onnxruntime", "openvino")
PRECISIONS = ("fp32", "fp16", "int8")
SCOPES = ("auto", "none", "outputs", "postprocess", "head")
FLOAT_WEIGHTS = ("fp32", "fp16")
LAYOUT = {  # (backend, precision) -> model file in the bundle
    ("onnxruntime", "fp32"): "model.onnx",
    ("onnxruntime", "int8"): "model.int8.onnx",
    ("openvino", "fp32"): "openvino/model.xml",
    ("openvino", "fp16"): "openvino-fp16/model.xml",
    ("openvino", "int8"): "openvino-int8/model.xml",
}


@dataclass(frozen=True)
class ExportRequest:
    bundle_dir: Path
    weights: Path
    calib: Path | None = None
    precisions: tuple[str, ...] = ("fp32", "int8")
    backends: tuple[str, ...] = BACKENDS
    input_size: tuple[int, int] | None = None  # (h, w); default: the training imgsz, square
    name: str = ""
    domains: tuple[str, ...] = ()  # target domain(s); default: the dataset YAML's
    data_yaml: Path | None = None
    calib_limit: int = 500
    calib_domain: str | None = None  # where the calibration images come from; default: the target domain
    float_scope: str = "auto"
    ort: OrtQuantSettings = field(default_factory=OrtQuantSettings)
    overwrite: bool = False
    intended_use: str = ""  # default: the card's "research and evaluation only; not for clinical use"
    score_threshold: float = 0.25  # the card's operating point: the app's default decode threshold
    float_weights: str = "fp32"  # "fp16": ONNX files store their float conv weights in float16 (weight_storage)


def export_bundle(req: ExportRequest) -> ModelCard:
    """Write the bundle of `req` and return its card (files hashed)."""
    _check_request(req)
    weights = load_weights(req.weights, req.data_yaml)
    card = base_card(req, weights)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = export_onnx(weights.model, card, Path(tmp) / "model.onnx")
        if "int8" in req.precisions:
            calib = CalibrationSet.from_folder(req.calib or Path(), card, req.calib_limit)
            card = _settle_quantization(req, card, fp32, calib)
        else:
            calib = None
        _prepare_folder(req)
        files = _write_files(req, card, fp32, calib)
    card = card.with_files(req.bundle_dir, tuple(files))
    (req.bundle_dir / "card.json").write_text(card.to_json(), encoding="utf-8")
    verify_bundle(req.bundle_dir)
    return card


def _check_request(req: ExportRequest) -> None:
    unknown = [p for p in req.precisions if p not in PRECISIONS] + [b for b in req.backends if b not in BACKENDS]
    if unknown:
        raise ValidationError(f"unknown precision/backend {unknown}",
                              hint=f"precisions: {', '.join(PRECISIONS)}; backends: {', '.join(BACKENDS)}")
    if not any((b, p) in LAYOUT for b in req.backends for p in req.precisions):
        raise ValidationError(f"nothing to export for {req.backends} x {req.precisions}",
                              hint="fp16 exists for openvino only")
    if req.float_weights not in FLOAT_WEIGHTS:
        raise ValidationError(f"unknown float weight storage {req.float_weights!r}",
                              hint=f"choose one of {', '.join(FLOAT_WEIGHTS)}")
    if req.float_scope not in SCOPES:
        raise ValidationError(f"unknown float scope {req.float_scope!r}", hint=f"choose one of {', '.join(SCOPES)}")
    if "int8" in req.precisions and req.calib is None:
        raise DataFormatError("INT8 needs calibration images: --calib is missing",
                              hint="pass --calib with a few hundred unlabelled images of the target domain")
    if req.bundle_dir.exists() and any(req.bundle_dir.iterdir()) and not req.overwrite:
        raise ValidationError("the bundle folder exists and is not empty", where=str(req.bundle_dir),
                              hint="choose a new folder or pass --overwrite")


def base_card(req: ExportRequest, weights: TrainedWeights) -> ModelCard:
    stride = int(max(weights.model.stride.tolist()))
    size = req.input_size or (weights.imgsz, weights.imgsz)
    return ModelCard(
        name=req.name or f"{weights.architecture}-{req.weights.parent.parent.name or 'model'}",
        taxonomy=weights.taxonomy, input_size=size, stride=stride,
        domains=req.domains or weights.domains, architecture=weights.architecture,
        training=weights.training, metrics=weights.metrics, score_threshold=req.score_threshold,
        **({"intended_use": req.intended_use} if req.intended_use else {}),
    )


def _settle_quantization(req: ExportRequest, card: ModelCard, fp32: Path, calib: CalibrationSet) -> ModelCard:
    import onnx

    if req.float_scope == "auto":
        errors = measure_scopes(fp32, calib, card, req.ort)
        chosen = choose_scope(errors)
    else:
        scopes = {s.name: s for s in candidate_scopes(onnx.load(str(fp32)).graph)}
        errors, chosen = [], ScopeError(scopes[req.float_scope], float("nan"), float("nan"), float("nan"))
    warn_calibration_domain(card, req.calib_domain)
    domain = req.calib_domain or ",".join(card.domains) or "unspecified"
    calibration = {**calib.describe(), "domain": domain, "method": "min/max, ONNX Runtime QDQ + NNCF (preset mixed)",
                   "float_scope": chosen.scope.name, "float_nodes": list(chosen.scope.nodes),
                   "ort_activation": req.ort.activation, "per_channel": req.ort.per_channel,
                   "ort_weight_bits": 7 if req.ort.reduce_range else 8}
    return replace(card, calibration=calibration, quantization_notes=_notes(chosen, errors, req))


def _notes(chosen: ScopeError, errors: list[ScopeError], req: ExportRequest) -> str:
    bits = "7-bit (reduce_range)" if req.ort.reduce_range else "8-bit"
    grain = "per-channel" if req.ort.per_channel else "per-tensor"
    lines = [f"INT8: weights int8 {grain}, {bits} in ONNX Runtime, activations {req.ort.activation} (QDQ) / NNCF "
             f"mixed preset (OpenVINO). Kept float: '{chosen.scope.name}' scope — {chosen.scope.description} "
             f"({len(chosen.scope.nodes)} nodes, listed under calibration.float_nodes)."]
    if errors:
        lines.append("Chosen by measurement (ONNX Runtime INT8 vs FP32, top-100 anchors of held-out "
                     "calibration images):")
        lines += [f"  {e.line()}" for e in errors]
    else:
        lines.append("Scope forced by --float-scope (not measured).")
    return "\n".join(lines)


def _prepare_folder(req: ExportRequest) -> None:
    if req.bundle_dir.exists() and req.overwrite:
        shutil.rmtree(req.bundle_dir)
    req.bundle_dir.mkdir(parents=True, exist_ok=True)


def _write_files(req: ExportRequest, card: ModelCard, fp32: Path, calib: CalibrationSet | None) -> list[BundleFile]:
    files: list[BundleFile] = []
    for backend in req.backends:
        for precision in req.precisions:
            if (backend, precision) not in LAYOUT:
                continue
            paths = _write_one(req.bundle_dir / LAYOUT[backend, precision], backend, precision, card, fp32, calib)
            storage = req.float_weights if backend == "onnxruntime" else "fp32"
            if storage == "fp16":
                _store_conv_weights_as_fp16(paths[0])
            files += [BundleFile(str(p.relative_to(req.bundle_dir)), backend, precision, float_weights=storage)
                      for p in paths]
    return files


def _store_conv_weights_as_fp16(path: Path) -> None:
    import onnx

    from export.weight_storage import store_conv_weights_as_fp16

    proto = onnx.load(str(path))
    store_conv_weights_as_fp16(proto)
    onnx.checker.check_model(proto)
    onnx.save(proto, str(path))


def _write_one(path: Path, backend: str, precision: str, card: ModelCard, fp32: Path,
               calib: CalibrationSet | None) -> Sequence[Path]:
    float_nodes = tuple(card.calibration.get("float_nodes", ()))
    if backend == "onnxruntime" and precision == "fp32":
        return [_save_onnx_with_card(fp32, path, card)]
    if backend == "onnxruntime":
        assert calib is not None
        settings = OrtQuantSettings(str(card.calibration["ort_activation"]), bool(card.calibration["per_channel"]))
        return [quantize_onnx(fp32, path, calib, float_nodes, settings, card)]
    from export.openvino_export import write_ir

    return write_ir(fp32, path, card, precision, calib, float_nodes)


def _save_onnx_with_card(src: Path, dst: Path, card: ModelCard) -> Path:
    import onnx

    proto = onnx.load(str(src))
    embed_card(proto, card)
    onnx.save(proto, str(dst))
    return dst


def verify_bundle(folder: Path) -> None:
    """Open the bundle and every model file exactly as the app does (checksums, card, output shape)."""
    bundle = ModelBundle.open(folder)
    for file in bundle.card.files:
        if file.path.endswith((".onnx", ".xml")):
            bundle.load_backend(file)


def warn_calibration_domain(card: ModelCard, calib_domain: str | None) -> None:
    if calib_domain and card.domains and calib_domain not in card.domains:
        warnings.warn(f"calibration images are from {calib_domain} but the model targets {', '.join(card.domains)}",
                      CalibrationWarning, stacklevel=2)
