"""Build AttriDet (YOLO11 + `AttriDetect`) or the stock-head baseline, in Python.

ultralytics' YAML parser resolves modules from its own namespace and passes level channels only
to the heads it knows, so the attribute head is swapped in after the stock model is parsed.
The model's `yaml` keeps an `attridet` entry (attribute value counts, not-annotated code, early
layers) so that a checkpoint's `yaml` rebuilds the same architecture on resume and in DDP workers.
"""

from __future__ import annotations

from collections.abc import Mapping
from copy import deepcopy
from typing import Any

import torch
from ultralytics.nn.tasks import DetectionModel, yaml_model_load
from ultralytics.utils.torch_utils import initialize_weights

from edge_app.taxonomy import Taxonomy
from trainer.attridet.head import AttriDetect
from trainer.attridet.spec import EARLY_LAYERS, EARLY_STRIDE, PEAK_WINDOW, ModelSpec

ATTRIDET_KEY = "attridet"
_PROBE_SIZE = 64


class AttriDetModel(DetectionModel):
    """A DetectionModel whose last layer is `AttriDetect`; built from a yaml with an `attridet` entry."""

    def __init__(self, cfg: Mapping[str, Any], ch: int = 3, nc: int | None = None, verbose: bool = True) -> None:
        super().__init__(dict(cfg), ch=ch, nc=nc, verbose=False)
        extra = self.yaml[ATTRIDET_KEY]
        # A checkpoint from before the max path has no `peak_window`: it rebuilds without one.
        self._attach_attribute_head(extra["attr_values"], tuple(extra["early_layers"]), ch,
                                    int(extra.get("peak_window", 0)))
        self.not_annotated = int(extra["not_annotated"])
        if verbose:
            self.info()

    @property
    def head(self) -> AttriDetect:
        head = self.model[-1]
        assert isinstance(head, AttriDetect)
        return head

    def _attach_attribute_head(self, attr_values: list[int], early: tuple[int, ...], ch: int, peak_window: int) -> None:
        old = self.model[-1]
        channels = _probe_channels(self, [*old.f, *early], ch)
        strides = [int(s) for s in old.stride.tolist()]
        factors = [s // EARLY_STRIDE for s in strides]
        head = AttriDetect(old.nc, attr_values, factors, old.reg_max, channels, peak_window)
        head.i, head.f, head.type = old.i, [*old.f, *early], "trainer.attridet.head.AttriDetect"
        head.np = sum(p.numel() for p in head.parameters())
        head.stride = old.stride.clone()
        head.inplace = getattr(old, "inplace", True)
        self.model[-1] = head
        self.save = sorted({*self.save, *early})
        head.bias_init()
        initialize_weights(head)
        # The box/class branches take the stock head's weights (drawn with the rest of the detector), so
        # AttriDet and the --no-attributes baseline start from the same detector under the same seed:
        # the attribute branch is the only difference an ablation measures.
        incompatible = head.load_state_dict(old.state_dict(), strict=False)
        assert not incompatible.unexpected_keys, incompatible.unexpected_keys

    def init_criterion(self) -> Any:
        from trainer.attridet.loss import AttriDetLoss

        return AttriDetLoss(self)


@torch.no_grad()
def _probe_channels(model: DetectionModel, layers: list[int], ch: int) -> list[int]:
    """Output channels of the given layers, read from one tiny forward pass."""
    found: dict[int, int] = {}
    hooks = [
        model.model[i].register_forward_hook(lambda _m, _inp, out, i=i: found.__setitem__(i, out.shape[1]))
        for i in layers
    ]
    try:
        was_training = model.training
        model.eval()
        model.model[-1].training = True  # raw maps only; no anchor decoding needed
        model.predict(torch.zeros(1, ch, _PROBE_SIZE, _PROBE_SIZE))
        model.train(was_training)
    finally:
        for h in hooks:
            h.remove()
    return [found[i] for i in layers]


def model_yaml(spec: ModelSpec, taxonomy: Taxonomy) -> dict[str, Any]:
    """The detector YAML of `spec` plus the `attridet` entry when the head is wanted."""
    cfg = deepcopy(yaml_model_load(spec.base_yaml))
    cfg["nc"] = taxonomy.num_classes
    if spec.attributes:
        if not taxonomy.attributes:
            from edge_app.errors import ValidationError

            raise ValidationError(
                "the dataset YAML lists no attributes, so AttriDet has nothing to learn",
                hint="add `attributes:` to data.yaml, or train the plain detector with --no-attributes",
            )
        cfg[ATTRIDET_KEY] = {
            "attr_values": [len(a.values) for a in taxonomy.attributes],
            "attr_names": [a.name for a in taxonomy.attributes],
            "not_annotated": taxonomy.not_annotated,
            "early_layers": list(EARLY_LAYERS),
            "peak_window": PEAK_WINDOW,
        }
    return cfg


def build_from_yaml(cfg: Mapping[str, Any], nc: int, ch: int = 3, verbose: bool = False) -> DetectionModel:
    """AttriDetModel when the yaml has an `attridet` entry, else ultralytics' own DetectionModel."""
    if ATTRIDET_KEY in cfg:
        return AttriDetModel(cfg, ch=ch, nc=nc, verbose=verbose)
    return DetectionModel(dict(cfg), ch=ch, nc=nc, verbose=verbose)


def build_model(spec: ModelSpec, taxonomy: Taxonomy, verbose: bool = False) -> DetectionModel:
    model = build_from_yaml(model_yaml(spec, taxonomy), taxonomy.num_classes, verbose=verbose)
    model.names = dict(enumerate(taxonomy.classes))
    return model


def has_attribute_head(model: torch.nn.Module) -> bool:
    inner = getattr(model, "module", model)  # DDP wraps the model
    return isinstance(getattr(inner, "model", [None])[-1], AttriDetect)
