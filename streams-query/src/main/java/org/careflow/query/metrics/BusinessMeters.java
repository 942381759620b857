package org.careflow.query.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import org.careflow.topics.BusinessMetrics;

/**
 * The business events of careflow's apps (assessments, bookings, refusals, reminders, dead letters...) as Prometheus
 * counters and timers in an app's registry, next to its HTTP and Kafka meters.
 */
public final class BusinessMeters implements BusinessMetrics {

    public static final String ASSESSMENTS = "careflow.triage.assessments";
    public static final String FORM_WAITS = "careflow.triage.form.waits";
    public static final String BOOKINGS = "careflow.bookings";
    public static final String SCHEDULING_REFUSALS = "careflow.scheduling.refusals";
    public static final String REMINDERS = "careflow.reminders";
    public static final String DEAD_LETTERS = "careflow.dead.letters";
    public static final String CONTACT_DECISIONS = "careflow.contact.decisions";
    public static final String ONCALL_ALERTS = "careflow.oncall.alerts";
    public static final String SENDS_IN_DOUBT = "careflow.notification.sends.in.doubt";
    public static final String UNRECORDED_SENDS = "careflow.notification.unrecorded.send";
    private static final String NONE = "none";

    private final MeterRegistry registry;

    public BusinessMeters(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void assessment(String band) {
        Counter.builder(ASSESSMENTS).description("Triage assessments published, by final risk band")
            .tag("band", label(band)).register(registry).increment();
    }

    @Override
    public void formWait(String outcome) {
        Counter.builder(FORM_WAITS).description("Triage submissions that waited for their form version, by outcome")
            .tag("outcome", outcome).register(registry).increment();
    }

    @Override
    public void booking(String status, String reason) {
        Counter.builder(BOOKINGS).description("Booking outcomes published, by status and rejection reason")
            .tags("status", label(status), "reason", reason == null ? NONE : reason).register(registry).increment();
    }

    @Override
    public void schedulingRefusal(String kind, String reason) {
        Counter.builder(SCHEDULING_REFUSALS).description("Scheduling requests refused (nothing changed), by request kind and reason")
            .tags("kind", label(kind), "reason", label(reason)).register(registry).increment();
    }

    @Override
    public void reminder(String outcome) {
        Counter.builder(REMINDERS).description("Notifications to patients (confirmations, reminders) by outcome")
            .tag("outcome", label(outcome)).register(registry).increment();
    }

    @Override
    public void onCallAlert(String outcome) {
        Counter.builder(ONCALL_ALERTS).description("Deterioration alerts routed to on-call staff, by outcome (PAGED or why nobody was)")
            .tag("outcome", label(outcome)).register(registry).increment();
    }

    @Override
    public void deadLetter(String topic) {
        Counter.builder(DEAD_LETTERS).description("Records written to a dead-letter topic, by topic")
            .tag("topic", label(topic)).register(registry).increment();
    }

    @Override
    public void sendInDoubt(String resolution) {
        Counter.builder(SENDS_IN_DOUBT).description("Notifications whose fate was unknown, by how that was resolved (reported_sent or sent_again)")
            .tag("resolution", label(resolution)).register(registry).increment();
    }

    @Override
    public void unrecordedSend(Duration window) {
        Timer.builder(UNRECORDED_SENDS).description("From the start of an accepted send until Kafka acknowledged its SENT status: "
                + "the window in which a stopped dispatcher leaves a message in doubt")
            .publishPercentiles(0.5, 0.99).register(registry).record(window);
    }

    @Override
    public void contactDecision(String status, String reason) {
        Counter.builder(CONTACT_DECISIONS).description("Contact writes and phone verifications decided, by status and reason")
            .tags("status", label(status), "reason", label(reason)).register(registry).increment();
    }

    private static String label(String value) {
        return value == null ? NONE : value;
    }
}
