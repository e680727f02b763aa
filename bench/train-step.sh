#!/usr/bin/env bash
# Manual benchmark (not CI): one training step of a ~20 M-parameter Dimba at 256 tokens on the CPU backend
# (TrainStepBench: hidden 384, depth 4, a Mamba layer after every block, batch 2, 120 caption tokens of width 4096),
# split into the inference forward, forward + backward on the tape, and the whole step with AdamW, in one JMH run.
# Prints the ratios the training issue asks for: (forward + backward) / forward, and the optimizer's share of a step.
#   bench/train-step.sh [JMH options...]      (e.g. -f 1 -wi 3 -i 5; BENCH_THREADS=N sets -Ddimba.threads)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/tools/find-jdk.sh"
(cd "$here" && mvn -q -B -DskipTests package -pl bench -am >&2)
json="$(mktemp)"; trap 'rm -f "$json"' EXIT
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
extra=()
[[ -n "${BENCH_THREADS:-}" ]] && extra=(-jvmArgsAppend "-Ddimba.threads=$BENCH_THREADS")
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -jar "$here/bench/target/benchmarks.jar" TrainStepBench \
    -rf json -rff "$json" "${extra[@]}" "$@" >&2
jq -r '[.[] | {(.benchmark | sub(".*\\."; "")): .primaryMetric.score}] | add
  | "forward \(.forward | floor) ms, forward+backward \(.forwardBackward | floor) ms, step \(.step | floor) ms"
  + " | (forward+backward)/forward \(.forwardBackward / .forward * 100 | round / 100)x,"
  + " optimizer \((.step - .forwardBackward) / .step * 100 | round)% of the step"
  + " | \(1000 / .step * 100 | round / 100) steps/s, \(2000 / .step * 100 | round / 100) images/s (batch 2)"' "$json"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
