"""The bundled sample fields (`edge_app/assets/samples/`): what `leuko live` replays by default.

Eight 1280x960 fields of one virtual slide seen through the default profile
(`xsz107bn-zzcat-100x`: L_100x_C2), taken by the virtual microscope along a short stage walk,
each stop centred on the nearest white cell, so a first run shows cells. Saved as a UVC
camera streams MJPEG (quality 70, 4:2:0), ~60 KB each. Deterministic: the same command
writes the same pixels (with the same OpenCV/libjpeg build).

    python -m edge_app.synth.samples [--out edge_app/assets/samples] [--seed 0] [--fields 8]

`samples.json` beside them lists the stage position and the ground-truth labels of each field.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import cv2

from edge_app.formats.yolo_attr import format_label_line
from edge_app.sources.virtual_microscope import VirtualMicroscope

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "assets" / "samples"
PROFILE = "xsz107bn-zzcat-100x"
STEP_MM = 0.35  # between stops of the walk: ~3 field widths, so no two samples overlap
JPEG_FLAGS = [cv2.IMWRITE_JPEG_QUALITY, 70, cv2.IMWRITE_JPEG_SAMPLING_FACTOR, cv2.IMWRITE_JPEG_SAMPLING_FACTOR_420]


def write_samples(out: Path = SAMPLES_DIR, seed: int = 0, fields: int = 8) -> list[Path]:
    """Render `fields` sample fields into `out` (replacing older ones) and their manifest."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("field_*.jpg"):
        old.unlink()
    scope = VirtualMicroscope(PROFILE, seed=seed, fps=None)
    x0, y0 = scope.stage.x_mm, scope.stage.y_mm
    manifest: list[dict[str, object]] = []
    written = []
    with scope:
        for n in range(fields):
            _centre_on_cell(scope, x0 + STEP_MM * (n % 4), y0 + STEP_MM * (n // 4))
            frame = scope.read()
            assert frame is not None  # unpaced: a frame on every read
            path = out / f"field_{n + 1:02d}.jpg"
            _, buf = cv2.imencode(".jpg", frame.image, JPEG_FLAGS)
            path.write_bytes(buf.tobytes())
            written.append(path)
            manifest.append({"file": path.name, "stage": frame.stage.to_dict() if frame.stage else None,
                             "labels": [format_label_line(r) for r in scope.labels()]})
    info = {"profile": PROFILE, "domain": scope.optics.domain.name, "seed": seed,
            "um_per_px": scope.optics.um_per_px, "command": "python -m edge_app.synth.samples", "fields": manifest}
    (out / "samples.json").write_text(json.dumps(info, indent=1) + "\n")
    return written


def _centre_on_cell(scope: VirtualMicroscope, x_mm: float, y_mm: float) -> None:
    wbc = scope.slide.nearest_wbc(x_mm * 1000, y_mm * 1000, search_um=300.0)
    scope.move_to(*((wbc.x_um / 1000, wbc.y_um / 1000) if wbc is not None else (x_mm, y_mm)))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m edge_app.synth.samples", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SAMPLES_DIR)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fields", type=int, default=8)
    args = parser.parse_args(argv)
    paths = write_samples(args.out, args.seed, args.fields)
    total = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} fields to {args.out} ({total // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
