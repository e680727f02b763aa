#!/usr/bin/env bash
# Manual end-to-end benchmark (not CI): `dimba generate` of one 512x512 image on the CPU backend with synthetic
# weights at the real shapes: Dimba-L-512 (random f32, RandomDimbaWeights), the bf16 T5-XXL encoder
# (T5XxlScaleBench, ~9.5 GB, memory-mapped: it fits a 24 GiB machine) and the SDXL VAE (f32). Prints the CLI's
# phase times (encode, sample, decode) and s/step; guidance 4.5, so each step runs the batch of 2 (CFG).
# The model folder goes to $DIR (default /work/tmp-l512, outside the repository, ~12.5 GB) and is kept for reruns.
#   bench/l512-step.sh [STEPS]        (default 3; DIMBA_JAVA_OPTS passes JVM options, e.g. -Ddimba.threads=N)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${DIR:-/work/tmp-l512}"; steps="${1:-3}"
source "$here/tools/find-jdk.sh"
cd "$here"
"$here/dimba" --version >/dev/null                      # builds infer/target/lib
mvn -q -B -o -pl model,bench -am install -DskipTests >&2 # bench jar; model test classes hold T5XxlScaleBench
mvn -q -B -o -pl model test-compile >&2
jvm=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)
if [[ ! -f "$dir/text_encoder/model.safetensors" ]]; then
  java "${jvm[@]}" -Xmx2g -cp "model/target/test-classes:infer/target/lib/*" \
    org.dimba4j.model.t5.T5XxlScaleBench generate "$dir/text_encoder" 2>&1 | { grep -v 'WARNING: Using incubator' || true; }
fi
java "${jvm[@]}" -Xmx6g -cp bench/target/benchmarks.jar org.dimba4j.bench.pipeline.SyntheticDimbaModel \
  "$dir" dimba-l-512 "$here/models/tiny-reference" 2>&1 | { grep -v 'WARNING: Using incubator' || true; }
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$here/dimba" generate --model "$dir" --prompt "a photograph of an astronaut riding a horse on the moon" \
  --width 512 --height 512 --steps "$steps" --seed 1 --device cpu -o "${OUT_PNG:-/tmp/l512-step.png}" 2>&1 \
  | grep -E 'backend|512x512|load|encode|sample|decode|s/step|step +[0-9]+/|error|Exception'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
