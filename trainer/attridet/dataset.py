"""`AttrYOLODataset`: ultralytics' YOLODataset reading LeukemiaAttri label lines.

The stock loader takes any line of more than 6 tokens for a polygon (a 12-column line is then
"corrupt", an 11-column one silently becomes a box), so label files are parsed here with Leuko's
`parse_label_line`. Attribute codes ride through every augmentation as extra columns of the
per-instance `cls` array: mosaic, mixup, cutmix and copy-paste concatenate it, random
perspective and crops index it with the boxes they keep, flips leave it alone. Right before
collation they are split off into `batch["attributes"]` (N, A) and `cls` is (N, 1) again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from ultralytics.data.augment import Albumentations
from ultralytics.data.dataset import YOLODataset
from ultralytics.data.utils import check_image, get_hash
from ultralytics.utils import colorstr

from edge_app.errors import DataFormatError
from edge_app.formats.yolo_attr import LabelRow, parse_label_line
from edge_app.taxonomy import Taxonomy

SCAN_VERSION = "leuko-attr-1"


class AttrYOLODataset(YOLODataset):
    """YOLO detection dataset whose label lines may carry attribute columns (see module doc)."""

    def __init__(self, *args: Any, data: dict[str, Any], use_attributes: bool = True, **kwargs: Any) -> None:
        self.taxonomy = Taxonomy.from_dataset_yaml(data)
        self.use_attributes = use_attributes and bool(self.taxonomy.attributes)
        super().__init__(*args, data=data, task="detect", **kwargs)

    # --- scanning -------------------------------------------------------------------------
    def verify_args(self) -> tuple[Any, Any]:
        items = ((im, lb, self.prefix, self.taxonomy) for im, lb in zip(self.im_files, self.label_files, strict=True))
        return verify_attr_image_label, items

    def result_to_label(self, result: list[Any]) -> tuple[dict[str, Any] | None, int, int, int, int, str]:
        label, nm, nf, ne, nc, msg = super().result_to_label(result[:10])
        if label is not None:
            label["attributes"] = result[10]
        return label, nm, nf, ne, nc, msg

    def get_cache_hash(self) -> str:
        # distinct from the stock scan of the same folder, which shares the labels.cache path
        scan = (SCAN_VERSION, self.taxonomy.to_dict(), self.single_cls)
        return get_hash([*self.label_files, *self.im_files, str(scan)])

    def update_labels(self, include_class: list[int] | None) -> None:
        """The stock class filter, keeping each label's attribute rows aligned with its boxes."""
        if include_class is not None:
            keep = np.array(include_class).reshape(1, -1)
            for label in self.labels:
                label["attributes"] = label["attributes"][(label["cls"] == keep).any(1)]
        super().update_labels(include_class)

    # --- attributes through augmentation --------------------------------------------------
    def get_image_and_label(self, index: int) -> dict[str, Any]:
        label = super().get_image_and_label(index)
        attrs = label.pop("attributes", None)
        if self.use_attributes and attrs is not None:
            label["cls"] = np.concatenate((label["cls"], attrs.astype(np.float32)), 1)
        return label

    def build_transforms(self, hyp: Any = None) -> Any:
        transforms = super().build_transforms(hyp)
        for t in transforms.transforms:
            if isinstance(t, Albumentations) and getattr(t, "contains_spatial", False):
                raise DataFormatError(
                    "spatial albumentations augmentations would drop attribute columns",
                    hint="use ultralytics' own geometric augmentations (degrees, shear, perspective, fliplr...)",
                )
        return transforms

    def __getitem__(self, index: int) -> dict[str, Any]:
        return split_attributes(self.transforms(self.get_image_and_label(index)), self.taxonomy.num_attributes)

    @staticmethod
    def collate_fn(batch: list[dict[str, Any]]) -> dict[str, Any]:
        attrs = [b.pop("attributes") for b in batch]
        out = YOLODataset.collate_fn(batch)
        out["attributes"] = torch.cat(attrs, 0)
        return out


def split_attributes(sample: dict[str, Any], num_attributes: int) -> dict[str, Any]:
    """Move the attribute columns of `cls` (N, 1+A) to `attributes` (N, A) long."""
    cls = sample["cls"]
    if cls.shape[-1] > 1:
        sample["attributes"], sample["cls"] = cls[:, 1:].long(), cls[:, :1].contiguous()
    else:  # no attribute columns: all "not annotated" (-1 never matches a value)
        sample["attributes"] = torch.full((len(cls), num_attributes), -1, dtype=torch.long)
    return sample


def verify_attr_image_label(args: tuple[str, str, str, Taxonomy]) -> list[Any]:
    """ultralytics' verify_image_label result, plus the (N, A) attribute codes as an 11th item."""
    im_file, lb_file, prefix, taxonomy = args
    try:
        msg, shape = check_image(im_file)
        rows, nm, nf, ne = _read_rows(lb_file, taxonomy)
    except (DataFormatError, OSError, ValueError, AssertionError) as exc:
        return [None] * 5 + [0, 0, 0, 1, f"{prefix}{im_file}: ignoring corrupt image/label: {exc}", None]
    lb = np.array([[r.class_id, r.cx, r.cy, r.w, r.h] for r in rows], np.float32).reshape(-1, 5)
    codes = np.array([r.codes for r in rows], np.int64).reshape(len(rows), taxonomy.num_attributes)
    return [im_file, lb, shape, [], None, nm, nf, ne, 0, f"{prefix}{msg}" if msg else "", codes]


def _read_rows(lb_file: str, taxonomy: Taxonomy) -> tuple[list[LabelRow], int, int, int]:
    path = Path(lb_file)
    if not path.is_file():
        return [], 1, 0, 0
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    rows = [parse_label_line(t, taxonomy, f"{lb_file}:{n}") for n, t in enumerate(lines, 1) if t.strip()]
    return rows, 0, 1, int(not rows)


def build_attr_dataset(
    cfg: Any,
    img_path: str,
    batch: int,
    data: dict[str, Any],
    mode: str,
    stride: int,
    use_attributes: bool,
    rect: bool = False,
) -> AttrYOLODataset:
    """Same arguments as ultralytics' build_yolo_dataset for the detect task."""
    return AttrYOLODataset(
        img_path=img_path,
        imgsz=cfg.imgsz,
        batch_size=batch,
        augment=mode == "train",
        hyp=cfg,
        rect=cfg.rect or rect,
        cache=cfg.cache or None,
        single_cls=cfg.single_cls or False,
        stride=stride,
        pad=0.0 if mode == "train" else 0.5,
        prefix=colorstr(f"{mode}: "),
        classes=cfg.classes,
        data=data,
        fraction=cfg.fraction if mode == "train" else 1.0,
        use_attributes=use_attributes,
    )
