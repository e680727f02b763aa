#!/usr/bin/env bash
# OpenCL kernel throughput (matmul, linear, attention, selective scan) on the best OpenCL device.
# Usage: tools/bench-opencl.sh [small|full]   (full: Dimba-L shapes; needs a GPU to finish quickly)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source tools/find-jdk.sh
mvn -q -B -pl kernels compile
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -q -B -pl kernels dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime >/dev/null
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx8g \
  -cp "kernels/target/classes:$(cat "$cp_file")" org.dimba4j.kernels.opencl.OpenClBench "${1:-small}"
