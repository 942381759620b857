#!/usr/bin/env bash
# Starts mongod as a member of replica set rs0 with authentication; the members' shared key file is written from
# MONGO_REPLICA_SET_KEY (mongo.env), readable by the mongodb user only.
set -euo pipefail
: "${MONGO_REPLICA_SET_KEY:?set it in deploy/env/mongo.env}"
keyfile=/etc/mongo-keys/replica-set.key
mkdir -p /etc/mongo-keys
printf '%s' "$MONGO_REPLICA_SET_KEY" > "$keyfile"
chmod 400 "$keyfile"
chown mongodb:mongodb "$keyfile"
unset MONGO_REPLICA_SET_KEY
exec docker-entrypoint.sh mongod --replSet rs0 --keyFile "$keyfile" --bind_ip_all
