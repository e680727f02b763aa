# Sourced by ./dimba and .ci/run: exports JAVA_HOME pointing at a JDK >= 25, or exits with a message.
# `java` on PATH may be older (17 here); Temurin 25 lives under /usr/lib/jvm.
jdk_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = \([0-9]*\).*/\1/p'; }
pick=""
for cand in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25* /usr/lib/jvm/*; do
  [[ -n "$cand" && -x "$cand/bin/javac" ]] || continue
  v=$(jdk_major "$cand"); [[ -n "$v" && "$v" -ge 25 ]] && { pick="$cand"; break; }
done
if [[ -z "$pick" ]]; then
  echo "dimba4j needs JDK 25 (Temurin). None found in JAVA_HOME or /usr/lib/jvm." >&2
  echo "Install it and set JAVA_HOME, e.g.: export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64" >&2
  exit 1
fi
export JAVA_HOME="$pick"
export PATH="$JAVA_HOME/bin:$PATH"
