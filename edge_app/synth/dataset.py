"""Synthetic multi-domain datasets: N fields, each photographed in every requested domain.

Layout per domain (the domain's name is the folder name)::

    OUT/H_100x_C2/data.yaml
    OUT/H_100x_C2/images/{train,val,test}/field_000123.jpg
    OUT/H_100x_C2/labels/{train,val,test}/field_000123.txt

Field i lies on virtual slide i // fields_per_slide, centred near a WBC (as a technician
centres one at 100x); every domain photographs the same slide point, so field_000123 shows the
same cells in all twelve folders, 10x and 40x with more slide around them. Everything random
derives from (seed, field index[, domain]), so the output is the same for any worker count and
any subset of domains. Splits: 80/10/10 by field index (i % 10 == 1 -> val, == 2 -> test, so
three fields already fill every split; a split no field falls in is left out of data.yaml).
Images are JPEG in every domain: a phone (C1) writes JPEG at its default quality; the
microscope camera (C2) is saved at quality 95 with full-resolution chroma, as capture software
does and as the real BCCD fields are stored — five times smaller and faster than PNG, and its
loss is below the sensor noise.
"""

from __future__ import annotations

import math
import multiprocessing
import shutil
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np

from edge_app.domains import ALL_DOMAINS, Domain
from edge_app.errors import ValidationError
from edge_app.formats.dataset_yaml import write_dataset_yaml
from edge_app.formats.yolo_attr import format_label_line
from edge_app.synth.field import image_for, scene_for
from edge_app.synth.geometry import FieldWindow, um_per_px
from edge_app.synth.slide import VirtualSlide
from edge_app.taxonomy import Taxonomy

SPLITS: dict[str, str] = {"train": "images/train", "val": "images/val", "test": "images/test"}
FIELD_SPACING_UM = 1500.0  # > a 10x field, so fields never share cells
CENTRE_JITTER = 0.3  # how far (share of the 100x half-field) the WBC may sit off-centre
GENERATOR_VERSION = 1
MAX_WBC_ENRICHMENT = 8.0  # beyond this WBCs crowd out the red cells a field is read against
_STREAM_SLIDE, _STREAM_CENTRE, _STREAM_DOMAIN = 1, 2, 3


@dataclass(frozen=True)
class SynthConfig:
    """What to synthesise. `unannotated_rate`: share of attribute values left as code 2;
    `wbc_enrichment`: factor on each slide's WBC density (1 = as in blood)."""

    fields: int
    seed: int = 0
    imgsz: int = 640
    domains: tuple[Domain, ...] = ALL_DOMAINS
    unannotated_rate: float = 0.03
    fields_per_slide: int = 10
    wbc_enrichment: float = 1.0
    extra: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.fields < 1:
            raise ValidationError(f"--fields must be at least 1, got {self.fields}")
        if self.seed < 0:
            raise ValidationError(f"--seed must be a non-negative integer, got {self.seed}")
        if not 32 <= self.imgsz <= 4096:
            raise ValidationError(f"--imgsz must be between 32 and 4096 pixels, got {self.imgsz}")
        if not 0.0 <= self.unannotated_rate <= 1.0:
            raise ValidationError(f"the not-annotated rate must lie in [0, 1], got {self.unannotated_rate}")
        if not 1.0 <= self.wbc_enrichment <= MAX_WBC_ENRICHMENT:
            raise ValidationError(
                f"--wbc-enrichment must lie in [1, {MAX_WBC_ENRICHMENT:g}], got {self.wbc_enrichment}",
                hint="1 draws WBCs as dense as in blood; 3 gives about three times as many per field",
            )
        if not self.domains:
            raise ValidationError("no domain to render", hint="pass --domains all or e.g. H_100x_C2,L_100x_C2")


@dataclass(frozen=True)
class FieldResult:
    index: int
    labels: dict[str, int]  # labelled objects per domain
    cpu_s: float  # CPU time the field took in its process (rendering, encoding, writing)


def split_of(index: int) -> str:
    return {1: "val", 2: "test"}.get(index % 10, "train")


def splits_used(fields: int) -> dict[str, str]:
    """The data.yaml split entries that will hold at least one of `fields` fields."""
    used = {split_of(i) for i in range(min(fields, 10))}
    return {name: folder for name, folder in SPLITS.items() if name in used}


def field_name(index: int) -> str:
    return f"field_{index:06d}"


def slide_for(config: SynthConfig, index: int) -> VirtualSlide:
    slide_index = index // config.fields_per_slide
    state = np.random.SeedSequence([config.seed, _STREAM_SLIDE, slide_index]).generate_state(1)
    return VirtualSlide(int(state[0]), config.unannotated_rate, wbc_enrichment=config.wbc_enrichment)


def field_centre(config: SynthConfig, slide: VirtualSlide, index: int, imgsz: int) -> tuple[float, float]:
    """Near a WBC of the field's patch of slide, jittered so it is not always dead centre."""
    local = index % config.fields_per_slide
    x0, y0 = local * FIELD_SPACING_UM, 0.0
    rng = np.random.default_rng([config.seed, _STREAM_CENTRE, index])
    jitter = rng.uniform(-1, 1, 2) * CENTRE_JITTER * imgsz * um_per_px(100) / 2
    wbc = slide.nearest_wbc(x0, y0)
    if wbc is not None:
        x0, y0 = wbc.x_um, wbc.y_um
    return x0 + float(jitter[0]), y0 + float(jitter[1])


def render_field_set(config: SynthConfig, index: int) -> dict[str, tuple[bytes, str]]:
    """Field `index` in every configured domain: {domain name: (image file bytes, label text)}."""
    slide = slide_for(config, index)
    centre = field_centre(config, slide, index, config.imgsz)
    out: dict[str, tuple[bytes, str]] = {}
    for mag in sorted({d.magnification for d in config.domains}):
        scene = scene_for(slide, FieldWindow.at_magnification(centre, mag, config.imgsz))
        text = "".join(format_label_line(row) + "\n" for row in scene.label_rows())
        for domain in (d for d in config.domains if d.magnification == mag):
            code = ALL_DOMAINS.index(domain)
            rng = np.random.default_rng([config.seed, _STREAM_DOMAIN, index, code])
            out[domain.name] = (image_for(scene, domain, rng).encode(), text)
    return out


def _write_field(out: Path, config: SynthConfig, index: int) -> FieldResult:
    start = time.process_time()
    split, name = split_of(index), field_name(index)
    counts: dict[str, int] = {}
    for domain, (image, text) in render_field_set(config, index).items():
        (out / domain / "images" / split / f"{name}.jpg").write_bytes(image)
        (out / domain / "labels" / split / f"{name}.txt").write_text(text, encoding="utf-8")
        counts[domain] = text.count("\n")
    return FieldResult(index, counts, time.process_time() - start)


def prepare_output(out: Path, config: SynthConfig, overwrite: bool = False) -> None:
    """Create each domain's folders and data.yaml; refuse to mix with an earlier dataset."""
    for domain in config.domains:
        root = out / domain.name
        if root.exists() and any(root.iterdir()):
            if not overwrite:
                raise ValidationError(
                    "output folder already holds a dataset", where=str(root), hint="pass --overwrite or another --out"
                )
            shutil.rmtree(root)
        for kind in ("images", "labels"):
            for split in SPLITS:
                (root / kind / split).mkdir(parents=True, exist_ok=True)
        extra = {"synthetic": {"generator": "edge_app.synth", "version": GENERATOR_VERSION, "seed": config.seed,
                               "fields": config.fields, "imgsz": config.imgsz, "wbc_enrichment": config.wbc_enrichment,
                               **config.extra}}  # fmt: skip
        write_dataset_yaml(root, Taxonomy.leukemia_attri(), splits_used(config.fields), domain=domain.name, extra=extra)


def _init_worker() -> None:
    import cv2

    cv2.setNumThreads(1)  # one process per core already; OpenCV's own threads would oversubscribe


def write_fields(
    out: Path, config: SynthConfig, workers: int = 1, indices: Sequence[int] | None = None
) -> Iterator[FieldResult]:
    """Render and write fields (all by default), yielding each as it completes (any order)."""
    todo = list(range(config.fields) if indices is None else indices)
    task = partial(_write_field, out, config)
    if workers <= 1 or len(todo) <= 1:
        yield from map(task, todo)
        return
    chunk = max(1, min(8, math.ceil(len(todo) / (workers * 8))))
    with multiprocessing.get_context("spawn").Pool(workers, initializer=_init_worker) as pool:
        yield from pool.imap_unordered(task, todo, chunksize=chunk)


def synthesize(out: Path, config: SynthConfig, workers: int = 1, overwrite: bool = False) -> Iterator[FieldResult]:
    """Check arguments and prepare `out` now; the returned iterator writes the fields (drive it,
    e.g. under a progress bar)."""
    if workers < 1:
        raise ValidationError(f"--workers must be at least 1, got {workers}")
    prepare_output(out, config, overwrite)
    return write_fields(out, config, workers)
