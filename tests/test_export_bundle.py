"""End to end on a tiny untrained AttriDet: checkpoint -> bundle (ONNX/OpenVINO x FP32/INT8) -> app loading -> parity.

An untrained model detects nothing, so accuracy targets are not asserted here; parity numbers
on trained weights come from benchmarks/bench_export_parity.py.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("YOLO_OFFLINE", "1")
torch = pytest.importorskip("torch")
pytest.importorskip("nncf")

from edge_app.formats.dataset_yaml import write_dataset_yaml  # noqa: E402
from edge_app.model_card import ModelCard  # noqa: E402
from edge_app.runtime.bundle import CARD_METADATA_KEY, ModelBundle, card_metadata  # noqa: E402
from edge_app.taxonomy import Taxonomy  # noqa: E402
from export import cli as export_cli  # noqa: E402
from export.calibration import preprocess, read_image  # noqa: E402
from export.checkpoint import _training_record, load_weights  # noqa: E402
from export.onnx_export import export_mode  # noqa: E402

pytestmark = pytest.mark.slow
IMGSZ = 128
BCCD = Path(__file__).resolve().parents[2] / "shared" / "data" / "bccd" / "JPEGImages"
TAXONOMY = Taxonomy.leukemia_attri()


def _copy_images(folder: Path, names: list[Path]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for src in names:
        shutil.copy(src, folder / src.name)
    return folder


@pytest.fixture(scope="module")
def weights(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from trainer.attridet.model import build_model
    from trainer.attridet.spec import ModelSpec

    torch.manual_seed(0)
    model = build_model(ModelSpec("n"), TAXONOMY).eval()
    path = tmp_path_factory.mktemp("run") / "tiny.pt"
    torch.save({"model": model.half(), "train_args": {"imgsz": IMGSZ}, "epoch": 0}, path)  # as ultralytics saves
    return path


@pytest.fixture(scope="module")
def bundle(weights: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    calib = _copy_images(tmp_path_factory.mktemp("calib"), sorted(BCCD.glob("*.jpg"))[:16])
    out = tmp_path_factory.mktemp("export") / "bundle"
    args = [str(out), "--weights", str(weights), "--calib", str(calib), "--precision", "fp32,fp16,int8",
            "--backend", "onnx,openvino", "--domain", "H_100x_C2"]
    assert export_cli.main(args) == 0
    return out


def test_bundle_has_the_design_layout_and_opens_like_the_app_opens_it(bundle: Path) -> None:
    opened = ModelBundle.open(bundle)  # checksums of every file
    paths = {f.path for f in opened.card.files}
    assert {"model.onnx", "model.int8.onnx", "openvino/model.xml", "openvino/model.bin",
            "openvino-int8/model.xml", "openvino-int8/model.bin", "openvino-fp16/model.xml"} <= paths
    card = opened.card
    assert card.input_size == (IMGSZ, IMGSZ) and card.domains == ("H_100x_C2",)
    assert card.calibration["images"] == 16 and card.calibration["domain"] == "H_100x_C2"
    assert card.calibration["float_scope"] in ("outputs", "postprocess", "head")
    assert "Chosen by measurement" in card.quantization_notes
    for file in card.files:
        if file.path.endswith((".onnx", ".xml")):
            backend = opened.load_backend(file)  # embedded card + output shape
            assert json.loads(backend.metadata()[CARD_METADATA_KEY]) == json.loads(card_metadata(card))


def test_fp32_onnx_matches_pytorch_on_real_images(bundle: Path, weights: Path) -> None:
    import onnxruntime as ort

    card = ModelCard.load(bundle / "card.json")
    model = load_weights(weights).model
    session = ort.InferenceSession(str(bundle / "model.onnx"), providers=["CPUExecutionProvider"])
    for path in sorted(BCCD.glob("*.jpg"))[100:103]:
        tensor = preprocess(read_image(path), card)
        with export_mode(model), torch.no_grad():
            expected = model(torch.from_numpy(tensor)).numpy()
        (out,) = session.run(None, {"images": tensor})
        assert out.shape == (1, card.output_channels, sum((IMGSZ // s) ** 2 for s in (8, 16, 32)))
        relative = np.abs(out - expected) / (np.abs(expected) + 1e-3)
        assert relative.max() < 1e-3, f"max relative error {relative.max():.2e} on {path.name}"


def test_int8_graphs_are_quantized_and_the_head_postprocessing_stays_float(bundle: Path) -> None:
    import onnx
    import openvino as ov

    card = ModelCard.load(bundle / "card.json")
    floats = set(card.calibration["float_nodes"])
    graph = onnx.load(str(bundle / "model.int8.onnx")).graph
    ops = [n.op_type for n in graph.node]
    assert ops.count("QuantizeLinear") > 50 and ops.count("DequantizeLinear") > 50
    producers = {out: n for n in graph.node for out in n.output}
    final = producers[graph.output[0].name]
    assert final.name in floats and final.op_type == "Concat"
    assert all(producers[i].op_type != "DequantizeLinear" for i in final.input)  # no INT8 scale on the output
    assert floats <= {n.name for n in graph.node}

    model = ov.Core().read_model(str(bundle / "openvino-int8" / "model.xml"))
    assert sum(op.get_type_name() == "FakeQuantize" for op in model.get_ordered_ops()) > 50
    result_input = model.get_results()[0].input_value(0).get_node()
    assert result_input.get_type_name() == "Concat"
    assert all(v.get_node().get_type_name() != "FakeQuantize" for v in result_input.input_values())


def test_int8_onnx_weights_are_7_bit(bundle: Path) -> None:
    """reduce_range: U8 x S8 products cannot saturate MLAS's int16 pair sums on AVX2 without VNNI."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(bundle / "model.int8.onnx")).graph
    weights = [numpy_helper.to_array(t) for t in graph.initializer if t.data_type == onnx.TensorProto.INT8]
    assert len(weights) > 50
    assert all(np.abs(w.astype(np.int32)).max() <= 64 for w in weights)  # symmetric 7 bits: [-64, 64]


def test_parity_runs_every_variant_through_the_app_runtime(bundle: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "val"
    images = _copy_images(root / "images" / "val", sorted(BCCD.glob("*.jpg"))[200:204])
    (root / "labels" / "val").mkdir(parents=True)
    for image in images.iterdir():
        (root / "labels" / "val" / f"{image.stem}.txt").write_text("3 0.5 0.5 0.2 0.25 0 1 2 0 1 0 1\n")
    data = write_dataset_yaml(root, TAXONOMY, {"val": "images/val"}, "H_100x_C2")
    out = tmp_path / "parity.json"
    assert export_cli.main(["parity", str(bundle), "--data", str(data), "--out", str(out), "--latency-runs", "3"]) == 0
    report = json.loads(out.read_text())
    labels = {r["label"] for r in report["results"]}
    assert {"onnxruntime fp32", "onnxruntime int8", "openvino fp32 (default)", "openvino fp32 (f32)",
            "openvino int8 (default)", "openvino int8 (f32)", "openvino fp16 (f32)"} <= labels
    int8 = next(r for r in report["results"] if r["label"] == "onnxruntime int8")
    assert int8["reference"] == "onnxruntime fp32" and int8["infer_ms"] > 0
    assert "onnxruntime int8: |dmAP50-95| <= 1 pt" in report["targets"]
    assert "mAP50-95" in capsys.readouterr().out


def test_card_names_the_training_data_relative_to_the_working_directory(tmp_path: Path, monkeypatch) -> None:
    """A shipped card must not carry the build machine's absolute folders."""
    monkeypatch.chdir(tmp_path)
    inside = _training_record(Path("best.pt"), {"data": str(tmp_path / "runs" / "x" / "data.yaml")}, {})
    assert inside["data"] == "runs/x/data.yaml"
    outside = str(tmp_path.parent / "elsewhere" / "data.yaml")
    assert _training_record(Path("best.pt"), {"data": outside}, {})["data"] == outside


def test_float16_weight_storage_shrinks_the_onnx_files_and_keeps_their_outputs(
    bundle: Path, weights: Path, tmp_path: Path
) -> None:
    import onnx
    import onnxruntime as ort

    from export.weight_storage import float_conv_weights

    calib = _copy_images(tmp_path / "calib", sorted(BCCD.glob("*.jpg"))[:16])
    out = tmp_path / "small"
    args = [str(out), "--weights", str(weights), "--calib", str(calib), "--precision", "fp32,int8",
            "--backend", "onnx", "--domain", "H_100x_C2", "--float-weights", "fp16"]
    assert export_cli.main(args) == 0
    card = ModelBundle.open(out).card  # checksums of the rewritten files
    assert {(f.path, f.float_weights) for f in card.files} == {("model.onnx", "fp16"), ("model.int8.onnx", "fp16")}
    assert {f.float_weights for f in ModelCard.load(bundle / "card.json").files} == {"fp32"}
    assert (out / "model.onnx").stat().st_size < 0.55 * (bundle / "model.onnx").stat().st_size
    for name in ("model.onnx", "model.int8.onnx"):  # INT8: only its float scope's convs had float weights
        assert float_conv_weights(onnx.load(str(out / name)).graph) == [], name
    tensor = preprocess(read_image(sorted(BCCD.glob("*.jpg"))[100]), card)
    outputs = [ort.InferenceSession(str(folder / "model.onnx"), providers=["CPUExecutionProvider"])
               .run(None, {"images": tensor})[0] for folder in (bundle, out)]
    relative = np.abs(outputs[1] - outputs[0]) / (np.abs(outputs[0]) + 1e-3)
    assert 0 < relative.max() < 2e-2, f"max relative error {relative.max():.2e}"
