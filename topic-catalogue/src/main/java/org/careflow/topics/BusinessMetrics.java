package org.careflow.topics;

import java.time.Duration;

/**
 * The business counters careflow's processors report (assessments by band, bookings by status and reason, reminders
 * by outcome, dead letters by topic), passed into a topology or the dispatcher as serdes are, so that a topology
 * stays a pure function of its configuration. Labels are closed sets (enum names, topic names): never an identifier.
 * The apps count into Prometheus ({@code BusinessMeters} in streams-query); tests that do not care pass {@link #NONE}.
 *
 * <p>Counting happens when a record is processed: under exactly-once a transaction that aborts and is retried counts
 * its records again, so the counters can run slightly ahead of what the output topics hold.
 */
public interface BusinessMetrics {

    /** Counts nothing. */
    BusinessMetrics NONE = new BusinessMetrics() {
    };

    /** A triage assessment was published with final {@code band} (a {@code RiskBand} name). */
    default void assessment(String band) {
    }

    /**
     * A triage submission whose form version had not reached streams-triage came to {@code outcome}: {@code parked},
     * {@code scored_after_wait}, {@code review_form_unavailable} (queued for review past the wait bound),
     * {@code scored_late} (the form arrived after that) or {@code expired} (it never did).
     */
    default void formWait(String outcome) {
    }

    /**
     * A booking outcome was published.
     *
     * @param status a {@code BookingStatus} name
     * @param reason a {@code RejectionReason} name, or null when there is none
     */
    default void booking(String status, String reason) {
    }

    /**
     * streams-scheduling refused a request: nothing of it took effect.
     *
     * @param kind a {@code SchedulingRequestKind} name (SCHEDULE, BOOKING, CANCELLATION)
     * @param reason a {@code RefusalReason} name
     */
    default void schedulingRefusal(String kind, String reason) {
    }

    /**
     * A notification to a patient (a confirmation or reminder) came to {@code outcome}: {@code sent} or {@code failed}
     * (the dispatcher), or {@code refused_too_many_bookings} (streams-notifications planned no messages for a booking
     * because the patient holds the most bookings it plans messages for).
     */
    default void reminder(String outcome) {
    }

    /**
     * A contact write or phone verification was decided.
     *
     * @param status a {@code ContactOutcomeStatus} name
     * @param reason the outcome's reason code, or null when there is none
     */
    default void contactDecision(String status, String reason) {
    }

    /** A deterioration alert was routed to {@code outcome}, an {@code OnCallRouting} name (PAGED, FACILITY_UNKNOWN, ...). */
    default void onCallAlert(String outcome) {
    }

    /** A record was written to the dead-letter topic {@code topic}. */
    default void deadLetter(String topic) {
    }

    /**
     * A notification whose fate was unknown (an attempt timed out or got a 5xx, or a dispatcher stopped between sending
     * and recording it) was resolved: {@code reported_sent} (a status report said it went out; it was not sent again)
     * or {@code sent_again} (no report came within the in-doubt wait: the one case where a patient may get it twice).
     */
    default void sendInDoubt(String resolution) {
    }

    /**
     * How long a sent notification stayed unrecorded: from the start of the attempt that the provider accepted until Kafka
     * acknowledged its SENT status. A dispatcher that stops inside this window leaves the notification in doubt.
     */
    default void unrecordedSend(Duration window) {
    }
}
