package org.careflow.triage;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.careflow.config.KnownKeys;
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

    public static final String FORM_WAIT_MS_CONFIG = "form.wait.ms";
    private static final String FORM_WAIT_MS_DOC = "How long a submission naming a form version streams-triage does not hold yet "
        + "waits for it (parked, scored as soon as the form arrives). Past this bound the patient is queued at the top for "
        + "review (band HIGH, review FORM_UNAVAILABLE), never scored on NEWS2 alone.";

    public static final String FORM_WAIT_CHECK_INTERVAL_MS_CONFIG = "form.wait.check.interval.ms";
    private static final String FORM_WAIT_CHECK_INTERVAL_MS_DOC = "How often (wall clock) parked submissions are checked "
        + "against the forms that have arrived and against the wait bound; a parked submission is scored at most this long "
        + "after its form arrives.";

    public static final String FORM_LATE_RETENTION_MS_CONFIG = "form.late.retention.ms";
    private static final String FORM_LATE_RETENTION_MS_DOC = "How long a submission queued for review because its form "
        + "did not arrive is kept, so that the form arriving late still scores its answers (the assessment is then "
        + "published again with the form). After this it is dropped from the parking store; its review assessment stays.";

    public static final ConfigDef CONFIG = AuthSettings.define(StreamsAppConfig.define(new ConfigDef(), "careflow-triage", DEFAULT_HTTP_PORT, true))
        .define(STATS_RETENTION_DAYS_CONFIG, Type.INT, 35, ConfigDef.Range.between(1, 3650), Importance.LOW, STATS_RETENTION_DAYS_DOC)
        .define(FORM_WAIT_MS_CONFIG, Type.LONG, 30_000L, ConfigDef.Range.between(0L, 3_600_000L), Importance.MEDIUM, FORM_WAIT_MS_DOC)
        .define(FORM_WAIT_CHECK_INTERVAL_MS_CONFIG, Type.LONG, 250L, ConfigDef.Range.between(10L, 60_000L), Importance.LOW,
            FORM_WAIT_CHECK_INTERVAL_MS_DOC)
        .define(FORM_LATE_RETENTION_MS_CONFIG, Type.LONG, 86_400_000L, ConfigDef.Range.between(0L, 30L * 86_400_000L),
            Importance.LOW, FORM_LATE_RETENTION_MS_DOC);

    public TriageConfig(Map<?, ?> originals) {
        super(CONFIG, KnownKeys.checked(CONFIG, originals), false);
    }

    public Duration statsRetention() {
        return Duration.ofDays(getInt(STATS_RETENTION_DAYS_CONFIG));
    }

    /** How long parked submissions wait for their form, how often they are checked, and how long review ones are kept. */
    public FormWait formWait() {
        return new FormWait(Duration.ofMillis(getLong(FORM_WAIT_MS_CONFIG)),
            Duration.ofMillis(getLong(FORM_WAIT_CHECK_INTERVAL_MS_CONFIG)), Duration.ofMillis(getLong(FORM_LATE_RETENTION_MS_CONFIG)));
    }

    /** The form-wait settings: the bound, the check interval, and how long review entries are kept for a late form. */
    public record FormWait(Duration bound, Duration checkInterval, Duration lateRetention) {
    }

    public Duration queryForwardTimeout() {
        return StreamsAppConfig.queryForwardTimeout(this);
    }

    /** The Kafka Streams settings, with this instance reachable for queries at {@code httpPort}. */
    public Properties streamsProperties(int httpPort) {
        return StreamsAppConfig.streamsProperties(this, httpPort, Topics.TRIAGE_DEAD_LETTERS.name());
    }
}
