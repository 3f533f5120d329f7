"""Shared helpers for the scan / report / compare / export-results tests (no tests here)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import cv2
import numpy as np
import yaml

from edge_app.scan.progress import ScanProgress
from edge_app.scan.scanner import SlideScanner
from edge_app.scan.setup import ScanSetup, prepare_scan
from edge_app.store.store import ResultsStore
from edge_app.taxonomy import Taxonomy
from tests.bundle_factory import write_bundle


def make_bundle(tmp_path: Path) -> Path:
    folder = tmp_path / "bundle"
    write_bundle(folder)
    return folder


def write_fields(folder: Path, n: int, size: tuple[int, int] = (96, 128), seed: int = 0) -> list[Path]:
    """`n` distinct noise fields as JPEG files (noise: a real focus measure, unique hashes)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    paths = []
    for i in range(n):
        path = folder / f"field{i}.jpg"
        cv2.imwrite(str(path), rng.integers(0, 255, (*size, 3), dtype=np.uint8))
        paths.append(path)
    return paths


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def setup_for(bundle: Path, backend: str = "onnxruntime") -> ScanSetup:
    return prepare_scan(None, bundle, backend)


def scan(store: ResultsStore, bundle: Path, target: Path, slide: str = "S-1", workers: int = 1,
         sample_code: str = "", backend: str = "onnxruntime") -> ScanProgress:
    scanner = SlideScanner(store, setup_for(bundle, backend), slide, workers=workers, sample_code=sample_code)
    return list(scanner.run(target))[-1]


def write_dataset(root: Path, images: list[Path], labels: list[list[str]]) -> Path:
    """A LeukemiaAttri-style dataset whose test split holds copies of `images` with `labels` lines."""
    (root / "images" / "test").mkdir(parents=True, exist_ok=True)
    (root / "labels" / "test").mkdir(parents=True, exist_ok=True)
    for image, lines in zip(images, labels, strict=True):
        (root / "images" / "test" / image.name).write_bytes(image.read_bytes())
        (root / "labels" / "test" / image.with_suffix(".txt").name).write_text("\n".join(lines) + "\n")
    data = {"path": ".", "test": "images/test", **Taxonomy.leukemia_attri().to_dataset_yaml()}
    (root / "data.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return root
