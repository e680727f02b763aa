#!/usr/bin/env bash
# Manual benchmark (not CI): one training step of a ~20 M-parameter Dimba at 256 tokens on the CPU backend
# (TrainStepBench: hidden 384, depth 4, a Mamba layer after every block, batch 2, 120 caption tokens of width 4096),
# split into the inference forward, forward + backward on the tape, and the whole step with AdamW, in one JMH run.
# Prints the ratios the training issue asks for: (forward + backward) / forward, and the optimizer's share of a step
# (from AdamW's and CAME's updates timed alone over the same gradients).
#   bench/train-step.sh [JMH options...]      (default -wi 3 -i 10; BENCH_THREADS=N sets -Ddimba.threads)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/tools/find-jdk.sh"
(cd "$here" && mvn -q -B -DskipTests package -pl bench -am >&2)
json="$(mktemp)"; trap 'rm -f "$json"' EXIT
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
extra=()
[[ -n "${BENCH_THREADS:-}" ]] && extra=(-jvmArgsAppend "-Ddimba.threads=$BENCH_THREADS")
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -jar "$here/bench/target/benchmarks.jar" TrainStepBench \
    -rf json -rff "$json" -wi 3 -i 10 "${extra[@]}" "$@" >&2
jq -r '[.[] | {(.benchmark | sub(".*\\."; "")): .primaryMetric.score}] | add
  | (.forwardBackward + .adamwUpdate) as $adam | (.forwardBackward + .cameUpdate) as $came
  | "forward \(.forward | floor) ms, forward+backward \(.forwardBackward | floor) ms, whole step with AdamW \(.step | floor) ms;"
  + " updates alone: AdamW \(.adamwUpdate | floor) ms, CAME \(.cameUpdate | floor) ms"
  + "\n(forward+backward)/forward \(.forwardBackward / .forward * 100 | round / 100)x;"
  + " optimizer share of (forward+backward+update): AdamW \(.adamwUpdate / $adam * 1000 | round / 10)%, CAME \(.cameUpdate / $came * 1000 | round / 10)%"
  + "\n\(1000 / $adam * 100 | round / 100) steps/s, \(2000 / $adam * 100 | round / 100) images/s with AdamW (batch 2);"
  + " \(1000 / $came * 100 | round / 100) steps/s with CAME"' "$json"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
