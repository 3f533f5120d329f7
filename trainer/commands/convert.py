"""`leuko-train convert voc|coco|ultralytics`: datasets into Leuko's format, or out of it.

    leuko-train convert voc SRC OUT                          Pascal VOC (e.g. ../shared/data/bccd)
    leuko-train convert coco ANNOTATIONS.json IMAGES OUT --split train
    leuko-train convert ultralytics SRC OUT                  plain YOLO detection, attributes dropped

Each prints the problems it met (fixed ones as warnings), what it wrote, then checks the output
with the dataset validator. Exit status 1 if the conversion or that check found errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from edge_app.domains import Domain
from edge_app.formats.validate import check_dataset
from trainer.commands.check import print_problems

VOC_HELP = "Pascal VOC folder (Annotations/, JPEGImages/, ImageSets/Main/) -> Leuko dataset"
COCO_HELP = "COCO-JSON with per-annotation attributes (LeukemiaAttri release) -> one split of a Leuko dataset"
ULTRA_HELP = "Leuko dataset -> plain ultralytics YOLO detection dataset (attribute columns dropped)"


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("convert", help="convert VOC / COCO-JSON into Leuko's format, or Leuko's to ultralytics")
    formats = p.add_subparsers(title="formats", metavar="FORMAT")
    _register_voc(formats.add_parser("voc", help=VOC_HELP, description=VOC_HELP))
    _register_coco(formats.add_parser("coco", help=COCO_HELP, description=COCO_HELP))
    _register_ultralytics(formats.add_parser("ultralytics", help=ULTRA_HELP, description=ULTRA_HELP))
    p.set_defaults(run=lambda _args: _usage(p))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _output_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("out", metavar="OUT", type=Path, help="output dataset folder")
    p.add_argument("--copy", action="store_true", help="copy images (default: hard-link when on the same disk)")
    p.add_argument("--force", action="store_true", help="replace a dataset already in OUT (its images/labels/yaml)")


def _register_voc(p: argparse.ArgumentParser) -> None:
    p.add_argument("src", metavar="SRC", type=Path, help="the VOC folder")
    _output_arguments(p)
    p.add_argument("--classes", default="WBC,RBC,Platelets", help="class names in id order (default: BCCD's)")
    p.add_argument("--name", default="BCCD", help="taxonomy name written to data.yaml")
    p.add_argument("--no-attributes", action="store_true", help="no attribute columns (plain detection labels)")
    p.set_defaults(run=run_voc)


def _register_coco(p: argparse.ArgumentParser) -> None:
    p.add_argument("annotations", metavar="ANNOTATIONS", type=Path, help="the COCO JSON file of one split")
    p.add_argument("images", metavar="IMAGES", type=Path, help="folder the JSON's file_name entries are relative to")
    _output_arguments(p)
    p.add_argument("--split", default="train", choices=("train", "val", "test"), help="split to write (default: train)")
    p.add_argument("--taxonomy", type=Path, metavar="DATA_YAML", help="take classes/attributes from this dataset YAML")
    p.add_argument("--domain", help="imaging domain, e.g. H_100x_C2 (written to data.yaml)")
    p.set_defaults(run=run_coco)


def _register_ultralytics(p: argparse.ArgumentParser) -> None:
    p.add_argument("src", metavar="SRC", type=Path, help="the Leuko dataset (data.yaml or its folder)")
    _output_arguments(p)
    p.set_defaults(run=run_ultralytics)


def run_voc(args: argparse.Namespace) -> int:
    from trainer.convert.voc import VocOptions, convert_voc

    classes = tuple(c.strip() for c in args.classes.split(",") if c.strip())
    options = VocOptions(classes, not args.no_attributes, args.name, args.copy, args.force, _progress())
    report = convert_voc(args.src, args.out, options)
    return _finish(report, classes, args.out)


def run_coco(args: argparse.Namespace) -> int:
    from edge_app.formats.dataset import load_dataset
    from edge_app.taxonomy import Taxonomy
    from trainer.convert.coco import CocoOptions, convert_coco

    taxonomy = load_dataset(args.taxonomy).taxonomy if args.taxonomy else Taxonomy.leukemia_attri()
    domain = Domain.parse(args.domain).name if args.domain else None
    options = CocoOptions(args.split, taxonomy, domain, args.copy, args.force, _progress())
    report = convert_coco(args.annotations, args.images, args.out, options)
    return _finish(report, taxonomy.classes, args.out, require=(args.split,))


def run_ultralytics(args: argparse.Namespace) -> int:
    from edge_app.formats.dataset import load_dataset
    from trainer.convert.to_ultralytics import UltralyticsOptions, convert_to_ultralytics

    classes = load_dataset(args.src).taxonomy.classes
    report = convert_to_ultralytics(args.src, args.out, UltralyticsOptions(args.copy, args.force, _progress()))
    return _finish(report, classes, args.out)


def _progress() -> bool:
    return sys.stderr.isatty()


def _finish(report: Any, classes: tuple[str, ...], out: Path, require: tuple[str, ...] = ("train", "val")) -> int:
    """Print the conversion's problems and summary, then check the output dataset."""
    print_problems(report.problems)
    for line in report.summary_lines(classes):
        print(line)
    check = check_dataset(out, require=require, progress=_progress())
    print_problems(check.problems)
    print(f"check {out}: {len(check.errors)} error(s), {len(check.warnings)} warning(s)")
    return 0 if check.ok and not report.errors else 1
