package org.careflow.query;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.AbstractConfig;
import org.careflow.config.CommonConfig;
import org.careflow.security.AuthSettings;
import org.careflow.security.SecurityGate;
import org.careflow.topics.EventSerdes;

/**
 * What a streams app's query API needs for security: the {@link SecurityGate} in front of every route, and the
 * {@link AuditPublisher} its audited reads write to. With {@code auth.enabled=false} both are off (tests and
 * benchmarks only: no caller is known, so there is nobody to audit).
 */
public record QuerySecurity(SecurityGate gate, AuditPublisher audit) {

    public QuerySecurity {
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(audit, "audit");
    }

    /** Open routes, no audit: for tests and benchmarks whose subject is not security. */
    public static QuerySecurity disabled() {
        return new QuerySecurity(SecurityGate.disabled(), AuditPublisher.disabled());
    }

    /**
     * The gate and audit the app's configuration describes (its ConfigDef must include {@link AuthSettings#define});
     * fails with a ConfigException naming the key to fix when authentication is on but not configured.
     */
    public static QuerySecurity from(AbstractConfig config, EventSerdes serdes) {
        AuthSettings settings = AuthSettings.from(config);
        if (!settings.enabled()) {
            return new QuerySecurity(SecurityGate.create(settings), AuditPublisher.disabled());
        }
        return new QuerySecurity(SecurityGate.create(settings),
            AuditPublisher.create(auditClientConfig(config), serdes, settings.auditAckTimeout()));
    }

    /** The audit producer's Kafka settings: the brokers and the app's Kafka security settings. */
    static Map<String, Object> auditClientConfig(AbstractConfig config) {
        Map<String, Object> props = new HashMap<>(CommonConfig.kafkaClientSecurity(config));
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", config.getList(CommonConfig.KAFKA_BOOTSTRAP_SERVERS_CONFIG)));
        return props;
    }
}
