#!/usr/bin/env bash
# Memory of one Dimba-L-width training step with and without gradient checkpointing, each variant in a fresh JVM.
# Usage: bench/grad-checkpointing-memory.sh [DEPTH=4] [SIDE=64] [HEAP=12g]   (SIDE 64 = a 512-px latent, 1024 tokens)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/tools/find-jdk.sh"
depth="${1:-4}" side="${2:-64}" heap="${3:-12g}"
(cd "$here" && mvn -q -B -DskipTests package -pl bench -am >&2)
date -u '+# %Y-%m-%d %H:%M UTC'; echo "# $(lscpu | sed -n 's/^Model name: *//p'), load: $(cut -d' ' -f1-3 /proc/loadavg), -Xmx$heap"
for variant in off on; do
  "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -Xmx"$heap" -cp "$here/bench/target/benchmarks.jar" \
    org.dimba4j.bench.train.GradCheckpointingMemory "$variant" "$depth" "$side" 2> >(grep -v 'incubator' >&2) \
    || echo "checkpointing=$variant depth=$depth side=$side: failed with exit $? at -Xmx$heap (OutOfMemoryError: see stderr)"
done
