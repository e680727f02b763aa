#!/usr/bin/env bash
# Manual benchmark (not CI): TrainStepBench's forward and forward + backward at the working tree against an earlier
# commit, side by side in one run: ROUNDS interleaved JMH runs of each build (who goes first alternates), each
# waiting for a quiet machine (1-min load average below 0.8), then the medians and the (forward + backward) /
# forward ratio of each. With an even number of rounds the lower of the two middle values is printed.
#   bench/train-step-vs.sh REV [ROUNDS]        (default 3 rounds; BENCH_THREADS=N sets -Ddimba.threads)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rev="${1:?usage: bench/train-step-vs.sh REV [ROUNDS]}"; rounds="${2:-3}"
source "$here/tools/find-jdk.sh"
work="$(mktemp -d)"; trap 'git -C "$here" worktree remove --force "$work/old" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$here" worktree add -q "$work/old" "$rev"
(cd "$work/old" && mvn -q -B -DskipTests -DskipSpark package -pl bench -am >&2)
(cd "$here" && mvn -q -B -DskipTests -DskipSpark package -pl bench -am >&2)
cp "$work/old/bench/target/benchmarks.jar" "$work/old.jar"; cp "$here/bench/target/benchmarks.jar" "$work/new.jar"
extra=()
[[ -n "${BENCH_THREADS:-}" ]] && extra=(-jvmArgsAppend "-Ddimba.threads=$BENCH_THREADS")
quiet() { while awk '{exit !($1 > 0.8)}' /proc/loadavg; do sleep 15; done; }
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $rev ($(git -C "$here" rev-parse --short "$rev")) against the working tree ($(git -C "$here" rev-parse --short HEAD)$(git -C "$here" diff --quiet || echo ', modified'))"
for ((r = 1; r <= rounds; r++)); do
  order=(old new); (( r % 2 == 0 )) && order=(new old)
  for who in "${order[@]}"; do
    quiet
    echo "round $r $who: load $(cut -d' ' -f1-3 /proc/loadavg)"
    "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -jar "$work/$who.jar" 'TrainStepBench.forward' \
        -rf json -rff "$work/$who-$r.json" -wi 3 -i 10 "${extra[@]}" >&2
  done
done
for who in old new; do
  jq -s -r --arg who "$who" '[.[][] | {b: (.benchmark | sub(".*\\."; "")), s: .primaryMetric.score}]
    | group_by(.b) | map({(.[0].b): (map(.s) | sort | .[(length - 1) / 2 | floor])}) | add
    | "\($who): forward \(.forward * 10 | round / 10) ms, forward+backward \(.forwardBackward * 10 | round / 10) ms, ratio \(.forwardBackward / .forward * 100 | round / 100)x (medians of the rounds)"' "$work/$who"-*.json
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
