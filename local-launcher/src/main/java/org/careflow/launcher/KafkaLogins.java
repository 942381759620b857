package org.careflow.launcher;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.careflow.security.SecretFile;

/**
 * The local stack's Kafka users and their passwords, made once per data directory ({@code secrets/kafka-<user>-password},
 * owner-only) and kept across restarts. Every app has its own user, named like the app, so that ACLs can tell them
 * apart; {@value #CONNECT} is the Connect worker, {@value #OPS} the operator (topic creation, {@code ./careflow ops},
 * tests) and {@value #BROKER} the broker itself: only those two are super users. The broker accepts nobody else.
 */
final class KafkaLogins {

    static final String BROKER = "broker";
    static final String OPS = "ops";
    static final String CONNECT = "connect";
    /** One user per app, named after it. */
    static final List<String> APPS = List.of(LocalStack.INGEST, LocalStack.TRIAGE, LocalStack.SCHEDULING, LocalStack.NOTIFICATIONS,
        LocalStack.MASTERDATA, LocalStack.DISPATCHER);
    /** Client properties of {@value #OPS} for {@code ./careflow ops --command-config} and Kafka's own tools. */
    static final String OPS_PROPERTIES = "kafka-ops.properties";

    private final Path directory;
    private final Map<String, String> passwords;

    private KafkaLogins(Path directory, Map<String, String> passwords) {
        this.directory = directory;
        this.passwords = passwords;
    }

    /** Reads or makes every user's password in {@code directory}. */
    static KafkaLogins loadOrCreate(Path directory) {
        Map<String, String> passwords = new LinkedHashMap<>();
        for (String user : users()) {
            passwords.put(user, SecretFile.loadOrCreate(directory.resolve(passwordFile(user))));
        }
        return new KafkaLogins(directory, Map.copyOf(passwords));
    }

    static List<String> users() {
        List<String> users = new java.util.ArrayList<>(List.of(BROKER, OPS, CONNECT));
        users.addAll(APPS);
        return List.copyOf(users);
    }

    static String passwordFile(String user) {
        return "kafka-" + user + "-password";
    }

    /** Every user and its password, for the broker. */
    Map<String, String> passwords() {
        return passwords;
    }

    /** {@code sasl.jaas.config} of {@code user}: holds the password, never log it. */
    String jaas(String user) {
        String password = Objects.requireNonNull(passwords.get(user), () -> "No Kafka user " + user);
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user + "\" password=\"" + password + "\";";
    }

    /** The client security settings of {@code user} (without {@code bootstrap.servers}). */
    Map<String, String> clientSecurity(String user) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN", "sasl.jaas.config", jaas(user));
    }

    /** Writes {@value #OPS_PROPERTIES} (owner-only) next to the passwords; returns its path. */
    Path writeOpsProperties() {
        return SecretFile.writeProperties(directory.resolve(OPS_PROPERTIES), clientSecurity(OPS));
    }

    Path directory() {
        return directory;
    }
}
