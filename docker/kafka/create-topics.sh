#!/usr/bin/env bash
# Creates careflow's topics from topics.txt (generated from the topic catalogue; see deploy/README.md): one line per
# topic, "name partitions config=value,...". Topics that exist are left as they are. Runs in the apache/kafka image.
set -euo pipefail
: "${BOOTSTRAP_SERVERS:?set BOOTSTRAP_SERVERS}"
REPLICATION_FACTOR="${REPLICATION_FACTOR:-3}"
TOPICS_FILE="${TOPICS_FILE:-/careflow/topics.txt}"
KAFKA_TOPICS="${KAFKA_TOPICS:-/opt/kafka/bin/kafka-topics.sh}"
# On a cluster that asks for a login (compose: SASL_SSL with SCRAM), log in as kafka-admin, trusting the cluster's CA.
client=()
if [ -n "${SCRAM_ADMIN_PASSWORD:-}" ]; then
  : "${TLS_STORE_PASSWORD:?set TLS_STORE_PASSWORD (deploy/env/kafka.env)}"
  config=$(mktemp)
  cat > "$config" <<PROPS
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="kafka-admin" password="${SCRAM_ADMIN_PASSWORD}";
ssl.truststore.location=${TRUSTSTORE:-/tls/truststore.p12}
ssl.truststore.type=PKCS12
ssl.truststore.password=${TLS_STORE_PASSWORD}
PROPS
  client=(--command-config "$config")
fi

while read -r name partitions configs; do
  case "$name" in ''|'#'*) continue ;; esac
  args=(--bootstrap-server "$BOOTSTRAP_SERVERS" "${client[@]}" --create --if-not-exists --topic "$name"
        --partitions "$partitions" --replication-factor "$REPLICATION_FACTOR")
  if [ -n "${configs:-}" ]; then
    IFS=',' read -r -a pairs <<< "$configs"
    for pair in "${pairs[@]}"; do args+=(--config "$pair"); done
  fi
  "$KAFKA_TOPICS" "${args[@]}"
done < "$TOPICS_FILE"

echo "careflow topics are in place"
touch /tmp/topics-created
