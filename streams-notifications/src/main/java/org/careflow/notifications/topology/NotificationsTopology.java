package org.careflow.notifications.topology;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.events.facilities.Facility;
import org.careflow.events.notifications.InboundMessage;
import org.careflow.events.notifications.PatientContact;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.notifications.NotificationsConfig;
import org.careflow.state.notifications.AwaitingFacility;
import org.careflow.state.notifications.ContactTrust;
import org.careflow.state.notifications.MessageStatusUpdate;
import org.careflow.state.notifications.NotificationRecord;
import org.careflow.state.notifications.PatientMessages;
import org.careflow.state.notifications.PatientReminders;
import org.careflow.state.notifications.PhoneIndexUpdate;
import org.careflow.state.notifications.PhonePatients;
import org.careflow.topics.AppGraph;
import org.careflow.topics.BusinessMetrics;
import org.careflow.topics.EventSerdes;
import org.careflow.topics.Topic;
import org.careflow.topics.Topics;

/**
 * The notifications graph, in four parts by key. The patient's task (keyed by patientId) holds contacts, planned
 * reminders and the conversation log: it plans reminders for confirmed bookings, sends them when a wall-clock
 * punctuator finds them due, and acts on replies. The phone's task (keyed by the sender's phone) finds who wrote. The
 * notification's task (keyed by notificationId) tracks delivery statuses. Deterioration alerts become on-call
 * notifications for the contacts of the facility's record (a global store of the facilities topic), with an outcome
 * record for each alert. Only builds the graph; no I/O.
 */
public final class NotificationsTopology {

    public static final String OUTCOMES_SOURCE = "booking-outcomes-source";
    public static final String OUTCOMES_BY_PATIENT = "booking-outcomes-by-patient";
    public static final String PLAN_REMINDERS = "plan-reminders";
    public static final String CONTACTS_SOURCE = "patient-contacts-source";
    public static final String APPLY_CONTACT = "apply-contact";
    public static final String CONSENTS_SOURCE = "consent-changes-source";
    public static final String APPLY_CONSENT = "apply-consent";
    public static final String INBOUND_SOURCE = "inbound-messages-source";
    public static final String RESOLVE_SENDER = "resolve-sender";
    public static final String INDEX_PHONE = "index-phone";
    public static final String INDEX_SENT = "index-sent";
    public static final String ACT_ON_REPLY = "act-on-reply";
    public static final String OUTBOUND_SOURCE = "outbound-notifications-source";
    public static final String STATUSES_SOURCE = "notification-statuses-source";
    public static final String TRACK_OUTBOUND = "track-outbound";
    public static final String TRACK_STATUS = "track-status";
    public static final String UPDATE_MESSAGE_LOG = "update-message-log";
    public static final String ALERTS_SOURCE = "triage-alerts-source";
    public static final String ALERT_TO_NOTIFICATION = "alert-to-notification";
    public static final String FACILITIES_SOURCE = "facilities-source";
    public static final String MERGE_PATIENT_STEPS = "merge-patient-steps";

    /** Repartition topics (prefixed with the application id). */
    public static final String BOOKINGS_BY_PATIENT = "notifications-bookings-by-patient";
    public static final String CONTACTS_BY_PHONE = "notifications-contacts-by-phone";
    public static final String REPLIES_BY_PATIENT = "notifications-replies-by-patient";
    public static final String STATUSES_BY_PATIENT = "notifications-statuses-by-patient";
    public static final String SENT_BY_PHONE = "notifications-sent-by-phone";

    /** Each patient's own contact record (written by the patient or a trusted system) with the latest consent decision, keyed by patientId. */
    public static final String CONTACTS_STORE = "notifications-contacts-store";
    /**
     * Who may change each patient's contact (linked facilities, the phone's trust, a pending verification) and what each
     * linked facility wrote, for that facility's messages alone; keyed by patientId.
     */
    public static final String CONTACT_TRUST_STORE = "notifications-contact-trust-store";
    /** Each patient's bookings and their planned messages, keyed by patientId. */
    public static final String REMINDERS_STORE = "notifications-reminders-store";
    /** Pending reminders ordered by due time: key zero-padded dueAt/reminderId, value patientId. */
    public static final String DUE_INDEX_STORE = "notifications-due-index-store";
    /** Each patient's recent conversation, keyed by patientId. */
    public static final String MESSAGES_STORE = "notifications-messages-store";
    /** The patients bound to each phone number, those verifying it and what was sent to it, keyed by phone (E.164). */
    public static final String PHONE_INDEX_STORE = "notifications-phone-index-store";
    /** Every registered facility (a global store of the facilities topic), keyed by facilityId: whom alerts page. */
    public static final String FACILITIES_STORE = "notifications-facilities-store";
    /** Alerts waiting for their facility's record to reach the global store, keyed by the alert's eventId. */
    public static final String ALERTS_AWAITING_FACILITY_STORE = "notifications-alerts-awaiting-facility-store";
    /** Each notification and its delivery history, keyed by notificationId. */
    public static final String NOTIFICATIONS_STORE = "notifications-store";

    private NotificationsTopology() {
    }

    /** The graph, counting nothing. */
    public static Topology build(NotificationsConfig config, EventSerdes serdes) {
        return build(config, serdes, BusinessMetrics.NONE);
    }

    /** The graph, counting contact decisions and on-call alert outcomes into {@code metrics}. */
    public static Topology build(NotificationsConfig config, EventSerdes serdes, BusinessMetrics metrics) {
        AppGraph graph = AppGraph.start(config, serdes);
        Objects.requireNonNull(metrics, "metrics");
        StreamsBuilder builder = graph.builder();
        int partitions = graph.partitions(Topics.PATIENT_CONTACTS);
        int maxLog = config.messageLogMaxEntries();

        graph.keyValueStore(CONTACTS_STORE, PatientContact.class);
        graph.keyValueStore(CONTACT_TRUST_STORE, ContactTrust.class);
        graph.keyValueStore(REMINDERS_STORE, PatientReminders.class);
        graph.stringStore(DUE_INDEX_STORE);
        graph.keyValueStore(MESSAGES_STORE, PatientMessages.class);
        graph.keyValueStore(PHONE_INDEX_STORE, PhonePatients.class);
        graph.keyValueStore(ALERTS_AWAITING_FACILITY_STORE, AwaitingFacility.class);
        graph.keyValueStore(NOTIFICATIONS_STORE, NotificationRecord.class);

        // The patient's task: contacts and consent, reminders, replies, and the conversation log share its stores.
        KStream<String, Emissions> contactSteps = builder.stream(Topics.PATIENT_CONTACTS.name(),
                Topics.PATIENT_CONTACTS.consumed(serdes, CONTACTS_SOURCE))
            .process(() -> new ApplyContactProcessor(metrics, maxLog), Named.as(APPLY_CONTACT),
                CONTACTS_STORE, CONTACT_TRUST_STORE, REMINDERS_STORE, MESSAGES_STORE);
        builder.stream(Topics.CONSENT_CHANGES.name(),
                Topics.CONSENT_CHANGES.consumed(serdes, CONSENTS_SOURCE))
            .process(ApplyConsentProcessor::new, Named.as(APPLY_CONSENT), CONTACTS_STORE, CONTACT_TRUST_STORE);
        KStream<String, Emissions> reminderSteps = builder.stream(Topics.BOOKING_OUTCOMES.name(),
                Topics.BOOKING_OUTCOMES.consumed(serdes, OUTCOMES_SOURCE))
            .filter((bookingId, outcome) -> outcome != null, Named.as(OUTCOMES_BY_PATIENT + "-present"))
            .selectKey((bookingId, outcome) -> outcome.getPatientId(), Named.as(OUTCOMES_BY_PATIENT))
            .repartition(repartitioned(BOOKINGS_BY_PATIENT, BookingOutcome.class, partitions, serdes))
            .process(() -> new PlanRemindersProcessor(config.reminderPolicy(), config.punctuateInterval(), maxLog, metrics),
                Named.as(PLAN_REMINDERS), REMINDERS_STORE, DUE_INDEX_STORE, CONTACTS_STORE, MESSAGES_STORE, CONTACT_TRUST_STORE);

        // The phone's task finds who wrote; the patient's task acts on it.
        KStream<String, Emissions> senderSteps = builder.stream(Topics.INBOUND_MESSAGES.name(),
                Topics.INBOUND_MESSAGES.consumed(serdes, INBOUND_SOURCE))
            .process(() -> new ResolveSenderProcessor(config.replyVocabulary(), config.reminderPolicy().defaultLanguage()),
                Named.as(RESOLVE_SENDER), PHONE_INDEX_STORE);
        KStream<String, Emissions> replySteps = fanOut(senderSteps, Emissions::replies, "replies-of-senders")
            .repartition(repartitioned(REPLIES_BY_PATIENT, InboundMessage.class, partitions, serdes))
            .process(() -> new ActOnReplyProcessor(config.replyVocabulary(), maxLog, metrics), Named.as(ACT_ON_REPLY),
                CONTACTS_STORE, REMINDERS_STORE, MESSAGES_STORE, CONTACT_TRUST_STORE);

        // The notification's task tracks delivery and tells the patient's conversation log.
        ProcessorSupplier<String, SpecificRecord, String, Emissions> tracker = TrackNotificationProcessor::new;
        KStream<String, Emissions> tracked = builder.stream(Topics.OUTBOUND_NOTIFICATIONS.name(),
                Topics.OUTBOUND_NOTIFICATIONS.consumed(serdes, OUTBOUND_SOURCE))
            .process(tracker, Named.as(TRACK_OUTBOUND), NOTIFICATIONS_STORE);
        KStream<String, Emissions> statusTracked = builder.stream(Topics.NOTIFICATION_STATUSES.name(),
                Topics.NOTIFICATION_STATUSES.consumed(serdes, STATUSES_SOURCE))
            .process(tracker, Named.as(TRACK_STATUS), NOTIFICATIONS_STORE);
        KStream<String, Emissions> tracking = tracked.merge(statusTracked, Named.as("merge-tracking"));
        KStream<String, Emissions> logSteps = fanOut(tracking, Emissions::statusUpdates, "status-updates-of-tracking")
            .repartition(repartitioned(STATUSES_BY_PATIENT, MessageStatusUpdate.class, partitions, serdes))
            .process(UpdateMessageLogProcessor::new, Named.as(UPDATE_MESSAGE_LOG), MESSAGES_STORE);

        KStream<String, Emissions> alertSteps = builder.stream(Topics.TRIAGE_ALERTS.name(), Topics.TRIAGE_ALERTS.consumed(serdes, ALERTS_SOURCE))
            .process(() -> new AlertToNotificationProcessor(config.onCallContacts(), config.reminderPolicy().defaultLanguage(), metrics,
                config.alertFacilityWait()), Named.as(ALERT_TO_NOTIFICATION), ALERTS_AWAITING_FACILITY_STORE);

        KStream<String, Emissions> patientSteps = contactSteps.merge(reminderSteps, Named.as("merge-contact-steps"))
            .merge(replySteps, Named.as("merge-reply-steps")).merge(logSteps, Named.as(MERGE_PATIENT_STEPS));

        // The phone index: which patients a phone is bound to or pending for (from the patient's task), and what was
        // sent to it (from the notification's task), each through its own repartition topic keyed by the phone.
        fanOut(patientSteps, Emissions::phoneUpdates, "phone-updates-of-patient")
            .repartition(repartitioned(CONTACTS_BY_PHONE, PhoneIndexUpdate.class, partitions, serdes))
            .process(IndexPhoneProcessor::new, Named.as(INDEX_PHONE), PHONE_INDEX_STORE);
        fanOut(tracking, Emissions::phoneUpdates, "phone-updates-of-tracking")
            .repartition(repartitioned(SENT_BY_PHONE, PhoneIndexUpdate.class, partitions, serdes))
            .process(IndexPhoneProcessor::new, Named.as(INDEX_SENT), PHONE_INDEX_STORE);
        // Alerts page the contacts on the facility's record: every instance holds every facility (a global store), so
        // the alert's task finds its facility whatever the partitioning, and an unregistered facility pages nobody.
        builder.globalTable(Topics.FACILITIES.name(), Topics.FACILITIES.consumed(serdes, FACILITIES_SOURCE),
            Materialized.<String, Facility, KeyValueStore<Bytes, byte[]>>as(FACILITIES_STORE)
                .withKeySerde(Serdes.String()).withValueSerde(serdes.valueSerde(Topics.FACILITIES)));

        sink(patientSteps, Emissions::scheduled, Topics.REMINDERS_SCHEDULED, "patient", serdes);
        sink(patientSteps, Emissions::cancelled, Topics.REMINDERS_CANCELLED, "patient", serdes);
        sink(patientSteps, Emissions::outbound, Topics.OUTBOUND_NOTIFICATIONS, "patient", serdes);
        sink(patientSteps, Emissions::cancellations, Topics.BOOKING_CANCELLATIONS, "patient", serdes);
        sink(patientSteps, Emissions::consents, Topics.CONSENT_CHANGES, "patient", serdes);
        sink(patientSteps, Emissions::inbox, Topics.MESSAGING_INBOX, "patient", serdes);
        sink(patientSteps, Emissions::messageLog, Topics.MESSAGE_LOG, "patient", serdes);
        sink(patientSteps, Emissions::contactOutcomes, Topics.CONTACT_OUTCOMES, "patient", serdes);
        sink(senderSteps, Emissions::inbox, Topics.MESSAGING_INBOX, "sender", serdes);
        sink(senderSteps, Emissions::outbound, Topics.OUTBOUND_NOTIFICATIONS, "sender", serdes);
        sink(alertSteps, Emissions::outbound, Topics.OUTBOUND_NOTIFICATIONS, "alert", serdes);
        sink(alertSteps, Emissions::alertOutcomes, Topics.ONCALL_ALERT_OUTCOMES, "alert", serdes);
        return builder.build();
    }

    private static <V> KStream<String, V> fanOut(KStream<String, Emissions> from, Function<Emissions, List<KeyValue<String, V>>> which, String name) {
        return from.flatMap((k, e) -> which.apply(e), Named.as(name));
    }

    /** Writes one kind of emission of {@code from} to its topic, through processors named after both. */
    private static <V> void sink(KStream<String, Emissions> from, Function<Emissions, List<KeyValue<String, V>>> which,
                                 Topic<String, V> topic, String part, EventSerdes serdes) {
        fanOut(from, which, topic.name() + "-of-" + part)
            .to(topic.name(), topic.produced(serdes, topic.name() + "-sink-of-" + part));
    }

    private static <V> Repartitioned<String, V> repartitioned(String name, Class<V> type, int partitions, EventSerdes serdes) {
        return Repartitioned.<String, V>as(name)
            .withKeySerde(Serdes.String())
            .withValueSerde(serdes.stateSerde(type))
            .withNumberOfPartitions(partitions);
    }
}
