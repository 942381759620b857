#!/usr/bin/env bash
# Creates careflow's topics from topics.txt (generated from the topic catalogue; see deploy/README.md): one line per
# topic, "name partitions config=value,...". Topics that exist are left as they are. Runs in the apache/kafka image.
set -euo pipefail
: "${BOOTSTRAP_SERVERS:?set BOOTSTRAP_SERVERS}"
REPLICATION_FACTOR="${REPLICATION_FACTOR:-3}"
TOPICS_FILE="${TOPICS_FILE:-/careflow/topics.txt}"
KAFKA_TOPICS="${KAFKA_TOPICS:-/opt/kafka/bin/kafka-topics.sh}"

while read -r name partitions configs; do
  case "$name" in ''|'#'*) continue ;; esac
  args=(--bootstrap-server "$BOOTSTRAP_SERVERS" --create --if-not-exists --topic "$name"
        --partitions "$partitions" --replication-factor "$REPLICATION_FACTOR")
  if [ -n "${configs:-}" ]; then
    IFS=',' read -r -a pairs <<< "$configs"
    for pair in "${pairs[@]}"; do args+=(--config "$pair"); done
  fi
  "$KAFKA_TOPICS" "${args[@]}"
done < "$TOPICS_FILE"

echo "careflow topics are in place"
touch /tmp/topics-created
