package org.careflow.query;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.CommonClientConfigs;
import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.careflow.config.StreamsAppConfig;
import org.careflow.config.CommonConfig;
import org.careflow.security.AuthSettings;
import org.careflow.security.SecurityGate;
import org.careflow.topics.EventSerdes;

/**
 * What a streams app's query API needs for security: the {@link SecurityGate} in front of every route, the
 * {@link AuditPublisher} its audited reads write to, and the {@link InstanceCredentials} (the cluster secret) its
 * instances prove themselves to each other with when they forward. With {@code auth.enabled=false} the gate and audit are
 * off (tests and benchmarks only: no caller is known, so there is nobody to audit), and forwarding is verified only when
 * a secret is set.
 */
public record QuerySecurity(SecurityGate gate, AuditPublisher audit, InstanceCredentials instances) {

    public QuerySecurity {
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(instances, "instances");
    }

    /** Open routes, no audit, forwarding unverified: for tests and benchmarks whose subject is not security. */
    public static QuerySecurity disabled() {
        return new QuerySecurity(SecurityGate.disabled(), AuditPublisher.disabled(), InstanceCredentials.unverified());
    }

    /**
     * The gate and audit the app's configuration describes (its ConfigDef must include {@link AuthSettings#define});
     * fails with a ConfigException naming the key to fix when authentication is on but not configured.
     */
    public static QuerySecurity from(AbstractConfig config, EventSerdes serdes) {
        AuthSettings settings = AuthSettings.from(config);
        InstanceCredentials instances = instanceCredentials(config, !settings.authenticationOff());
        if (settings.authenticationOff()) {
            return new QuerySecurity(SecurityGate.create(settings), AuditPublisher.disabled(), instances);
        }
        return new QuerySecurity(SecurityGate.create(settings),
            AuditPublisher.create(auditClientConfig(config), serdes, settings.auditAckTimeout()), instances);
    }

    /**
     * The cluster secret's credentials ({@code query.forward.secret}, a {@link StreamsAppConfig} key): required, and at
     * least {@value StreamsAppConfig#QUERY_FORWARD_SECRET_MIN_LENGTH} characters, when authentication is on; without
     * authentication an empty secret leaves forwarding unverified.
     */
    static InstanceCredentials instanceCredentials(AbstractConfig config, boolean authEnabled) {
        Password password = config.values().containsKey(StreamsAppConfig.QUERY_FORWARD_SECRET_CONFIG)
            ? config.getPassword(StreamsAppConfig.QUERY_FORWARD_SECRET_CONFIG) : null;
        String secret = password == null || password.value() == null ? "" : password.value().strip();
        if (secret.isEmpty() && !authEnabled) {
            return InstanceCredentials.unverified();
        }
        if (secret.length() < StreamsAppConfig.QUERY_FORWARD_SECRET_MIN_LENGTH) {
            throw new ConfigException(StreamsAppConfig.QUERY_FORWARD_SECRET_CONFIG, secret.isEmpty() ? "" : "[hidden]",
                (secret.isEmpty() ? "required when auth.enabled is true" : "too short")
                    + ": set it to the same random secret of at least " + StreamsAppConfig.QUERY_FORWARD_SECRET_MIN_LENGTH
                    + " characters on every instance of the app (e.g. openssl rand -base64 32), so that instances can prove"
                    + " to each other that they forwarded a request");
        }
        return InstanceCredentials.of(secret, Duration.ofMillis(config.getLong(StreamsAppConfig.QUERY_FORWARD_MAX_AGE_MS_CONFIG)));
    }

    /** The audit producer's Kafka settings: the brokers and the app's Kafka security settings. */
    static Map<String, Object> auditClientConfig(AbstractConfig config) {
        Map<String, Object> props = new HashMap<>(CommonConfig.kafkaClientSecurity(config));
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", config.getList(CommonConfig.KAFKA_BOOTSTRAP_SERVERS_CONFIG)));
        return props;
    }
}
