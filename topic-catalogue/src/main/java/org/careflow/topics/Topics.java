package org.careflow.topics;

import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.careflow.events.facilities.Facility;
import org.careflow.events.facilities.OnCallAlertRouted;
import org.careflow.events.notifications.ConsentChange;
import org.careflow.events.notifications.ContactOutcome;
import org.careflow.events.notifications.InboundMessage;
import org.careflow.events.notifications.MessageLogEntry;
import org.careflow.events.notifications.NotificationStatus;
import org.careflow.events.notifications.OutboundNotification;
import org.careflow.events.notifications.PatientContact;
import org.careflow.events.notifications.ReminderCancelled;
import org.careflow.events.notifications.ReminderScheduled;
import org.careflow.events.scheduling.BookingCancellation;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.events.scheduling.BookingRequest;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.scheduling.SchedulingDecision;
import org.careflow.events.security.DataAccessAudit;
import org.careflow.events.triage.DeteriorationAlert;
import org.careflow.events.triage.FormDefinition;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.events.triage.TriageDisposition;
import org.careflow.events.triage.TriageSubmission;

/**
 * The catalogue: every topic careflow writes or reads, described once. Nothing else spells a topic name.
 * Debezium's change topics are listed under their default names; streams-masterdata may be configured to read others.
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

    /**
     * Facilities careflow serves, keyed by facilityId; compacted: the latest record replaces the last, a tombstone
     * removes the facility. Written by the ingest API ({@code PUT /v1/facilities/{id}}, ops) and streams-masterdata.
     */
    public static final Topic<String, Facility> FACILITIES =
        new Topic<>("facilities", String.class, Facility.class, 1, Topic.Cleanup.COMPACT);

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

    /**
     * Providers' schedules, keyed by (providerId, facilityId) and partitioned by providerId ({@link ProviderScheduleKeys});
     * compacted: a facility's latest schedule for a provider replaces its last, never another facility's.
     */
    public static final Topic<String, ProviderSchedule> PROVIDER_SCHEDULES =
        new Topic<>("provider-schedules", String.class, ProviderSchedule.class, DEFAULT_PARTITIONS, Topic.Cleanup.COMPACT);

    /** Booking and reschedule requests, keyed by providerId. */
    public static final Topic<String, BookingRequest> BOOKING_REQUESTS =
        new Topic<>("booking-requests", String.class, BookingRequest.class, DEFAULT_PARTITIONS, Topic.Cleanup.DELETE);

    /** Cancellation requests, keyed by bookingId. */
    public static final Topic<String, BookingCancellation> BOOKING_CANCELLATIONS =
        new Topic<>("booking-cancellations", String.class, BookingCancellation.class, DEFAULT_PARTITIONS, Topic.Cleanup.DELETE);

    /**
     * streams-scheduling's answer to each request (taken, or refused with a reason), keyed by the request's eventId;
     * read back by streams-scheduling as a table for {@code GET /v1/scheduling-decisions/{requestId}}. Entries of its
     * store expire after {@code decisions.retention.hours}; the topic's own retention is the broker's default.
     */
    public static final Topic<String, SchedulingDecision> SCHEDULING_DECISIONS =
        new Topic<>("scheduling-decisions", String.class, SchedulingDecision.class, DEFAULT_PARTITIONS, Topic.Cleanup.DELETE);

    /** Each booking's current state, keyed by bookingId (careflow's, see {@link BookingIds}); a tombstone when it expired. */
    public static final Topic<String, BookingOutcome> BOOKING_OUTCOMES =
        new Topic<>("booking-outcomes", String.class, BookingOutcome.class, DEFAULT_PARTITIONS, Topic.Cleanup.DELETE);

    /** Records streams-scheduling could not read or process, unchanged, with the reason in headers. */
    public static final Topic<byte[], byte[]> SCHEDULING_DEAD_LETTERS =
        new Topic<>("scheduling-dead-letters", byte[].class, byte[].class, 1, Topic.Cleanup.DELETE);

    /** How and whether to message each patient, keyed by patientId; compacted: the latest record replaces the last. */
    public static final Topic<String, PatientContact> PATIENT_CONTACTS =
        new Topic<>("patient-contacts", String.class, PatientContact.class, DEFAULT_PARTITIONS, Topic.Cleanup.COMPACT);

    /** Messaging consent given or withdrawn (a STOP reply, say), keyed by patientId; kept for audit, never compacted. */
    public static final Topic<String, ConsentChange> CONSENT_CHANGES =
        new Topic<>("consent-changes", String.class, ConsentChange.class, DEFAULT_PARTITIONS, Topic.Cleanup.DELETE);

    /**
     * What streams-notifications decided about each contact write and phone verification (applied, refused, waiting for
     * a link, verification sent, verified), keyed by patientId; kept for audit, never compacted.
     */
    public static final Topic<String, ContactOutcome> CONTACT_OUTCOMES =
        new Topic<>("contact-outcomes", String.class, ContactOutcome.class, DEFAULT_PARTITIONS, Topic.Cleanup.DELETE);

    /** Confirmations and reminders planned for confirmed bookings, keyed by patientId. */
    public static final Topic<String, ReminderScheduled> REMINDERS_SCHEDULED =
        new Topic<>("reminders-scheduled", String.class, ReminderScheduled.class, DEFAULT_PARTITIONS, Topic.Cleanup.DELETE);

    /** Planned messages that will not be sent, and why, keyed by patientId. */
    public static final Topic<String, ReminderCancelled> REMINDERS_CANCELLED =
        new Topic<>("reminders-cancelled", String.class, ReminderCancelled.class, DEFAULT_PARTITIONS, Topic.Cleanup.DELETE);

    /** Messages for the dispatcher to deliver, keyed by notificationId. */
    public static final Topic<String, OutboundNotification> OUTBOUND_NOTIFICATIONS =
        new Topic<>("outbound-notifications", String.class, OutboundNotification.class, DEFAULT_PARTITIONS, Topic.Cleanup.DELETE);

    /** Delivery steps of outbound notifications, from the dispatcher and the provider's webhooks, keyed by notificationId. */
    public static final Topic<String, NotificationStatus> NOTIFICATION_STATUSES =
        new Topic<>("notification-statuses", String.class, NotificationStatus.class, DEFAULT_PARTITIONS, Topic.Cleanup.DELETE);

    /** Messages patients sent, as the provider's webhook delivered them, keyed by the sender's phone (E.164). */
    public static final Topic<String, InboundMessage> INBOUND_MESSAGES =
        new Topic<>("inbound-messages", String.class, InboundMessage.class, DEFAULT_PARTITIONS, Topic.Cleanup.DELETE);

    /** Patients' messages careflow cannot act on by itself, for a person to answer, keyed by the sender's phone. */
    public static final Topic<String, InboundMessage> MESSAGING_INBOX =
        new Topic<>("messaging-inbox", String.class, InboundMessage.class, DEFAULT_PARTITIONS, Topic.Cleanup.DELETE);

    /** Each message of a patient's conversation as it stands now, keyed by messageId; compacted, for sinks. */
    public static final Topic<String, MessageLogEntry> MESSAGE_LOG =
        new Topic<>("message-log", String.class, MessageLogEntry.class, DEFAULT_PARTITIONS, Topic.Cleanup.COMPACT);

    /** Notifications the dispatcher gave up on, unchanged and replayable, with the reason in headers; keyed by notificationId. */
    public static final Topic<String, OutboundNotification> OUTBOUND_DEAD_LETTERS =
        new Topic<>("outbound-dead-letters", String.class, OutboundNotification.class, 1, Topic.Cleanup.DELETE);

    /** What became of each deterioration alert (paged, or why nobody was), keyed by facilityId. */
    public static final Topic<String, OnCallAlertRouted> ONCALL_ALERT_OUTCOMES =
        new Topic<>("oncall-alert-outcomes", String.class, OnCallAlertRouted.class, DEFAULT_PARTITIONS, Topic.Cleanup.DELETE);

    /** Records streams-notifications could not read or process, unchanged, with the reason in headers. */
    public static final Topic<byte[], byte[]> NOTIFICATIONS_DEAD_LETTERS =
        new Topic<>("notifications-dead-letters", byte[].class, byte[].class, 1, Topic.Cleanup.DELETE);

    /** Records the Kafka Connect sinks could not convert or write, unchanged, with the reason in __connect.errors.* headers. */
    public static final Topic<byte[], byte[]> CONNECT_DEAD_LETTERS =
        new Topic<>("connect-dead-letters", byte[].class, byte[].class, 1, Topic.Cleanup.DELETE);

    /**
     * The ledger of {@code ./careflow dlq replay}: one record per dead letter put back on its topic, keyed by the dead
     * letter's topic, partition and offset, written in the same transaction as the replayed record; compacted.
     */
    public static final Topic<byte[], byte[]> DEAD_LETTER_REPLAYS =
        new Topic<>("dead-letter-replays", byte[].class, byte[].class, 1, Topic.Cleanup.COMPACT);

    /**
     * Every read of patient data through a query endpoint (allowed, denied or not found), written by the instance that
     * read its store, keyed by eventId. It names patients by design: access to it is access to patient data. Retention
     * is an ops setting; the JDBC sink (connectors/config/14-pg-audit-events.json) archives it.
     */
    public static final Topic<String, DataAccessAudit> AUDIT_EVENTS =
        new Topic<>("audit-events", String.class, DataAccessAudit.class, DEFAULT_PARTITIONS, Topic.Cleanup.DELETE);

    /** Partitions of Debezium's change topics as careflow asks Kafka Connect to create them: master data is small and slow. */
    public static final int CDC_PARTITIONS = 1;

    /**
     * Debezium's change topic of {@code public.providers} (named {@code <topic.prefix>.<schema>.<table>}), keyed
     * {provider_id}; a tombstone when a row is deleted. Read by streams-masterdata; its name can be changed by configuration.
     */
    public static final Topic<GenericRecord, GenericRecord> MASTERDATA_PROVIDERS = cdc("masterdata.public.providers");

    /** Debezium's change topic of {@code public.provider_schedules} (one weekly session each), keyed {id}. */
    public static final Topic<GenericRecord, GenericRecord> MASTERDATA_PROVIDER_SESSIONS = cdc("masterdata.public.provider_schedules");

    /** Debezium's change topic of {@code public.patient_contacts}, keyed {patient_id}. */
    public static final Topic<GenericRecord, GenericRecord> MASTERDATA_PATIENT_CONTACTS = cdc("masterdata.public.patient_contacts");

    /** Debezium's change topic of {@code public.facilities}, keyed {facility_id}. */
    public static final Topic<GenericRecord, GenericRecord> MASTERDATA_FACILITIES = cdc("masterdata.public.facilities");

    /** Records streams-masterdata could not read or map (invalid rows among them), unchanged, with the reason in headers. */
    public static final Topic<byte[], byte[]> MASTERDATA_DEAD_LETTERS =
        new Topic<>("masterdata-dead-letters", byte[].class, byte[].class, 1, Topic.Cleanup.DELETE);

    /**
     * Benchmark only: what the ceiling's raw producer writes and its raw consumer reads back. No careflow app reads it,
     * so it is not in {@link #all()}: only the benchmark creates it, on its own stack (see {@link #benchmark()}).
     */
    public static final Topic<String, byte[]> BENCH_CEILING_PRODUCE =
        new Topic<>("bench-ceiling-produce", String.class, byte[].class, DEFAULT_PARTITIONS, Topic.Cleanup.DELETE);

    /** Benchmark only: filled once, drained by every round of the ceiling's raw Kafka Streams aggregate; not in {@link #all()}. */
    public static final Topic<String, byte[]> BENCH_CEILING_AGGREGATE_INPUT =
        new Topic<>("bench-ceiling-aggregate-input", String.class, byte[].class, DEFAULT_PARTITIONS, Topic.Cleanup.DELETE);

    private static final List<Topic<?, ?>> ALL = List.of(FACILITIES, TRIAGE_FORMS, TRIAGE_SUBMISSIONS, TRIAGE_ASSESSMENTS, TRIAGE_DISPOSITIONS,
        TRIAGE_ALERTS, TRIAGE_DEAD_LETTERS, PROVIDER_SCHEDULES, BOOKING_REQUESTS, BOOKING_CANCELLATIONS, BOOKING_OUTCOMES,
        SCHEDULING_DECISIONS, SCHEDULING_DEAD_LETTERS, PATIENT_CONTACTS, CONSENT_CHANGES, CONTACT_OUTCOMES, REMINDERS_SCHEDULED,
        REMINDERS_CANCELLED,
        OUTBOUND_NOTIFICATIONS, NOTIFICATION_STATUSES, INBOUND_MESSAGES, MESSAGING_INBOX, MESSAGE_LOG, OUTBOUND_DEAD_LETTERS,
        ONCALL_ALERT_OUTCOMES, NOTIFICATIONS_DEAD_LETTERS, CONNECT_DEAD_LETTERS, AUDIT_EVENTS, DEAD_LETTER_REPLAYS);

    private Topics() {
    }

    /**
     * The benchmark's raw topics (plain Kafka, measured as the ceiling careflow is compared with), described here like
     * every other topic but kept out of {@link #all()}, so that deployments never create them.
     */
    public static List<Topic<?, ?>> benchmark() {
        return List.of(BENCH_CEILING_PRODUCE, BENCH_CEILING_AGGREGATE_INPUT);
    }

    /**
     * Every topic the apps' provisioning creates, in a stable order, for creating them. streams-masterdata's topics are
     * listed apart ({@link #masterDataOwned()}, {@link #masterDataChanges()}): only deployments that run it create them.
     */
    public static List<Topic<?, ?>> all() {
        return ALL;
    }

    /** The topics streams-masterdata needs that nothing else creates: its dead-letter topic. */
    public static List<Topic<?, ?>> masterDataOwned() {
        return List.of(MASTERDATA_DEAD_LETTERS);
    }

    /**
     * Debezium's change topics streams-masterdata reads, under their default names. Kafka Connect creates them in a
     * deployment; the local stack creates them first so that the source finds them.
     */
    public static List<Topic<?, ?>> masterDataChanges() {
        return List.of(MASTERDATA_PROVIDERS, MASTERDATA_PROVIDER_SESSIONS, MASTERDATA_PATIENT_CONTACTS, MASTERDATA_FACILITIES);
    }

    /** A change topic descriptor named {@code name}: compacted, like every Debezium topic whose deletes are tombstones. */
    public static Topic<GenericRecord, GenericRecord> cdc(String name) {
        return new Topic<>(name, GenericRecord.class, GenericRecord.class, CDC_PARTITIONS, Topic.Cleanup.COMPACT);
    }
}
