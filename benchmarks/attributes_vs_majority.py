"""Per-attribute accuracy of one or more `leuko-train val` reports beside the majority-value rate.

    python benchmarks/attributes_vs_majority.py runs/val/A/metrics.json [runs/val/B/metrics.json ...]

The trainer issue's target: on synthetic H_100x_C2 every attribute's accuracy clearly above the
rate of always answering its most common value. Prints one column per report and the margin of
the last one.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(paths: list[str]) -> int:
    reports = [json.loads(Path(p).read_text(encoding="utf-8"))["attributes"]["per_attribute"] for p in paths]
    names = list(reports[0])
    print(f"{'attribute':<24}{'majority':>9}" + "".join(f"{'acc ' + str(i + 1):>9}" for i in range(len(paths)))
          + f"{'margin':>9}{'cells':>7}")
    for name in names:
        rows = [r[name] for r in reports]
        majority = rows[-1]["majority_rate"]
        print(f"{name:<24}{majority:9.3f}" + "".join(f"{r['accuracy']:9.3f}" for r in rows)
              + f"{rows[-1]['accuracy'] - majority:+9.3f}{rows[-1]['scored']:7d}")
    for i, p in enumerate(paths):
        print(f"acc {i + 1}: {p}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    raise SystemExit(main(sys.argv[1:]))
