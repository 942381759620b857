package org.careflow.topics;

/**
 * The business counters careflow's processors report (assessments by band, bookings by status and reason, reminders
 * by outcome, dead letters by topic), passed into a topology or the dispatcher as serdes are, so that a topology
 * stays a pure function of its configuration. Labels are closed sets (enum names, topic names): never an identifier.
 * The apps count into Prometheus ({@code AppMetrics} in query-server); tests that do not care pass {@link #NONE}.
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

    /** A notification to a patient (a confirmation or reminder) came to {@code outcome}: {@code sent} or {@code failed}. */
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
}
