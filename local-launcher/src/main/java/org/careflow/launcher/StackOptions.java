package org.careflow.launcher;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where the local stack keeps its data and which ports it binds (0 picks a free port).
 *
 * @param fresh delete the data directory before starting
 * @param demo post demo submissions once everything runs
 * @param dispatcherPort the notifications dispatcher's health and metrics port (it starts when WhatsApp credentials are set)
 * @param settings extra configuration per app (ingest-api, streams-triage, streams-scheduling, streams-notifications,
 *                 streams-masterdata, notifications-dispatcher),
 *                 applied under the launcher's own connection settings
 */
public record StackOptions(Path dataDir, boolean fresh, boolean demo, String host,
                           int kafkaPort, int kafkaControllerPort, int registryPort, int registryManagementPort,
                           int ingestPort, int triagePort, int schedulingPort, int notificationsPort, int masterdataPort,
                           int postgresPort, int mongoPort, int connectPort, int dispatcherPort, Map<String, Map<String, Object>> settings) {

    public static final int DEFAULT_KAFKA_PORT = 9092;
    public static final int DEFAULT_KAFKA_CONTROLLER_PORT = 9093;
    public static final int DEFAULT_REGISTRY_PORT = 8085;
    public static final int DEFAULT_REGISTRY_MANAGEMENT_PORT = 8086;
    public static final int DEFAULT_INGEST_PORT = 8080;
    public static final int DEFAULT_TRIAGE_PORT = 8081;
    public static final int DEFAULT_SCHEDULING_PORT = 8082;
    public static final int DEFAULT_NOTIFICATIONS_PORT = 8083;
    public static final int DEFAULT_MASTERDATA_PORT = 8084;
    public static final int DEFAULT_POSTGRES_PORT = 55432;
    public static final int DEFAULT_MONGO_PORT = 27018;
    public static final int DEFAULT_CONNECT_PORT = 8088;
    public static final int DEFAULT_DISPATCHER_PORT = 8087;

    public StackOptions {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(host, "host");
        settings = Map.copyOf(settings);
    }

    /** These options with {@code extra} added to {@code app}'s settings. */
    public StackOptions withSettings(String app, Map<String, Object> extra) {
        Map<String, Map<String, Object>> all = new HashMap<>(settings);
        Map<String, Object> merged = new HashMap<>(settings.getOrDefault(app, Map.of()));
        merged.putAll(extra);
        all.put(app, Map.copyOf(merged));
        return new StackOptions(dataDir, fresh, demo, host, kafkaPort, kafkaControllerPort, registryPort, registryManagementPort,
            ingestPort, triagePort, schedulingPort, notificationsPort, masterdataPort, postgresPort, mongoPort, connectPort, dispatcherPort, all);
    }

    /** The extra settings of {@code app}. */
    public Map<String, Object> settingsOf(String app) {
        return settings.getOrDefault(app, Map.of());
    }

    /** The defaults: data under {@code dataDir}, the documented ports, on loopback. */
    public static StackOptions defaults(Path dataDir) {
        return new StackOptions(dataDir, false, false, "127.0.0.1", DEFAULT_KAFKA_PORT, DEFAULT_KAFKA_CONTROLLER_PORT,
            DEFAULT_REGISTRY_PORT, DEFAULT_REGISTRY_MANAGEMENT_PORT, DEFAULT_INGEST_PORT, DEFAULT_TRIAGE_PORT, DEFAULT_SCHEDULING_PORT,
            DEFAULT_NOTIFICATIONS_PORT, DEFAULT_MASTERDATA_PORT, DEFAULT_POSTGRES_PORT, DEFAULT_MONGO_PORT, DEFAULT_CONNECT_PORT,
            DEFAULT_DISPATCHER_PORT, Map.of());
    }

    /** Every port picked freely: for tests and for running beside another stack. */
    public static StackOptions ephemeral(Path dataDir) {
        return new StackOptions(dataDir, false, false, "127.0.0.1", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of());
    }
}
