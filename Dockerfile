# syntax=docker/dockerfile:1.7
# One image per careflow app, chosen with the build argument APP:
#   docker build --build-arg APP=streams-triage -t careflow/streams-triage .
# APP is one of: ingest-api, streams-triage, streams-scheduling, streams-notifications, streams-masterdata,
# notifications-dispatcher; or ops-cli, the operations command line (docker run --rm careflow/ops-cli status --kafka
# SERVERS --command-config FILE).
# The Kafka Connect worker with careflow's connector plugins has its own image: docker/connect/Dockerfile.

ARG APP=ingest-api

FROM eclipse-temurin:21-jdk AS build
ARG APP
WORKDIR /src
COPY . .
# -Pimage writes each app's jar with a Main-Class and a Class-Path of lib/*.jar, and its runtime jars to target/app/lib.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -DskipTests -Pimage -pl "${APP}" -am package
RUN set -eu; \
    jar=$(find "${APP}/target" -maxdepth 1 -name "careflow-${APP}-*.jar" ! -name '*-tests.jar' ! -name '*-sources.jar' | head -n 1); \
    test -n "$jar" || { echo "no jar for ${APP}: is it one of the apps listed at the top of the Dockerfile?" >&2; exit 1; }; \
    mkdir -p /out/app; \
    cp "$jar" /out/app/app.jar; \
    cp -r "${APP}/target/app/lib" /out/app/lib

FROM eclipse-temurin:21-jre AS runtime
ARG APP
LABEL org.opencontainers.image.title="careflow ${APP}" \
      org.opencontainers.image.source="https://github.com/careflow/careflow" \
      org.opencontainers.image.licenses="Apache-2.0"
# curl for the health check only.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 careflow \
 && useradd --system --uid 10001 --gid careflow --home-dir /app --shell /usr/sbin/nologin careflow \
 && mkdir -p /var/lib/careflow/state \
 && chown -R careflow:careflow /var/lib/careflow
COPY --from=build --chown=root:root /out/app /app

# Every app listens on 8080 inside its container; the stores live on a volume at /var/lib/careflow/state.
# Everything else comes from CAREFLOW_* variables (docs/configuration.md).
ENV CAREFLOW_APP=${APP} \
    CAREFLOW_HTTP_PORT=8080 \
    CAREFLOW_STATE_DIR=/var/lib/careflow/state \
    JAVA_OPTS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"
USER careflow:careflow
WORKDIR /app
VOLUME ["/var/lib/careflow/state"]
EXPOSE 8080

HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=4 \
  CMD curl -fsS "http://127.0.0.1:${CAREFLOW_HTTP_PORT}/health/live" > /dev/null || exit 1

# Interactive queries are forwarded to the instance owning a key at its advertised host: without
# CAREFLOW_HTTP_ADVERTISED_HOST (ECS Fargate, Code Engine), an instance advertises its own IP address.
# exec: the JVM replaces the shell as PID 1 and receives SIGTERM itself, so the apps' shutdown hooks run.
ENTRYPOINT ["/bin/sh", "-c", "export CAREFLOW_HTTP_ADVERTISED_HOST=\"${CAREFLOW_HTTP_ADVERTISED_HOST:-$(hostname -i | cut -d' ' -f1)}\"; exec java $JAVA_OPTS --enable-native-access=ALL-UNNAMED -Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager -jar /app/app.jar \"$@\"", "careflow"]
