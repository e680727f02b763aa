#!/usr/bin/env bash
# Manual benchmark (not CI): a 512-px VAE decode (untiled, latent [1, 4, 64, 64]) in dimba4j's CPU backend and in
# diffusers on PyTorch CPU, same synthetic SDXL f32 weights and the same latent, interleaved rounds (the order
# alternates), medians. Both use every core. The weights (335 MB) and the latent go to $DIR (default
# /work/tmp-vae/sdxl-synthetic-f32, outside the repository, shared with vae-decode-1024.sh).
#   bench/vae-vs-diffusers.sh [ROUNDS] [LATENT]      (defaults 5 and 64; DIMBA_PYTHON picks the python, default /work/venv)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/tools/find-jdk.sh"
python="${DIMBA_PYTHON:-/work/venv/bin/python}"
"$python" -c 'import diffusers, torch, safetensors' 2>/dev/null \
  || { echo "vae-vs-diffusers: $python lacks diffusers/torch/safetensors; set DIMBA_PYTHON" >&2; exit 1; }
jar="$here/bench/target/benchmarks.jar"
if [[ ! -f "$jar" || -n "$(find "$here"/{kernels,model,io,bench}/src -newer "$jar" -name '*.java' 2>/dev/null | head -1)" ]]; then
  (cd "$here" && mvn -q -B -ntp -pl bench -am package -DskipTests) >&2
fi
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
exec "$python" "$here/bench/vae_vs_diffusers.py" "$JAVA_HOME/bin/java" "$jar" "$python" \
  "${DIR:-/work/tmp-vae/sdxl-synthetic-f32}" "${2:-64}" "${1:-5}" 2> >(grep -v 'WARNING: Using incubator modules' >&2)
