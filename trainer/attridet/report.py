"""A readable text table of a Leuko evaluation report (see `metrics.evaluate`)."""

from __future__ import annotations

from typing import Any


def _f(value: Any) -> str:
    return "-" if value is None else f"{value:.3f}"


def format_report(report: dict[str, Any]) -> str:
    lines = [_headline("all", report), *_class_lines(report), *_attribute_lines(report)]
    if len(report.get("domains", {})) > 1:
        lines += ["", "per domain:"] + [_headline(d, r) for d, r in report["domains"].items()]
    return "\n".join(lines)


def _headline(name: str, r: dict[str, Any]) -> str:
    attrs = ""
    if r["attributes"]:
        attrs = f"  attr acc {_f(r['attr_accuracy_mean'])}  attr F1 {_f(r['attr_macro_f1_mean'])}"
    return (
        f"{name:<24} images {r['images']:>5}  cells {r['instances']:>6}  "
        f"mAP50 {_f(r['mAP50'])}  mAP50-95 {_f(r['mAP50-95'])}{attrs}"
    )


def _class_lines(r: dict[str, Any]) -> list[str]:
    lines = ["", f"{'class':<24}{'cells':>7}{'dets':>7}{'AP50':>8}{'AP50-95':>9}"]
    for name, c in r["per_class"].items():
        lines.append(f"{name:<24}{c['ground_truth']:>7}{c['detections']:>7}{_f(c['AP50']):>8}{_f(c['AP50-95']):>9}")
    return lines


def _attribute_lines(r: dict[str, Any]) -> list[str]:
    attrs = r["attributes"]
    if not attrs:
        return []
    lines = [
        "",
        f"attributes: {attrs['matched_cells']} of {attrs['total_cells']} cells matched to a detection",
        f"{'attribute':<24}{'scored':>7}{'acc':>8}{'macroF1':>9}{'kappa':>8}{'majority':>10}",
    ]
    for name, a in attrs["per_attribute"].items():
        lines.append(
            f"{name:<24}{a['scored']:>7}{_f(a['accuracy']):>8}{_f(a['macro_f1']):>9}"
            f"{_f(a['kappa']):>8}{_f(a['majority_rate']):>10}"
        )
    return lines
