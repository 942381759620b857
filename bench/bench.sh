#!/usr/bin/env bash
# careflow bench: runs the benchmark module against an embedded stack it starts itself.
#   bench/bench.sh [--quick] [--scenario NAME] [--duration S] [--rate R] ...   (--help lists every option)
# ./careflow bench calls this; JAVA_HOME must point at a JDK 21 or newer (./careflow finds one).
# CAREFLOW_BENCH_SKIP_BUILD=1 runs what is already built; CAREFLOW_BENCH_JVM_OPTS adds JVM options (GC logs, a profiler).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

if [ "${CAREFLOW_BENCH_SKIP_BUILD:-0}" != "1" ]; then
  echo "careflow bench: building ..." >&2
  "$ROOT/mvnw" -B -ntp -q -DskipTests -pl bench -am package
fi

registry_home=$(ls -d "$ROOT"/embedded-platform/target/apicurio-registry-* 2>/dev/null | head -n 1 || true)
[ -n "$registry_home" ] || { echo "careflow bench: the Apicurio Registry distribution is missing; run ./careflow build" >&2; exit 1; }

jvm_flags=(-Xms1g -Xmx2g --enable-native-access=ALL-UNNAMED)
# JDK 23+ warns at every start that Netty (the registry client's) uses sun.misc.Unsafe; older JDKs lack the flag.
if "$JAVA" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then
  jvm_flags+=(--sun-misc-unsafe-memory-access=allow)
fi

# shellcheck disable=SC2206 # word splitting of the extra options is intended
jvm_flags+=(${CAREFLOW_BENCH_JVM_OPTS:-})

exec "$JAVA" "${jvm_flags[@]}" \
  -Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager \
  -Dlog4j2.configurationFile=log4j2-bench.xml \
  -Dcareflow.registry.home="$registry_home" \
  -Dcareflow.bench.output="$ROOT/bench/target/bench" \
  -cp "$ROOT/bench/target/classes:$ROOT/bench/target/lib/*" \
  org.careflow.bench.BenchMain "$@"
