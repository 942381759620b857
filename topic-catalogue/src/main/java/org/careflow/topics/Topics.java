package org.careflow.topics;

import java.util.List;
import org.careflow.events.scheduling.BookingCancellation;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.events.scheduling.BookingRequest;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.triage.DeteriorationAlert;
import org.careflow.events.triage.FormDefinition;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.events.triage.TriageDisposition;
import org.careflow.events.triage.TriageSubmission;

/**
 * The catalogue: every topic careflow writes or reads, described once. Nothing else spells a topic name.
 * Kafka Streams' own changelog and repartition topics are not listed; they are named by their processors.
 */
public final class Topics {

    /** Default partition count of event topics: the unit of parallelism of every streams app. */
    public static final int DEFAULT_PARTITIONS = 6;

    /** Triage forms as the ingest API accepted them, keyed by patientId. */
    public static final Topic<String, TriageSubmission> TRIAGE_SUBMISSIONS =
        new Topic<>("triage-submissions", String.class, TriageSubmission.class, DEFAULT_PARTITIONS, Topic.Cleanup.DELETE);

    /** Scores of triage submissions, keyed by patientId. */
    public static final Topic<String, TriageAssessment> TRIAGE_ASSESSMENTS =
        new Topic<>("triage-assessments", String.class, TriageAssessment.class, DEFAULT_PARTITIONS, Topic.Cleanup.DELETE);

    /** Triage form definitions, one record per version, keyed formId@version; compacted so every version stays. */
    public static final Topic<String, FormDefinition> TRIAGE_FORMS =
        new Topic<>("triage-forms", String.class, FormDefinition.class, 1, Topic.Cleanup.COMPACT);

    /** Patients taken off a facility's queue, keyed by facilityId. */
    public static final Topic<String, TriageDisposition> TRIAGE_DISPOSITIONS =
        new Topic<>("triage-dispositions", String.class, TriageDisposition.class, DEFAULT_PARTITIONS, Topic.Cleanup.DELETE);

    /** Deterioration alerts for a facility's on-call clinician, keyed by facilityId. */
    public static final Topic<String, DeteriorationAlert> TRIAGE_ALERTS =
        new Topic<>("triage-alerts", String.class, DeteriorationAlert.class, DEFAULT_PARTITIONS, Topic.Cleanup.DELETE);

    /** Records streams-triage could not read or process, unchanged, with the reason in headers. */
    public static final Topic<byte[], byte[]> TRIAGE_DEAD_LETTERS =
        new Topic<>("triage-dead-letters", byte[].class, byte[].class, 1, Topic.Cleanup.DELETE);

    /** Providers' schedules, keyed by providerId; compacted: the latest schedule replaces the last. */
    public static final Topic<String, ProviderSchedule> PROVIDER_SCHEDULES =
        new Topic<>("provider-schedules", String.class, ProviderSchedule.class, DEFAULT_PARTITIONS, Topic.Cleanup.COMPACT);

    /** Booking and reschedule requests, keyed by providerId. */
    public static final Topic<String, BookingRequest> BOOKING_REQUESTS =
        new Topic<>("booking-requests", String.class, BookingRequest.class, DEFAULT_PARTITIONS, Topic.Cleanup.DELETE);

    /** Cancellation requests, keyed by bookingId. */
    public static final Topic<String, BookingCancellation> BOOKING_CANCELLATIONS =
        new Topic<>("booking-cancellations", String.class, BookingCancellation.class, DEFAULT_PARTITIONS, Topic.Cleanup.DELETE);

    /** Each booking's current state, keyed by bookingId. */
    public static final Topic<String, BookingOutcome> BOOKING_OUTCOMES =
        new Topic<>("booking-outcomes", String.class, BookingOutcome.class, DEFAULT_PARTITIONS, Topic.Cleanup.DELETE);

    /** Records streams-scheduling could not read or process, unchanged, with the reason in headers. */
    public static final Topic<byte[], byte[]> SCHEDULING_DEAD_LETTERS =
        new Topic<>("scheduling-dead-letters", byte[].class, byte[].class, 1, Topic.Cleanup.DELETE);

    private static final List<Topic<?, ?>> ALL = List.of(TRIAGE_FORMS, TRIAGE_SUBMISSIONS, TRIAGE_ASSESSMENTS, TRIAGE_DISPOSITIONS,
        TRIAGE_ALERTS, TRIAGE_DEAD_LETTERS, PROVIDER_SCHEDULES, BOOKING_REQUESTS, BOOKING_CANCELLATIONS, BOOKING_OUTCOMES,
        SCHEDULING_DEAD_LETTERS);

    private Topics() {
    }

    /** Every topic, in a stable order, for creating them. */
    public static List<Topic<?, ?>> all() {
        return ALL;
    }
}
