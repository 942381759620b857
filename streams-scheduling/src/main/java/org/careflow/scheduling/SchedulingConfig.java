package org.careflow.scheduling;

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

/** Configuration of streams-scheduling. Processing is always exactly_once_v2: bookings must not double. */
public final class SchedulingConfig extends AbstractConfig {

    public static final int DEFAULT_HTTP_PORT = 8082;

    public static final String HORIZON_WEEKS_CONFIG = "slots.horizon.weeks";
    private static final String HORIZON_WEEKS_DOC = "How far ahead slots are offered and can be booked, in weeks.";

    public static final String CLOSED_BOOKING_RETENTION_DAYS_CONFIG = "bookings.closed.retention.days";
    private static final String CLOSED_BOOKING_RETENTION_DAYS_DOC = "How long a REJECTED or CANCELLED booking is kept after its last "
        + "decision, in days; then it is deleted and a tombstone is sent to booking-outcomes. A repeat of its client id after that is a new booking.";

    public static final String DECISION_RETENTION_HOURS_CONFIG = "decisions.retention.hours";
    private static final String DECISION_RETENTION_HOURS_DOC = "How long GET /v1/scheduling-decisions/{requestId} can read a decision, in hours.";

    public static final String RETENTION_PURGE_INTERVAL_MINUTES_CONFIG = "retention.purge.interval.minutes";
    private static final String RETENTION_PURGE_INTERVAL_MINUTES_DOC = "How often (wall clock) expired bookings and decisions are deleted, in minutes.";

    public static final String HOLD_MINUTES_CONFIG = "slots.hold.minutes";
    private static final String HOLD_MINUTES_DOC = "How long a FHIR $hold keeps a free slot for its patient before it is "
        + "released, unless the same booking is made ($book) first. Held slots are offered to nobody else meanwhile.";

    public static final String CANCELLATION_WAIT_MS_CONFIG = "cancellation.wait.ms";
    private static final String CANCELLATION_WAIT_MS_DOC = "How long a cancellation naming a booking the bookings table "
        + "does not show yet waits for it (a cancellation sent right after its booking's 202 can arrive before the booking's "
        + "first outcome). It is applied as soon as the booking is there and the caller may cancel it; past this bound it is "
        + "refused NO_SUCH_BOOKING. A cancellation of another's booking waits as long, so that it answers exactly as an "
        + "unknown one does.";

    public static final ConfigDef CONFIG = AuthSettings.define(StreamsAppConfig.define(new ConfigDef(), "careflow-scheduling", DEFAULT_HTTP_PORT, false))
        .define(CANCELLATION_WAIT_MS_CONFIG, Type.LONG, 30_000L, ConfigDef.Range.between(0L, 3_600_000L), Importance.LOW,
            CANCELLATION_WAIT_MS_DOC)
        .define(HORIZON_WEEKS_CONFIG, Type.INT, 8, ConfigDef.Range.between(1, 104), Importance.MEDIUM, HORIZON_WEEKS_DOC)
        .define(HOLD_MINUTES_CONFIG, Type.INT, 10, ConfigDef.Range.between(1, 1440), Importance.LOW, HOLD_MINUTES_DOC)
        .define(CLOSED_BOOKING_RETENTION_DAYS_CONFIG, Type.INT, 30, ConfigDef.Range.between(1, 3650), Importance.LOW, CLOSED_BOOKING_RETENTION_DAYS_DOC)
        .define(DECISION_RETENTION_HOURS_CONFIG, Type.INT, 168, ConfigDef.Range.between(1, 87_600), Importance.LOW, DECISION_RETENTION_HOURS_DOC)
        .define(RETENTION_PURGE_INTERVAL_MINUTES_CONFIG, Type.INT, 60, ConfigDef.Range.between(1, 1440), Importance.LOW,
            RETENTION_PURGE_INTERVAL_MINUTES_DOC);

    public SchedulingConfig(Map<?, ?> originals) {
        super(CONFIG, KnownKeys.checked(CONFIG, originals), false);
    }

    public Duration cancellationWait() {
        return Duration.ofMillis(getLong(CANCELLATION_WAIT_MS_CONFIG));
    }

    public Duration holdDuration() {
        return Duration.ofMinutes(getInt(HOLD_MINUTES_CONFIG));
    }

    public Duration horizon() {
        return Duration.ofDays(7L * getInt(HORIZON_WEEKS_CONFIG));
    }

    public Duration closedBookingRetention() {
        return Duration.ofDays(getInt(CLOSED_BOOKING_RETENTION_DAYS_CONFIG));
    }

    public Duration decisionRetention() {
        return Duration.ofHours(getInt(DECISION_RETENTION_HOURS_CONFIG));
    }

    public Duration retentionPurgeInterval() {
        return Duration.ofMinutes(getInt(RETENTION_PURGE_INTERVAL_MINUTES_CONFIG));
    }

    public Duration queryForwardTimeout() {
        return StreamsAppConfig.queryForwardTimeout(this);
    }

    public Properties streamsProperties(int httpPort) {
        return StreamsAppConfig.streamsProperties(this, httpPort, Topics.SCHEDULING_DEAD_LETTERS.name());
    }
}
