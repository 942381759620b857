#!/usr/bin/env bash
# Makes the Kafka cluster's TLS material once, into the kafka-tls volume (kept across restarts): a private CA, a PKCS12
# key store per node whose certificate names the node (and localhost, for its health check), and truststore.p12 with
# the CA, which every client trusts. Runs in the apache/kafka image (keytool), as root so it can own the new volume;
# the key stores go to the image's user (uid 1000), the trust store is world-readable. Delete the volume to start over.
set -euo pipefail
: "${TLS_STORE_PASSWORD:?set TLS_STORE_PASSWORD in deploy/env/kafka.env}"
NODES="${NODES:-kafka-1 kafka-2 kafka-3}"
dir=/tls
cd "$dir"
if [ -f truststore.p12 ]; then
  echo "the cluster's TLS material exists"
  touch /tmp/tls-ready
  exit 0
fi
umask 077
pass=(-storepass "$TLS_STORE_PASSWORD" -keypass "$TLS_STORE_PASSWORD")
keytool -genkeypair -alias ca -dname "CN=careflow-kafka-ca" -keyalg EC -groupname secp256r1 -validity 825 \
  -ext bc:c -keystore ca.p12 -storetype PKCS12 "${pass[@]}"
keytool -exportcert -alias ca -keystore ca.p12 -storepass "$TLS_STORE_PASSWORD" -rfc -file ca.pem
keytool -importcert -noprompt -alias ca -file ca.pem -keystore truststore.p12 -storetype PKCS12 -storepass "$TLS_STORE_PASSWORD"
for node in $NODES; do
  keytool -genkeypair -alias "$node" -dname "CN=$node" -keyalg EC -groupname secp256r1 -validity 825 \
    -keystore "$node.p12" -storetype PKCS12 "${pass[@]}"
  keytool -certreq -alias "$node" -keystore "$node.p12" -storepass "$TLS_STORE_PASSWORD" -file "$node.csr"
  keytool -gencert -alias ca -keystore ca.p12 -storepass "$TLS_STORE_PASSWORD" -infile "$node.csr" -outfile "$node.pem" -rfc \
    -validity 825 -ext "SAN=dns:$node,dns:localhost" -ext ku:c=digitalSignature,keyAgreement -ext eku=serverAuth,clientAuth
  keytool -importcert -noprompt -alias ca -file ca.pem -keystore "$node.p12" -storepass "$TLS_STORE_PASSWORD"
  keytool -importcert -alias "$node" -file "$node.pem" -keystore "$node.p12" -storepass "$TLS_STORE_PASSWORD"
  rm -f "$node.csr" "$node.pem"
  chown 1000:1000 "$node.p12"
done
chmod 0644 truststore.p12 ca.pem
chmod 0755 "$dir"
echo "made the cluster's TLS material for $NODES"
touch /tmp/tls-ready
