#!/usr/bin/env bash
# Our f32 matmul against NumPy/OpenBLAS, side by side in one run (interleaved rounds, medians), on
# M=N=K=1024, M=1024,K=1152,N=4608 and the Dimba-L linear shapes (2048x1152 x 1152x3456/4608, 300x4096 x 4096x1152). NumPy runs twice: OpenBLAS's default core detection and
# OPENBLAS_CORETYPE=SkylakeX (AVX-512 kernels; older OpenBLAS builds detect Zen as Haswell and run AVX2).
# Usage: bench/matmul-vs-numpy.sh [ROUNDS]   (DIMBA_PYTHON=/path/to/python picks the venv, default /work/venv;
#        BENCH_THREADS=N runs both sides on N threads, default all cores; BENCH_PAUSE=S seconds between requests (default 0.5); DIMBA_JAVA_OPTS adds JVM flags, e.g. -Ddimba.gemm.kc=192)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/tools/find-jdk.sh"
python="${DIMBA_PYTHON:-/work/venv/bin/python}"
"$python" -c 'import numpy' 2>/dev/null || { echo "matmul-vs-numpy: $python has no numpy; set DIMBA_PYTHON to a python with numpy" >&2; exit 1; }
jar="$here/bench/target/benchmarks.jar"
if [[ ! -f "$jar" || -n "$(find "$here/kernels/src" "$here/bench/src" -newer "$jar" -name '*.java' 2>/dev/null | head -1)" ]]; then
  (cd "$here" && mvn -q -B -ntp -pl bench -am package -DskipTests) >&2
fi
exec "$python" "$here/bench/matmul_vs_numpy.py" "$JAVA_HOME/bin/java" "$jar" "$python" "${1:-9}"
