#!/usr/bin/env bash
# Creates or updates every careflow connector on the worker at CONNECT_URL and the BI views in the sink database,
# then exits (0 when every connector and task runs). Variables of connectors/config come from the environment
# (connect.env and the compose file): CONNECT_REST_USER/CONNECT_REST_PASSWORD for the REST API, CONNECT_CONFIG_PROVIDER=env
# (the connectors' secrets are the workers' environment variables). The BI views are made by their owner
# (BI_OWNER_DB_USER), not the sink login. Run it again after the first records arrive to create the remaining BI views.
set -euo pipefail
: "${CONNECT_URL:?set CONNECT_URL}"
java -Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager \
  -Dlog4j2.configurationFile=/opt/careflow/connectors-apply/log4j2.xml -jar /opt/careflow/connectors-apply/app.jar \
  apply --connect-url "$CONNECT_URL" --config-dir /opt/careflow/config --timeout "${APPLY_TIMEOUT_SECONDS:-180}" \
  --jdbc-url "$SINK_JDBC_URL" --jdbc-user "$BI_OWNER_DB_USER" --jdbc-password "$BI_OWNER_DB_PASSWORD"
touch /tmp/connectors-applied
