#!/usr/bin/env bash
# Scan -> report -> compare on the real BCCD test smears with a BCCD-trained bundle:
# FP32 is the reference (slide bccd-test-fp32), INT8 the device (slide bccd-test-int8), both scored
# against BCCD's own boxes, and the INT8 slide gated at a 1-point mAP50-95 drop.
#
#   benchmarks/show_bccd_scan_report_compare.sh [WEIGHTS] [OUT] [BCCD_DIR]
#
# WEIGHTS: AttriDet weights trained on the converted BCCD (default: the BCCD benchmark's run,
#          benchmarks/bench_bccd_attridet_vs_yolo.py --out runs/bench_bccd8 --epochs 8 --imgsz 320 --batch 8)
# BCCD_DIR: the converted BCCD (default: bccd/ beside the run folder, where the benchmark converts it)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH" YOLO_OFFLINE=1
WEIGHTS=${1:-runs/bench_bccd8/runs/attridet-n/weights/best.pt}
OUT=${2:-runs/show-bccd}
DATA=${3:-$(dirname "$(dirname "$(dirname "$(dirname "$WEIGHTS")")")")/bccd}
WS=$OUT/workspace
test -f "$WEIGHTS" || { echo "weights $WEIGHTS not found: run the BCCD benchmark first" >&2; exit 2; }
test -f "$DATA/data.yaml" || { echo "converted BCCD not found at $DATA" >&2; exit 2; }

set -x
if [ ! -f "$OUT/bundle/card.json" ]; then  # an existing bundle is kept: delete it to re-export
    leuko-export build "$OUT/bundle" --weights "$WEIGHTS" --calib "$DATA/images/train" \
        --precision fp32,int8 --backend onnx,openvino --imgsz 320 --name attridet-n-bccd \
        --intended-use "Research only: trained on BCCD (364 public smear images). Not for clinical use."
fi
for precision in fp32 int8; do
    leuko scan "$DATA/images/test" --slide "bccd-test-$precision" --model "$OUT/bundle" \
        --backend onnxruntime --precision "$precision" --workspace "$WS"
done
leuko report bccd-test-int8 --format html,json --out "$OUT/report" --workspace "$WS"
leuko compare slide:bccd-test-fp32 slide:bccd-test-int8 --truth "$DATA/data.yaml" --split test \
    --max-map-drop 0.01 --gate-metric mAP50-95 --out "$OUT/compare" --workspace "$WS"
