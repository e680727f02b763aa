#!/usr/bin/env bash
# Dimba's hybrid (attention:Mamba 1:1) against the same DimbaBlocks with the Mamba layers removed (PixArt-style pure
# attention), equal width and depth, on the CPU backend: images/s and peak memory per forward at 256, 1024, 4096 and
# 16384 image tokens (256 to 2048 px), each configuration in a fresh JVM, the variants interleaved, medians reported.
# Writes bench/results/hybrid-vs-attention-<date>.csv, hybrid-vs-attention.md (table) and hybrid-vs-attention.png.
# Usage: bench/hybrid-vs-attention.sh [--tokens 256,1024,4096,16384] [--l-tokens 256,1024|none] [--rounds 2] [--large-rounds 1]
#                                     [--reps auto|N] [--warmup 2] [--heap 6g] [--out bench/results]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/tools/find-jdk.sh"
jar="$here/bench/target/benchmarks.jar"
if [[ ! -f "$jar" || -n "$(find "$here/kernels/src" "$here/model/src" "$here/bench/src" -newer "$jar" -name '*.java' 2>/dev/null | head -1)" ]]; then
  (cd "$here" && mvn -q -B -ntp -pl bench -am package -DskipTests) >&2
fi
cd "$here"
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx512m \
  -cp "$jar" org.dimba4j.bench.hybrid.HybridVsAttention "$@"
