"""`make demo` until the live app exists: the most complete path that runs today.

1. render synthetic smear fields for two domains (high- and low-cost microscope, 100x),
2. validate them with `leuko-train check`,
3. convert the real BCCD smears and validate them (BCCD's bad boxes are reported),
4. write the synthetic-vs-real comparison picture.

Everything lands in `runs/demo-data/`; each step prints what it did (`make demo-data`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from trainer import cli

OUT = Path("runs/demo-data")
BCCD = Path(__file__).resolve().parents[2] / "shared" / "data" / "bccd"


def _step(title: str, argv: list[str]) -> None:
    print(f"\n=== {title}\n$ leuko-train {' '.join(argv)}", flush=True)
    code = cli.main(argv)
    if code != 0:
        raise SystemExit(f"demo step failed ({title}), exit code {code}")


def main() -> int:
    synth = OUT / "synth"
    _step("Synthetic fields, two domains", ["synth", "--out", str(synth), "--domains", "H_100x_C2,L_100x_C2",
                                             "--fields", "40", "--seed", "1"])
    for domain in ("H_100x_C2", "L_100x_C2"):
        _step(f"Validate {domain}", ["check", str(synth / domain)])
    if BCCD.is_dir():
        _step("Convert the real BCCD smears (Pascal VOC)", ["convert", "voc", str(BCCD), str(OUT / "bccd")])
        _step("Validate converted BCCD", ["check", str(OUT / "bccd")])
        _step("Synthetic beside real fields", ["synth-compare", "--bccd", str(BCCD), "--out",
                                               str(OUT / "synth_vs_bccd.png")])
    else:
        print(f"\n(BCCD not found at {BCCD}: skipping the real-data steps)")
    print(f"\nDone. Datasets and the comparison picture are in {OUT.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
