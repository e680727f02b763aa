#!/usr/bin/env bash
# Manual benchmark (not CI): images/s of `dimba generate-batch` (one JVM) against DimbaSparkGenerate in Spark local
# mode (local[N], one pipeline per executor JVM: here the driver's), on the same prompts, seeds and model, run one
# after the other ROUNDS times. Wall time per side includes JVM start and model load, as a user sees it; the
# images of both sides must be the same bytes, which the script checks.
#   bench/spark-vs-batch.sh [IMAGES] [ROUNDS] [MODEL]     (default 32 2 models/shapes-64)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
images="${1:-32}"; rounds="${2:-2}"; model="$(cd "${3:-$here/models/shapes-64}" && pwd)"
cores="$(nproc)"
source "$here/tools/find-jdk.sh"
cp_file="$(mktemp)"; work="$(mktemp -d)"
trap 'rm -rf "$work" "$cp_file"' EXIT
# package and classpath in one reactor run, so spark's sibling modules resolve to their fresh jars (nothing is
# installed in ~/.m2); every module writes the file in turn and spark, the last, leaves its own
(cd "$here" && mvn -q -B -DskipTests package dependency:build-classpath -pl spark -am -Dmdep.outputFile="$cp_file" >&2)
flags="$(sed -n 's:.*<spark.jvm.flags>\(.*\)</spark.jvm.flags>.*:\1:p' "$here/spark/pom.xml")"
# held-out prompts of the shapes world, cycled to IMAGES lines
prompts=("two small red circles to the left of a blue square" "a large yellow triangle above a green circle"
  "three purple squares" "an orange circle below a blue triangle" "four green triangles" "a red square")
for ((k = 0; k < images; k++)); do printf '{"prompt": "%s"}\n' "${prompts[k % ${#prompts[@]}]}"; done > "$work/p.jsonl"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), $cores cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
secs() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>>"$work/log"; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
batch=(); spark=()
for ((r = 0; r < rounds; r++)); do
  rm -rf "$work/a" "$work/b"
  batch+=("$(secs "$here/dimba" generate-batch --prompts "$work/p.jsonl" -o "$work/a" --model "$model" --seed 0 --device cpu)")
  spark+=("$(secs "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector $flags -Dspark.master="local[$cores]" \
      -cp "$here/spark/target/classes:$(cat "$cp_file")" org.dimba4j.spark.DimbaSparkGenerate \
      "$work/p.jsonl" "$work/b" "$model" 20 0 "$cores")")
  for f in "$work"/a/*.png; do cmp -s "$f" "$work/b/$(basename "$f")" || { echo "images differ: $(basename "$f")" >&2; exit 1; }; done
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
mb=$(median "${batch[@]}"); ms=$(median "${spark[@]}")
awk -v n="$images" -v b="$mb" -v s="$ms" -v c="$cores" 'BEGIN {
  printf "%d images, median of the rounds: generate-batch %.1f s (%.2f images/s), Spark local[%d] %.1f s (%.2f images/s); same bytes\n",
    n, b, n / b, c, s, n / s }'
echo "rounds: generate-batch ${batch[*]} s; spark ${spark[*]} s; load after: $(cut -d' ' -f1-3 /proc/loadavg)"
