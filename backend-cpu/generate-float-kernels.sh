#!/bin/sh
# Regenerates the FLOAT32 kernels from their FLOAT64 sources (the single source of truth).
# Run from anywhere after editing a Double*.java file below; GeneratedSourcesTest checks the result.
set -eu
dir="$(cd "$(dirname "$0")" && pwd)/src/main/java/dev/fovea/backend/cpu"
for name in Kernels Gemm Conv MicroKernel VectorKernel ScalarKernel; do
    sed 's/double/float/g; s/Double/Float/g' "$dir/Double$name.java" > "$dir/Float$name.java"
done
