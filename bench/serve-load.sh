#!/usr/bin/env bash
# Manual benchmark (not CI): `dimba serve` with the bundled model (models/shapes-64) on loopback, CLIENTS concurrent curl clients
# sending REQUESTS OpenAI image requests in all (64x64, the CLI's defaults: dpm-solver 20 steps, guidance 4.5,
# distinct seeds), after 5 warm-up requests. Prints requests/s and p50/p95 latency (queueing included: one worker
# runs the jobs one at a time, so latency grows with CLIENTS while requests/s stays the worker's rate).
#   bench/serve-load.sh [CLIENTS] [REQUESTS]     (default 8 64; PORT defaults to 7871)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
clients="${1:-8}"; requests="${2:-64}"; port="${PORT:-7871}"
"$here/dimba" --version >/dev/null # builds the jars
"$here/dimba" serve --port "$port" --queue "$((clients + 1))" 2>/tmp/serve-load.log &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/capabilities" >/dev/null && break; sleep 0.2; done
one() { # seed -> seconds
  curl -sf -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/v1/images/generations" \
    -H 'Content-Type: application/json' -d "{\"prompt\": \"two small red circles to the left of a blue square\", \"size\": \"64x64\", \"seed\": $1}"
}
export -f one; export port
for s in 1 2 3 4 5; do one "$s" >/dev/null; done
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
t0=$(date +%s.%N)
times=$(seq 1000 $((1000 + requests - 1)) | xargs -P "$clients" -I{} bash -c 'one {}' | sort -n)
t1=$(date +%s.%N)
n=$(echo "$times" | wc -l)
p50=$(echo "$times" | sed -n "$(( (n + 1) / 2 ))p"); p95=$(echo "$times" | sed -n "$(( (n * 95 + 99) / 100 ))p")
awk -v n="$n" -v c="$clients" -v t0="$t0" -v t1="$t1" -v p50="$p50" -v p95="$p95" 'BEGIN {
  printf "%d requests, %d clients: %.2f requests/s, latency p50 %.2f s, p95 %.2f s (%.1f s wall)\n", n, c, n / (t1 - t0), p50, p95, t1 - t0 }'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
