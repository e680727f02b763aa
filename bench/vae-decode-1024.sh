#!/usr/bin/env bash
# Manual benchmark (not part of CI): decode a 1024x1024 image (a [1, 4, 128, 128] latent) with the real SDXL VAE
# shapes and synthetic random weights, in 512-px tiles, and print time and peak RSS (VmHWM).
# The weights (335 MB f32, or 167 MB with --dtype f16) are written once to /work/tmp-vae, outside the repository.
#
#   bench/vae-decode-1024.sh                      # tiled (512-px tiles, 25% overlap), f32 weights, -Xmx3g
#   bench/vae-decode-1024.sh --tile 0             # untiled, for comparison (needs a larger heap: JAVA_OPTS=-Xmx10g)
#   JAVA_OPTS="-Xmx2g" bench/vae-decode-1024.sh --dtype f16 --png /tmp/vae.png
#
# Measured 2026-11-23 on the shared 2-core dev VM (load average 5-12 from other jobs, so wall times are inflated;
# "user" is CPU-seconds over both threads), f32 weights, 512-px tiles (3x3 tiles of 64/64/32 latent cells):
#   JAVA_OPTS=-Xmx1200m bench/vae-decode-1024.sh  -> decode_s=588.4 (user 324 s, 53% of the CPU) peak_rss_mib=1476
#   bench/vae-decode-1024.sh (-Xmx3g)              -> decode_s=958.7 (user 339 s, 35% of the CPU) peak_rss_mib=3265
# Peak RSS follows the heap limit (the JVM grows the heap to it); 1.2 GB of heap suffices for 512-px tiles.
#
# Extra arguments go to org.dimba4j.bench.vae.DecodeBenchmarkMain (--dir, --dtype, --latent, --tile, --device, --png).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/tools/find-jdk.sh"
(cd "$here" && mvn -q -B -DskipTests package -pl bench -am >&2)
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  ${JAVA_OPTS:--Xmx3g} \
  -cp "$here/bench/target/benchmarks.jar" \
  org.dimba4j.bench.vae.DecodeBenchmarkMain "$@" 2> >(grep -v 'WARNING: Using incubator modules' >&2)
