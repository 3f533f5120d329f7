"""AttriDet model: one output tensor (box, classes, attributes), ONNX export, ASL loss, pickling."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("YOLO_OFFLINE", "1")

torch = pytest.importorskip("torch")

from edge_app.model_card import ModelCard  # noqa: E402
from edge_app.taxonomy import Taxonomy  # noqa: E402

IMGSZ = 128
ANCHORS = sum((IMGSZ // s) ** 2 for s in (8, 16, 32))
TAXONOMY = Taxonomy.leukemia_attri()
CHANNELS = 4 + TAXONOMY.num_classes + 2 * TAXONOMY.num_attributes


def _batch(images: int, attributes: torch.Tensor | None = None, boxes: torch.Tensor | None = None) -> dict:
    """A training batch of `images` random images, one cell each (classes 1, 3, 2, 5, ...)."""
    default_boxes = torch.tensor([[0.5, 0.5, 0.3, 0.3], [0.3, 0.3, 0.2, 0.2]]).repeat((images + 1) // 2, 1)[:images]
    return {
        "img": torch.rand(images, 3, IMGSZ, IMGSZ),
        "batch_idx": torch.arange(float(images)),
        "cls": torch.tensor([[1.0], [3.0], [2.0], [5.0]]).repeat((images + 3) // 4, 1)[:images],
        "bboxes": default_boxes if boxes is None else boxes,
        "attributes": torch.full((images, TAXONOMY.num_attributes), TAXONOMY.not_annotated)
        if attributes is None
        else attributes,
    }


@pytest.fixture(scope="module")
def model():
    from trainer.attridet.model import build_model
    from trainer.attridet.spec import ModelSpec

    torch.manual_seed(0)
    return build_model(ModelSpec("n"), TAXONOMY).eval()


def test_one_output_tensor_carries_box_class_and_attribute_channels(model) -> None:
    y, raw = model(torch.rand(2, 3, IMGSZ, IMGSZ))
    assert y.shape == (2, CHANNELS, ANCHORS)
    assert ModelCard("m", TAXONOMY, (IMGSZ, IMGSZ)).output_channels == CHANNELS
    attrs = y[:, 4 + TAXONOMY.num_classes :].reshape(2, TAXONOMY.num_attributes, 2, ANCHORS)
    assert torch.allclose(attrs.sum(2), torch.ones(1))  # softmax within each attribute
    assert raw["attrs"].shape == (2, 2 * TAXONOMY.num_attributes, ANCHORS)


def test_the_attribute_logits_see_a_peak_that_an_average_would_wash_out(model) -> None:
    """The max path: one bright structure pixel reaches every anchor whose window holds it at full height
    (the average divides it), and a checkpoint from before the max path still builds and runs its head."""
    from copy import deepcopy

    from trainer.attridet.model import AttriDetModel
    from trainer.attridet.spec import PEAK_WINDOW

    head = model.head
    assert head.peak_window == PEAK_WINDOW and len(head.peak) == head.nl
    structure = torch.zeros(1, head.structure.mix.conv.out_channels, IMGSZ // 4, IMGSZ // 4)
    peaked = structure.clone()
    peaked[..., 5, 5] = 50.0
    pooled = [head.pool[0](t) for t in (structure, peaked)]
    maxed = [head.peak[0](t)[..., :16, :16] for t in (structure, peaked)]
    assert (pooled[1] - pooled[0]).abs().max() < (maxed[1] - maxed[0]).abs().max()
    assert (maxed[1] - maxed[0])[0, 0, 2, 2] == 50.0 and (maxed[1] - maxed[0])[0, 0, 8, 8] == 0.0

    old_yaml = deepcopy(model.yaml)
    del old_yaml["attridet"]["peak_window"]
    old = AttriDetModel(old_yaml, nc=TAXONOMY.num_classes, verbose=False)
    assert old.head.peak_window == 0 and len(old.head.peak) == 0
    assert old.head.cv4[0][0].conv.in_channels == head.cv4[0][0].conv.in_channels - structure.shape[1]
    del old.head.__dict__["peak_window"]  # as a head pickled before the max path unpickles
    assert old.eval()(torch.rand(1, 3, IMGSZ, IMGSZ))[0].shape == (1, CHANNELS, ANCHORS)


def test_baseline_is_the_same_detector_with_the_stock_head() -> None:
    from ultralytics.nn.modules.head import Detect

    from trainer.attridet.model import build_model
    from trainer.attridet.spec import ModelSpec

    baseline = build_model(ModelSpec("n", attributes=False), TAXONOMY).eval()
    assert type(baseline.model[-1]) is Detect
    assert baseline(torch.rand(1, 3, IMGSZ, IMGSZ))[0].shape == (1, 4 + TAXONOMY.num_classes, ANCHORS)


def test_attridet_starts_from_the_baselines_detector_weights() -> None:
    """Same seed: every baseline tensor (backbone, neck, box/class branches) is in AttriDet unchanged."""
    from trainer.attridet.model import build_model
    from trainer.attridet.spec import ModelSpec

    torch.manual_seed(3)
    baseline = build_model(ModelSpec("n", attributes=False), TAXONOMY).state_dict()
    torch.manual_seed(3)
    attridet = build_model(ModelSpec("n"), TAXONOMY).state_dict()
    assert set(baseline) < set(attridet)
    differing = [k for k, v in baseline.items() if not torch.equal(v, attridet[k])]
    assert not differing, differing[:5]


def test_unannotated_batch_leaves_the_detectors_loss_and_gradients_unchanged() -> None:
    """BCCD-like batch (every attribute "not annotated"): AttriDet's detection losses and the gradients of
    every parameter it shares with the baseline are bit-identical; the attribute branch gets zeros."""
    from ultralytics.cfg import get_cfg

    from trainer.attridet.model import build_model
    from trainer.attridet.spec import ModelSpec

    batch = _batch(2)
    losses, grads = {}, {}
    for attributes in (False, True):
        torch.manual_seed(3)
        net = build_model(ModelSpec("n", attributes=attributes), TAXONOMY)
        net.args = get_cfg()
        net.train()
        loss, _ = net.loss(dict(batch))
        loss.sum().backward()
        losses[attributes] = loss.detach()
        grads[attributes] = {k: p.grad for k, p in net.named_parameters()}
    assert torch.equal(losses[True][:3], losses[False]) and float(losses[True][3]) == 0.0
    shared = [k for k, g in grads[False].items() if g is not None]
    assert shared and all(torch.equal(grads[False][k], grads[True][k]) for k in shared)
    extra = [g for k, g in grads[True].items() if k not in grads[False]]
    assert extra and all(g is not None and not g.any() for g in extra)


def test_sgd_steps_on_unannotated_batches_keep_the_detector_identical_to_the_baseline() -> None:
    """Several clipped SGD steps (the trainer's clip_gradients) on attribute-free batches leave every
    detector weight bit-identical to the baseline's; one joint clip over both (ultralytics' default)
    does not, because the attribute branch's zero gradients change the total norm's last bits."""
    from ultralytics.cfg import get_cfg

    from trainer.attridet.gradients import clip_gradients
    from trainer.attridet.model import build_model
    from trainer.attridet.spec import ModelSpec

    torch.manual_seed(5)
    batches = [_batch(4, boxes=torch.rand(4, 4) * 0.3 + torch.tensor([0.35, 0.35, 0.1, 0.1])) for _ in range(3)]

    def train(attributes: bool, clip) -> dict[str, torch.Tensor]:
        torch.manual_seed(3)
        net = build_model(ModelSpec("n", attributes=attributes), TAXONOMY)
        net.args = get_cfg()
        net.train()
        opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, nesterov=True, weight_decay=5e-4)
        for batch in batches:
            loss, _ = net.loss(dict(batch))
            loss.sum().backward()
            clip(net)
            opt.step()
            opt.zero_grad()
        return {k: p.detach().clone() for k, p in net.named_parameters()}

    def joint_clip(net) -> None:
        torch.nn.utils.clip_grad_norm_(net.parameters(), max_norm=10.0)

    baseline = train(False, joint_clip)
    separate, joint = train(True, clip_gradients), train(True, joint_clip)
    assert all(torch.equal(baseline[k], separate[k]) for k in baseline)
    assert not all(torch.equal(baseline[k], joint[k]) for k in baseline)  # what the separate clip fixes


def test_onnx_export_runs_in_onnxruntime_with_every_channel(model, tmp_path: Path) -> None:
    ort = pytest.importorskip("onnxruntime")
    head = model.model[-1]
    x = torch.rand(1, 3, IMGSZ, IMGSZ)
    head.export = True
    try:
        expected = model(x).detach().numpy()
        path = tmp_path / "attridet.onnx"
        torch.onnx.export(model, (x,), str(path), input_names=["images"], output_names=["output0"], dynamo=False)
    finally:
        head.export = False
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (out,) = session.run(None, {"images": x.numpy()})
    assert out.shape == (1, CHANNELS, ANCHORS)
    np.testing.assert_allclose(out, expected, rtol=1e-3, atol=1e-3)


def test_model_pickles_for_checkpoints_and_ddp(model) -> None:
    cloudpickle = pytest.importorskip("cloudpickle")
    x = torch.rand(1, 3, IMGSZ, IMGSZ)
    for module in (pickle, cloudpickle):
        clone = pickle.loads(module.dumps(model))
        assert torch.allclose(clone(x)[0], model(x)[0])


def test_asl_ignores_not_annotated_attributes() -> None:
    from trainer.attridet.loss import AttributeTargets, asymmetric_loss

    targets = AttributeTargets((2, 2, 2), torch.device("cpu"))
    codes = torch.tensor([[0, 1, 2], [1, 2, 0]])  # 2 = not annotated
    onehot, valid = targets(codes)
    assert onehot.tolist() == [[1, 0, 0, 1, 0, 0], [0, 1, 0, 0, 1, 0]]
    assert valid.tolist() == [[True] * 4 + [False] * 2, [True, True, False, False, True, True]]
    logits = torch.randn(2, 6, requires_grad=True)
    (asymmetric_loss(logits, onehot) * valid).sum().backward()
    assert logits.grad is not None
    assert (logits.grad[~valid] == 0).all() and (logits.grad[valid] != 0).all()


def test_padded_attributes_follow_the_assigner_target_order() -> None:
    from trainer.attridet.loss import padded_attributes

    batch = {"batch_idx": torch.tensor([0.0, 0.0, 2.0]), "attributes": torch.tensor([[1, 0], [0, 1], [2, 2]])}
    out = padded_attributes(batch, 3, torch.device("cpu"))
    assert out.tolist() == [[[1, 0], [0, 1]], [[-1, -1], [-1, -1]], [[2, 2], [-1, -1]]]


def test_loss_has_an_attribute_term_and_backpropagates(model) -> None:
    from ultralytics.cfg import get_cfg

    model.args = get_cfg()
    model.train()
    batch = _batch(2, attributes=torch.tensor([[0, 1, 2, 0, 1, 0, 1], [1, 1, 1, 2, 2, 2, 2]]))
    try:
        loss, items = model.loss(batch)
        loss.sum().backward()
    finally:
        model.eval()
        model.criterion = None
    assert set(items) == {"box_loss", "cls_loss", "dfl_loss", "attr_loss"}
    assert float(items["attr_loss"]) > 0
    assert model.model[-1].cv4[0][-1].weight.grad is not None


def test_attribute_loss_is_per_annotated_anchor_not_per_channel() -> None:
    """Two positive anchors, one annotated: the loss is that anchor's channel sum (as the class loss is
    normalised by positives), so each attribute logit gets a class logit's order of gradient."""
    from types import SimpleNamespace

    from trainer.attridet.loss import AttributeTargets, AttriDetLoss, asymmetric_loss

    device = torch.device("cpu")
    fake = SimpleNamespace(targets=AttributeTargets((2, 2), device), device=device)
    logits = torch.randn(1, 2, 4)  # (batch, anchors, channels)
    fg_mask = torch.tensor([[True, True]])
    target_gt_idx = torch.tensor([[0, 1]])
    batch = {"batch_idx": torch.tensor([0.0, 0.0]), "attributes": torch.tensor([[0, 1], [2, 2]])}
    loss = AttriDetLoss.attribute_loss(fake, logits, fg_mask, target_gt_idx, batch, 1)  # type: ignore[arg-type]
    expected = asymmetric_loss(logits[0, 0], torch.tensor([1.0, 0.0, 0.0, 1.0])).sum()
    assert torch.allclose(loss, expected)
