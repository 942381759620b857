#!/usr/bin/env bash
# Health check: initiates replica set rs0 on its first run, then succeeds once this member is primary.
set -euo pipefail
mongosh --quiet --host 127.0.0.1 --username "$MONGO_INITDB_ROOT_USERNAME" --password "$MONGO_INITDB_ROOT_PASSWORD" \
  --authenticationDatabase admin --eval '
    let status;
    try { status = rs.status(); } catch (e) {
      rs.initiate({_id: "rs0", members: [{_id: 0, host: "mongo:27017"}]});
      quit(1);
    }
    quit(status.myState === 1 ? 0 : 1);'
