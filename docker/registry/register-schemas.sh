#!/bin/sh
# Registers careflow's Avro value schemas in Apicurio Registry and makes it refuse any version that is not BACKWARD
# compatible, as the local stack does. schemas/*.json are ready-made request bodies, generated from the topic catalogue
# (see deploy/README.md). Idempotent: an unchanged schema is found, not added again. Runs in the curlimages/curl image.
set -eu
: "${REGISTRY_URL:?set REGISTRY_URL, e.g. http://registry:8080/apis/registry/v3}"
DIR="${SCHEMAS_DIR:-/careflow/schemas}"
# A registry that asks for a login (compose: OIDC with HTTP Basic client credentials) gets REGISTRY_CLIENT_ID's.
if [ -n "${REGISTRY_CLIENT_ID:-}" ]; then
  : "${REGISTRY_CLIENT_SECRET:?set REGISTRY_CLIENT_SECRET with REGISTRY_CLIENT_ID}"
  netrc=$(mktemp)
  chmod 600 "$netrc"
  host=$(echo "$REGISTRY_URL" | sed -E 's#^[a-z]+://([^/:]+).*#\1#')
  printf 'machine %s login %s password %s\n' "$host" "$REGISTRY_CLIENT_ID" "$REGISTRY_CLIENT_SECRET" > "$netrc"
  set -- --netrc-file "$netrc"
else
  set --
fi

rule='{"ruleType": "COMPATIBILITY", "config": "BACKWARD"}'
status=$(curl "$@" -sS -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d "$rule" "$REGISTRY_URL/admin/rules")
if [ "$status" = "409" ]; then
  curl "$@" -fsS -o /dev/null -X PUT -H 'Content-Type: application/json' -d "$rule" "$REGISTRY_URL/admin/rules/COMPATIBILITY"
elif [ "${status#2}" = "$status" ]; then
  echo "could not create the global compatibility rule: HTTP $status" >&2
  exit 1
fi

count=0
for body in "$DIR"/*.json; do
  status=$(curl "$@" -sS -o /tmp/registry-answer -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data-binary "@$body" "$REGISTRY_URL/groups/default/artifacts?ifExists=FIND_OR_CREATE_VERSION")
  if [ "$status" != "200" ]; then
    echo "the registry refused $(basename "$body"): HTTP $status $(cat /tmp/registry-answer)" >&2
    exit 1
  fi
  count=$((count + 1))
done
echo "registered $count careflow value schemas"
touch /tmp/schemas-registered
