#!/usr/bin/env bash
# Alternates Fovea's LeNet training step (`fovea bench --only lenet`) and Deeplearning4j's (this
# project, oneDNN helpers on) on the same machine, and prints each round's samples/s and ratio.
#   benchmarks/dl4j-reference/compare-lenet.sh [--threads N] [--rounds R] [--helpers onednn|none]
# Needs examples/target/fovea.jar (mvn -B -q package -DskipTests at the repository root).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
THREADS=2
ROUNDS=3
HELPERS=onednn
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) THREADS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --helpers) HELPERS="$2"; shift 2 ;;
    *) echo "unknown argument $1 (use --threads N, --rounds R, --helpers onednn|none)" >&2; exit 2 ;;
  esac
done
jar="$root/examples/target/fovea.jar"
[[ -f "$jar" ]] || { echo "missing $jar: run mvn -B -q package -DskipTests in $root first" >&2; exit 2; }
rate() { grep -o '"trainSamplesPerSecond":[0-9.]*' | tail -1 | cut -d: -f2 | awk '{ printf "%.0f", $1 }'; }
for ((i = 1; i <= ROUNDS; i++)); do
  fovea=$(java -jar "$jar" bench --threads "$THREADS" --only lenet --json 2>/dev/null | rate)
  dl4j=$("$here/run.sh" --threads "$THREADS" --helpers "$HELPERS" 2>/dev/null | rate)
  ratio=$(awk -v f="$fovea" -v d="$dl4j" 'BEGIN { printf "%.2f", f / d }')
  echo "round $i $(date -u +%H:%M:%S) threads $THREADS: Fovea $fovea samples/s, Deeplearning4j ($HELPERS) $dl4j samples/s, ratio $ratio"
done
