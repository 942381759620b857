#!/usr/bin/env bash
# First start only (empty data volume): the roles and databases careflow's services use, and the master-data tables.
#   registry  : Apicurio Registry's storage, owned by role registry
#   careflow  : the sinks' tables, written by role careflow (the sink connectors' login), and the bi views with their
#               pseudonymisation key, owned by role careflow_bi_owner; careflow cannot read the key
#               (connectors/sql/roles; run that script again as the superuser after an upgrade)
#   masterdata: the hospital's master data, owned by role debezium (REPLICATION), so its CDC publication can be created
# Passwords come from postgres.env.
set -euo pipefail
: "${CAREFLOW_SINK_DB_PASSWORD:?set it in deploy/env/postgres.env}"
: "${CAREFLOW_REGISTRY_DB_PASSWORD:?set it in deploy/env/postgres.env}"
: "${CAREFLOW_DEBEZIUM_DB_PASSWORD:?set it in deploy/env/postgres.env}"
: "${CAREFLOW_BI_OWNER_DB_PASSWORD:?set it in deploy/env/postgres.env}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v sink_pw="$CAREFLOW_SINK_DB_PASSWORD" -v registry_pw="$CAREFLOW_REGISTRY_DB_PASSWORD" \
  -v debezium_pw="$CAREFLOW_DEBEZIUM_DB_PASSWORD" -v bi_owner_pw="$CAREFLOW_BI_OWNER_DB_PASSWORD" <<'SQL'
CREATE ROLE registry LOGIN PASSWORD :'registry_pw';
CREATE ROLE careflow LOGIN PASSWORD :'sink_pw';
CREATE ROLE careflow_bi_owner LOGIN PASSWORD :'bi_owner_pw';
CREATE ROLE careflow_bi NOLOGIN;
CREATE ROLE debezium LOGIN REPLICATION PASSWORD :'debezium_pw';
CREATE DATABASE registry OWNER registry;
-- Owned by the superuser: the sink login gets what connectors/sql/roles grants it, no more.
CREATE DATABASE careflow;
CREATE DATABASE masterdata OWNER debezium;
SQL

sed 's/\${SINK_ROLE}/careflow/g' /careflow/roles/V1__sink_and_bi_roles.sql \
  | psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname careflow

PGPASSWORD="$CAREFLOW_DEBEZIUM_DB_PASSWORD" psql -v ON_ERROR_STOP=1 --username debezium --dbname masterdata \
  -f /careflow/masterdata/V1__masterdata.sql -f /careflow/masterdata/V2__facilities.sql
