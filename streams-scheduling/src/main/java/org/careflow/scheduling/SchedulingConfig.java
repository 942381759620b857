package org.careflow.scheduling;

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

/** Configuration of streams-scheduling. Processing is always exactly_once_v2: bookings must not double. */
public final class SchedulingConfig extends AbstractConfig {

    public static final int DEFAULT_HTTP_PORT = 8082;

    public static final String HORIZON_WEEKS_CONFIG = "slots.horizon.weeks";
    private static final String HORIZON_WEEKS_DOC = "How far ahead slots are offered and can be booked, in weeks.";

    public static final ConfigDef CONFIG = AuthSettings.define(StreamsAppConfig.define(new ConfigDef(), "careflow-scheduling", DEFAULT_HTTP_PORT, false))
        .define(HORIZON_WEEKS_CONFIG, Type.INT, 8, ConfigDef.Range.between(1, 104), Importance.MEDIUM, HORIZON_WEEKS_DOC);

    public SchedulingConfig(Map<?, ?> originals) {
        super(CONFIG, originals, false);
    }

    public Duration horizon() {
        return Duration.ofDays(7L * getInt(HORIZON_WEEKS_CONFIG));
    }

    public Duration queryForwardTimeout() {
        return StreamsAppConfig.queryForwardTimeout(this);
    }

    public Properties streamsProperties(int httpPort) {
        return StreamsAppConfig.streamsProperties(this, httpPort, Topics.SCHEDULING_DEAD_LETTERS.name());
    }
}
