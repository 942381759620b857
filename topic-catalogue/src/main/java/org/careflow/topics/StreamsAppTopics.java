package org.careflow.topics;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which catalogue topics each stateful streams app reads, and which of them must be co-partitioned: topics whose
 * records meet in one task (they share its state stores, directly or through a repartition topic sized from the
 * first topic of the group), so they must have the same partition count and be keyed alike. Kept next to the
 * catalogue so that topic creation ({@link TopicLayout}) and the operations tooling use one map; a test checks it
 * against the topologies' source topics.
 *
 * @param app the app's name (streams-triage, ...)
 * @param inputs every catalogue topic the app's topology reads
 * @param coPartitioned groups of inputs that must keep equal partition counts; the first of each group sizes the
 *     app's repartition topics that feed the same tasks
 */
public record StreamsAppTopics(String app, List<Topic<?, ?>> inputs, List<List<Topic<?, ?>>> coPartitioned) {

    /**
     * Submissions are scored in the patient's task (its history store); the queue's repartition topic is sized from
     * triage-dispositions, whose records meet the repartitioned assessments in the facility's task. Forms are a
     * global table.
     */
    public static final StreamsAppTopics TRIAGE = new StreamsAppTopics("streams-triage",
        List.of(Topics.TRIAGE_FORMS, Topics.TRIAGE_SUBMISSIONS, Topics.TRIAGE_DISPOSITIONS),
        List.of(List.of(Topics.TRIAGE_DISPOSITIONS)));

    /**
     * Schedules and booking requests share the provider's stores (and the provider-keyed repartition topics are sized
     * from booking-requests); cancellations look their booking up in the table of booking-outcomes;
     * scheduling-decisions is read back into its own store, joined with nothing.
     */
    public static final StreamsAppTopics SCHEDULING = new StreamsAppTopics("streams-scheduling",
        List.of(Topics.BOOKING_OUTCOMES, Topics.PROVIDER_SCHEDULES, Topics.BOOKING_REQUESTS, Topics.BOOKING_CANCELLATIONS,
            Topics.SCHEDULING_DECISIONS),
        List.of(List.of(Topics.BOOKING_REQUESTS, Topics.PROVIDER_SCHEDULES), List.of(Topics.BOOKING_OUTCOMES, Topics.BOOKING_CANCELLATIONS)));

    /**
     * The patient's task holds contacts and consent (and the patient-keyed repartition topics are sized from
     * patient-contacts); the phone index, fed from contacts through a repartition topic, resolves inbound messages;
     * the notification's task tracks outbound notifications and their statuses. Facilities (whom alerts page) are a
     * global table.
     */
    public static final StreamsAppTopics NOTIFICATIONS = new StreamsAppTopics("streams-notifications",
        List.of(Topics.PATIENT_CONTACTS, Topics.CONSENT_CHANGES, Topics.BOOKING_OUTCOMES, Topics.INBOUND_MESSAGES,
            Topics.OUTBOUND_NOTIFICATIONS, Topics.NOTIFICATION_STATUSES, Topics.TRIAGE_ALERTS, Topics.FACILITIES),
        List.of(List.of(Topics.PATIENT_CONTACTS, Topics.CONSENT_CHANGES, Topics.INBOUND_MESSAGES),
            List.of(Topics.OUTBOUND_NOTIFICATIONS, Topics.NOTIFICATION_STATUSES)));

    /**
     * streams-masterdata reads Debezium's change topics, named by its own configuration and created with them; its
     * provider-keyed repartition topics are sized from provider-schedules, which it writes, and meet no other input. It
     * also reads the data-access audit into its searchable store, which joins nothing.
     */
    public static final StreamsAppTopics MASTERDATA = new StreamsAppTopics("streams-masterdata", List.of(Topics.AUDIT_EVENTS), List.of());

    private static final List<StreamsAppTopics> ALL = List.of(TRIAGE, SCHEDULING, NOTIFICATIONS, MASTERDATA);

    public StreamsAppTopics {
        Objects.requireNonNull(app, "app");
        inputs = List.copyOf(inputs);
        coPartitioned = coPartitioned.stream().map(List::copyOf).toList();
    }

    /** Every streams app, in a stable order. */
    public static List<StreamsAppTopics> all() {
        return ALL;
    }

    /** The app called {@code app}, if careflow has one. */
    public static Optional<StreamsAppTopics> of(String app) {
        return ALL.stream().filter(a -> a.app.equals(app)).findFirst();
    }

    /** Whether the app reads the topic named {@code topic}. */
    public boolean reads(String topic) {
        return inputs.stream().anyMatch(t -> t.name().equals(topic));
    }

    /** The co-partition group holding {@code topic}, or just the topic when it is in none. */
    public List<Topic<?, ?>> groupOf(Topic<?, ?> topic) {
        return coPartitioned.stream().filter(g -> g.stream().anyMatch(t -> t.name().equals(topic.name()))).findFirst()
            .orElse(List.of(topic));
    }
}
