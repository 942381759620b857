#!/usr/bin/env bash
# careflow chaos: runs the chaos suite against a cluster it starts itself (three Kafka nodes, the registry, every app
# in a JVM of its own) and prints the table of what each fault cost.
#   chaos/chaos.sh [--quick] [--scenario NAME] [--out FILE] [--rate R]
# ./careflow chaos calls this; JAVA_HOME must point at a JDK 21 or newer (./careflow finds one).
# CAREFLOW_CHAOS_SKIP_BUILD=1 runs what is already built.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

if [ "${CAREFLOW_CHAOS_SKIP_BUILD:-0}" != "1" ]; then
  echo "careflow chaos: building ..." >&2
  "$ROOT/mvnw" -B -ntp -q -DskipTests -pl chaos -am package
fi

registry_home=$(ls -d "$ROOT"/embedded-platform/target/apicurio-registry-* 2>/dev/null | head -n 1 || true)
[ -n "$registry_home" ] || { echo "careflow chaos: the Apicurio Registry distribution is missing; run ./careflow build" >&2; exit 1; }

jvm_flags=(-Xms256m -Xmx1g --enable-native-access=ALL-UNNAMED)
if "$JAVA" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then
  jvm_flags+=(--sun-misc-unsafe-memory-access=allow)
fi

exec "$JAVA" "${jvm_flags[@]}" \
  -Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager \
  -Dlog4j2.configurationFile=log4j2-chaos.xml \
  -Dcareflow.registry.home="$registry_home" \
  -Dcareflow.chaos.output="$ROOT/chaos/target/chaos" \
  -Dcareflow.connect.plugin.path="$ROOT/connectors/target/plugins" \
  -Dcareflow.connectors.home="$ROOT/connectors" \
  -cp "$ROOT/chaos/target/classes:$ROOT/chaos/target/lib/*" \
  org.careflow.chaos.ChaosMain "$@"
