#!/usr/bin/env bash
# Starts a Kafka node of the compose cluster. On the first start it formats the node's storage with the SCRAM users
# (KRaft keeps them in the metadata log: they exist before any listener asks for them), then hands over to the image's
# own start (/etc/kafka/docker/run), which turns the KAFKA_* variables into the node's configuration and finds the
# storage formatted. Users, with passwords from deploy/env/kafka.env:
#   kafka-broker  the brokers among themselves        kafka-admin  topic creation and health checks
#   careflow      the careflow apps                   connect      the Kafka Connect workers
# More users later: kafka-configs.sh --alter --entity-type users --entity-name NAME --add-config 'SCRAM-SHA-512=[password=...]'
set -euo pipefail
for name in SCRAM_BROKER_PASSWORD SCRAM_ADMIN_PASSWORD SCRAM_APPS_PASSWORD SCRAM_CONNECT_PASSWORD TLS_STORE_PASSWORD; do
  if [ -z "${!name:-}" ]; then
    echo "set $name in deploy/env/kafka.env" >&2
    exit 1
  fi
done
if [ ! -f "${KAFKA_LOG_DIRS}/meta.properties" ]; then
  props=$(mktemp)
  cat > "$props" <<PROPS
process.roles=${KAFKA_PROCESS_ROLES}
node.id=${KAFKA_NODE_ID}
controller.quorum.voters=${KAFKA_CONTROLLER_QUORUM_VOTERS}
controller.listener.names=${KAFKA_CONTROLLER_LISTENER_NAMES}
listeners=${KAFKA_LISTENERS}
advertised.listeners=${KAFKA_ADVERTISED_LISTENERS}
listener.security.protocol.map=${KAFKA_LISTENER_SECURITY_PROTOCOL_MAP}
inter.broker.listener.name=${KAFKA_INTER_BROKER_LISTENER_NAME}
log.dirs=${KAFKA_LOG_DIRS}
PROPS
  # transaction.version=2: KIP-890's transaction protocol, which closes the hanging and zombie transaction anomalies.
  /opt/kafka/bin/kafka-storage.sh format --ignore-formatted -t "$CLUSTER_ID" -c "$props" --feature transaction.version=2 \
    --add-scram "SCRAM-SHA-512=[name=kafka-broker,password=${SCRAM_BROKER_PASSWORD}]" \
    --add-scram "SCRAM-SHA-512=[name=kafka-admin,password=${SCRAM_ADMIN_PASSWORD}]" \
    --add-scram "SCRAM-SHA-512=[name=careflow,password=${SCRAM_APPS_PASSWORD}]" \
    --add-scram "SCRAM-SHA-512=[name=connect,password=${SCRAM_CONNECT_PASSWORD}]"
  rm -f "$props"
fi
# The health check's client settings (kafka-admin), readable by this container's user only.
(umask 077 && cat > /tmp/admin-client.properties <<PROPS
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="kafka-admin" password="${SCRAM_ADMIN_PASSWORD}";
ssl.truststore.location=/tls/truststore.p12
ssl.truststore.type=PKCS12
ssl.truststore.password=${TLS_STORE_PASSWORD}
PROPS
)
# The image's start must not see these as broker settings (it turns only KAFKA_* variables into settings).
unset SCRAM_BROKER_PASSWORD SCRAM_ADMIN_PASSWORD SCRAM_APPS_PASSWORD SCRAM_CONNECT_PASSWORD TLS_STORE_PASSWORD
exec /etc/kafka/docker/run
