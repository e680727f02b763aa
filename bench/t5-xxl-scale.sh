#!/usr/bin/env bash
# Manual scale benchmark for the T5 encoder (not CI): a synthetic bf16 checkpoint with Flan-T5-XXL's encoder
# shapes (~9.5 GB) is written to $DIR (default /work/tmp-xxl, outside the repo), one 120-token prompt is
# encoded twice with the weights memory-mapped, and peak RSS is reported (/usr/bin/time -v and VmHWM).
# The checkpoint is deleted afterwards unless KEEP=1.  Usage: bench/t5-xxl-scale.sh [DIR] [TOKENS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:-/work/tmp-xxl}"; tokens="${2:-120}"
source "$here/tools/find-jdk.sh"
cd "$here"
"$here/dimba" --version >/dev/null            # builds infer/target/lib (all runtime jars)
mvn -q -B -o -pl model -am test-compile >&2   # the bench class lives in model's test sources
cp="model/target/test-classes:infer/target/lib/*"
jvm=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx2g)
[[ -f "$dir/model.safetensors" ]] || java "${jvm[@]}" -cp "$cp" org.dimba4j.model.t5.T5XxlScaleBench generate "$dir"
/usr/bin/time -v java "${jvm[@]}" -cp "$cp" org.dimba4j.model.t5.T5XxlScaleBench encode "$dir" "$tokens" 2>&1 \
  | grep -v 'WARNING: Using incubator' | grep -E 'load:|encode #|Maximum resident|Elapsed|User time|System time|Percent of CPU|Exit status|error|Exception'
[[ "${KEEP:-0}" == 1 ]] || rm -rf "$dir"
