#!/usr/bin/env bash
# Builds and runs the DL4J 1.0.0-M2.1 LeNet training reference.
#   ./run.sh [--threads N] [--helpers none|onednn] [extra Dl4jLenet args...]
# --helpers none   : default libnd4j build (nd4j-native:linux-x86_64), DL4J layer helpers left at their default (off)
# --helpers onednn : libnd4j built with oneDNN (nd4j-native:linux-x86_64-onednn, Maven profile -Ponednn),
#                    DL4J layer helpers switched on (-Dorg.eclipse.deeplearning4j.helpers.disable=false) and the
#                    class-name shim enabled (src/main/java/org/nd4j/nativeblas/Nd4jCpu.java); without the shim
#                    (--no-shim) stock M2.1 silently falls back to its built-in layers even on the onednn build.
set -euo pipefail
cd "$(dirname "$0")"

THREADS=1
HELPERS=none
SHIM=true
EXTRA=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) THREADS="$2"; shift 2 ;;
    --helpers) HELPERS="$2"; shift 2 ;;
    --no-shim) SHIM=false; shift ;;
    *) EXTRA+=("$1"); shift ;;
  esac
done

case "$HELPERS" in
  none)   PROFILE=(); HELPER_PROPS=() ;;
  onednn) PROFILE=(-Ponednn)
          HELPER_PROPS=(-Dorg.eclipse.deeplearning4j.helpers.disable=false -Dfovea.dl4jref.onednnShim="$SHIM") ;;
  *) echo "--helpers must be none or onednn" >&2; exit 2 ;;
esac

# Compiles and writes target/classpath-$HELPERS.txt (the profile selects the native classifier).
mvn -B -q "${PROFILE[@]}" compile >&2
CP="target/classes:$(cat "target/classpath-$HELPERS.txt")"

export OMP_NUM_THREADS="$THREADS"
export OPENBLAS_NUM_THREADS="$THREADS"
export MKL_NUM_THREADS="$THREADS"

echo "[run.sh] uptime before run: $(uptime)" >&2
exec java -Xmx2g \
  -Dorg.bytedeco.javacpp.cachedir="$PWD/target/javacpp-cache" \
  "${HELPER_PROPS[@]}" \
  -cp "$CP" dev.fovea.dl4jref.Dl4jLenet --threads "$THREADS" --helpers "$HELPERS" "${EXTRA[@]}"
