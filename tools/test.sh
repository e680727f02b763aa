#!/usr/bin/env bash
# Runs the whole test suite with a JDK 25 (found by tools/find-jdk.sh). Extra arguments go to Maven.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/tools/find-jdk.sh"
cd "$here"
exec mvn -B -ntp verify "$@"
