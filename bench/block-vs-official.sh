#!/usr/bin/env bash
# One Dimba block (a DimbaBlock and the Mamba layer after it) at Dimba-L/512 shapes, batch 2 (one CFG step): dimba4j's
# CPU backend (DimbaBlockWorker: a depth-2 Dimba-L/512 with synthetic f32 weights, memory-mapped as a checkpoint is)
# side by side with the official code on PyTorch CPU (tools/fixtures/dimba/block_speed.py), interleaved rounds, medians.
# Usage: bench/block-vs-official.sh [ROUNDS]   (BENCH_THREADS=N threads on both sides, default all cores;
#        DIMBA_PYTHON=/path/to/python with torch, default /work/venv; DIR for the synthetic weights, default /work/tmp-block-speed)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/tools/find-jdk.sh"
python="${DIMBA_PYTHON:-/work/venv/bin/python}"
"$python" -c 'import torch' 2>/dev/null || { echo "block-vs-official: $python has no torch; set DIMBA_PYTHON" >&2; exit 1; }
jar="$here/bench/target/benchmarks.jar"
if [[ ! -f "$jar" || -n "$(find "$here/kernels/src" "$here/model/src/main" "$here/bench/src" -newer "$jar" -name '*.java' 2>/dev/null | head -1)" ]]; then
  (cd "$here" && mvn -q -B -ntp -pl bench -am install -DskipTests) >&2
fi
dir="${DIR:-/work/tmp-block-speed}"; mkdir -p "$dir"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
exec "$python" "$here/bench/block_vs_official.py" "$JAVA_HOME/bin/java" "$jar" "$python" "$dir" "${BENCH_THREADS:-$(nproc)}" "${1:-5}"
