#!/usr/bin/env bash
# Starts a distributed Connect worker from connectors/worker/connect-distributed.properties, with the brokers and the
# advertised REST host of this container. Any other worker setting: CONNECT_<KEY> with dots as underscores, e.g.
# CONNECT_GROUP_ID=careflow-connect-b.
# The REST API needs HTTP Basic credentials: CONNECT_REST_USER and CONNECT_REST_PASSWORD (connect-worker.env) become
# the worker's users file; without them the worker does not start. The connectors' secrets (SINK_JDBC_PASSWORD,
# MASTERDATA_PASSWORD, MONGO_URI) stay environment variables, read by the worker's env config provider.
set -euo pipefail
: "${CONNECT_REST_USER:?set CONNECT_REST_USER and CONNECT_REST_PASSWORD (deploy/env/connect-worker.env): the REST API needs a user}"
: "${CONNECT_REST_PASSWORD:?set CONNECT_REST_PASSWORD (deploy/env/connect-worker.env)}"
config=/tmp/connect-distributed.properties
users=/tmp/careflow-connect/rest-users.properties
(umask 077 && mkdir -p "$(dirname "$users")" && printf '%s=%s\n' "$CONNECT_REST_USER" "$CONNECT_REST_PASSWORD" > "$users")
cp /opt/careflow/worker/connect-distributed.properties "$config"
while IFS='=' read -r name value; do
  case "$name" in
    CONNECT_REST_USER | CONNECT_REST_PASSWORD) ;;
    CONNECT_*)
      key=$(echo "${name#CONNECT_}" | tr '[:upper:]_' '[:lower:].')
      sed -i "/^${key//./\\.}=/d" "$config"
      echo "${key}=${value}" >> "$config"
      ;;
  esac
done < <(env)
echo "careflow.rest.basic.auth.users.file=${users}" >> "$config"
# Other workers reach this one at its REST host: without CONNECT_REST_ADVERTISED_HOST_NAME, its own IP address.
if ! grep -q '^rest\.advertised\.host\.name=' "$config"; then
  echo "rest.advertised.host.name=$(hostname -i | cut -d' ' -f1)" >> "$config"
fi
exec /opt/kafka/bin/connect-distributed.sh "$config"
