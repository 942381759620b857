#!/usr/bin/env bash
# Starts a distributed Connect worker from connectors/worker/connect-distributed.properties, with the brokers and the
# advertised REST host of this container. Any other worker setting: CONNECT_<KEY> with dots as underscores, e.g.
# CONNECT_GROUP_ID=careflow-connect-b.
set -euo pipefail
config=/tmp/connect-distributed.properties
cp /opt/careflow/worker/connect-distributed.properties "$config"
while IFS='=' read -r name value; do
  case "$name" in
    CONNECT_*)
      key=$(echo "${name#CONNECT_}" | tr '[:upper:]_' '[:lower:].')
      sed -i "/^${key//./\\.}=/d" "$config"
      echo "${key}=${value}" >> "$config"
      ;;
  esac
done < <(env)
# Other workers reach this one at its REST host: without CONNECT_REST_ADVERTISED_HOST_NAME, its own IP address.
if ! grep -q '^rest\.advertised\.host\.name=' "$config"; then
  echo "rest.advertised.host.name=$(hostname -i | cut -d' ' -f1)" >> "$config"
fi
exec /opt/kafka/bin/connect-distributed.sh "$config"
