package org.careflow.triage;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.careflow.config.StreamsAppConfig;
import org.careflow.security.AuthSettings;
import org.careflow.topics.Topics;

/** Configuration of streams-triage. */
public final class TriageConfig extends AbstractConfig {

    public static final int DEFAULT_HTTP_PORT = 8081;

    public static final String APPLICATION_ID_CONFIG = StreamsAppConfig.APPLICATION_ID_CONFIG;
    public static final String STATE_DIR_CONFIG = StreamsAppConfig.STATE_DIR_CONFIG;
    public static final String HTTP_ADVERTISED_HOST_CONFIG = StreamsAppConfig.HTTP_ADVERTISED_HOST_CONFIG;

    public static final String STATS_RETENTION_DAYS_CONFIG = "stats.retention.days";
    private static final String STATS_RETENTION_DAYS_DOC = "How many days of hourly facility statistics are kept and answerable.";

    public static final ConfigDef CONFIG = AuthSettings.define(StreamsAppConfig.define(new ConfigDef(), "careflow-triage", DEFAULT_HTTP_PORT, true))
        .define(STATS_RETENTION_DAYS_CONFIG, Type.INT, 35, ConfigDef.Range.between(1, 3650), Importance.LOW, STATS_RETENTION_DAYS_DOC);

    public TriageConfig(Map<?, ?> originals) {
        super(CONFIG, originals, false);
    }

    public Duration statsRetention() {
        return Duration.ofDays(getInt(STATS_RETENTION_DAYS_CONFIG));
    }

    public Duration queryForwardTimeout() {
        return StreamsAppConfig.queryForwardTimeout(this);
    }

    /** The Kafka Streams settings, with this instance reachable for queries at {@code httpPort}. */
    public Properties streamsProperties(int httpPort) {
        return StreamsAppConfig.streamsProperties(this, httpPort, Topics.TRIAGE_DEAD_LETTERS.name());
    }
}
