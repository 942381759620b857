package org.careflow.scheduling.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.scheduling.SchedulingDecision;
import org.careflow.scheduling.SchedulingConfig;
import org.careflow.state.scheduling.AwaitingBooking;
import org.careflow.state.scheduling.PatientAppointments;
import org.careflow.state.scheduling.ProviderBooking;
import org.careflow.state.scheduling.SchedulingCommand;
import org.careflow.state.scheduling.SlotState;
import org.careflow.topics.AppGraph;
import org.careflow.topics.BusinessMetrics;
import org.careflow.topics.EventSerdes;
import org.careflow.topics.Topics;

/**
 * The scheduling graph: a booking saga of three steps under exactly-once processing. The provider's task
 * (keyed by providerId) holds the slot; the patient's task (keyed by patientId) rejects overlaps with any
 * provider; the provider's task then books or frees the slot. Cancellations find their provider through
 * the bookings table (keyed by bookingId). Every step's state change and its message to the next step
 * commit together, so an interrupted step is redone, never half done. A provider's state is keyed by the provider and
 * its facility; a booking id is careflow's derivation of the facility, patient, provider and client id, checked where
 * the booking is stored. Every schedule, booking and cancellation gets a decision on scheduling-decisions (read back
 * into a store for the query API); a refusal is such a decision, counted, and changes nothing else.
 * Only builds the graph; no I/O.
 */
public final class SchedulingTopology {

    public static final String SCHEDULES_SOURCE = "provider-schedules-source";
    public static final String APPLY_SCHEDULE = "apply-schedule";
    public static final String REQUESTS_SOURCE = "booking-requests-source";
    public static final String DECIDE_BOOKING = "decide-booking";
    public static final String APPLY_DECISION = "apply-patient-decision";
    public static final String APPLY_CANCEL = "apply-cancellation";
    public static final String MERGE_PROVIDER_STEPS = "merge-provider-steps";
    public static final String OUTCOMES_OF_PROVIDER_STEPS = "outcomes-of-provider-steps";
    public static final String OUTCOMES_SINK = "booking-outcomes-sink";
    public static final String CHECKS_OF_DECIDE = "patient-checks-of-decide";
    public static final String RELEASES_OF_PROVIDER_STEPS = "patient-releases-of-provider-steps";
    public static final String CHECK_PATIENT = "check-patient";
    public static final String RELEASE_PATIENT = "release-patient";
    public static final String DECISIONS_OF_PATIENT_STEP = "provider-decisions-of-patient-step";
    public static final String OUTCOMES_SOURCE = "booking-outcomes-source";
    public static final String CANCELLATIONS_SOURCE = "booking-cancellations-source";
    public static final String LOOKUP_CANCELLATION = "lookup-cancellation";
    public static final String CANCELS_OF_LOOKUP = "provider-cancels-of-lookup";
    public static final String MERGE_SCHEDULE_AND_BOOKING_STEPS = "merge-schedule-and-booking-steps";
    public static final String DECISIONS_OF_PROVIDER_STEPS = "decisions-of-provider-steps";
    public static final String PROVIDER_DECISIONS_SINK = "provider-steps-decisions-sink";
    public static final String DECISIONS_OF_LOOKUP = "decisions-of-lookup";
    public static final String LOOKUP_DECISIONS_SINK = "lookup-decisions-sink";
    public static final String DECISIONS_SOURCE = "scheduling-decisions-source";
    public static final String STORE_DECISION = "store-decision";

    /** Repartition topics (prefixed with the application id). */
    public static final String PATIENT_CHECKS = "scheduling-patient-checks";
    public static final String PATIENT_RELEASES = "scheduling-patient-releases";
    public static final String PROVIDER_DECISIONS = "scheduling-provider-decisions";
    public static final String PROVIDER_CANCELS = "scheduling-provider-cancels";

    /** Each facility's provider's current schedule, keyed (providerId, facilityId): see {@link SlotKeys#provider}. */
    public static final String SCHEDULES_STORE = "scheduling-schedules-store";
    /** Held and booked slots (free ones are not stored), keyed providerId, facilityId, start: see {@link SlotKeys}. */
    public static final String SLOTS_STORE = "scheduling-slots-store";
    /** The providers of each facility held by this task, keyed facilityId then providerId. */
    public static final String FACILITY_PROVIDERS_STORE = "scheduling-facility-providers-store";
    /** Bookings as their provider's task knows them, keyed by bookingId. */
    public static final String PROVIDER_BOOKINGS_STORE = "scheduling-provider-bookings-store";
    /** Each patient's appointments with every provider, keyed by patientId. */
    public static final String PATIENT_APPOINTMENTS_STORE = "scheduling-patient-appointments-store";
    /** Every booking's current state (the booking-outcomes topic as a table), keyed by bookingId. */
    public static final String BOOKINGS_STORE = "scheduling-bookings-store";
    /** Cancellations waiting for their booking to show in the bookings table, keyed bookingId NUL the cancellation's eventId. */
    public static final String AWAITING_BOOKING_STORE = "scheduling-awaiting-booking-store";
    /** The holds ($hold) of a provider's task by when they expire: see {@link Holds}. */
    public static final String HOLDS_STORE = "scheduling-holds-store";
    /** The decision on each request, taken or refused (the scheduling-decisions topic), keyed by requestId. */
    public static final String DECISIONS_STORE = "scheduling-decisions-store";

    private SchedulingTopology() {
    }

    public static Topology build(SchedulingConfig config, EventSerdes serdes) {
        return build(config, serdes, BusinessMetrics.NONE);
    }

    /** The graph, counting each published booking outcome's status and rejection reason into {@code metrics}. */
    public static Topology build(SchedulingConfig config, EventSerdes serdes, BusinessMetrics metrics) {
        AppGraph graph = AppGraph.start(config, serdes);
        Objects.requireNonNull(metrics, "metrics");
        StreamsBuilder builder = graph.builder();
        int partitions = graph.partitions(Topics.BOOKING_REQUESTS);

        graph.keyValueStore(SCHEDULES_STORE, ProviderSchedule.class);
        graph.keyValueStore(SLOTS_STORE, SlotState.class);
        graph.stringStore(FACILITY_PROVIDERS_STORE);
        graph.keyValueStore(AWAITING_BOOKING_STORE, AwaitingBooking.class);
        graph.keyValueStore(PROVIDER_BOOKINGS_STORE, ProviderBooking.class);
        graph.stringStore(HOLDS_STORE);
        graph.keyValueStore(PATIENT_APPOINTMENTS_STORE, PatientAppointments.class);
        // The table's store writes a changelog owned by this app: its serde (the Consumed one is used for the store
        // as well) registers that changelog's schema itself; reading the topic only looks schemas up by id.
        builder.table(Topics.BOOKING_OUTCOMES.name(),
            Consumed.with(Serdes.String(), serdes.internalValueSerde(BookingOutcome.class)).withName(OUTCOMES_SOURCE),
            Materialized.<String, BookingOutcome, KeyValueStore<Bytes, byte[]>>as(BOOKINGS_STORE)
                .withKeySerde(Serdes.String()).withValueSerde(serdes.internalValueSerde(BookingOutcome.class)));

        graph.keyValueStore(DECISIONS_STORE, SchedulingDecision.class);
        builder.stream(Topics.SCHEDULING_DECISIONS.name(), Topics.SCHEDULING_DECISIONS.consumed(serdes, DECISIONS_SOURCE))
            .process(() -> new StoreDecisionProcessor(config.decisionRetention(), config.retentionPurgeInterval()),
                Named.as(STORE_DECISION), DECISIONS_STORE);

        KStream<String, Emissions> scheduled = builder.stream(Topics.PROVIDER_SCHEDULES.name(),
                Topics.PROVIDER_SCHEDULES.consumed(serdes, SCHEDULES_SOURCE))
            .process(ApplyScheduleProcessor::new, Named.as(APPLY_SCHEDULE), SCHEDULES_STORE, SLOTS_STORE, FACILITY_PROVIDERS_STORE);

        // Step 1: the provider's task holds the slot or rejects.
        KStream<String, Emissions> decided = builder.stream(Topics.BOOKING_REQUESTS.name(), Topics.BOOKING_REQUESTS.consumed(serdes, REQUESTS_SOURCE))
            .process(() -> new DecideBookingProcessor(config.horizon(), config.closedBookingRetention(), config.retentionPurgeInterval(),
                    config.holdDuration()),
                Named.as(DECIDE_BOOKING), SCHEDULES_STORE, SLOTS_STORE, PROVIDER_BOOKINGS_STORE, HOLDS_STORE);

        // Step 2: the patient's task confirms unless the patient is busy then.
        KStream<String, Emissions> patientDecided = commands(decided, Emissions::toPatient, SchedulingCommand::getPatientId, CHECKS_OF_DECIDE)
            .repartition(repartitioned(PATIENT_CHECKS, partitions, serdes))
            .process(PatientStepProcessor::new, Named.as(CHECK_PATIENT), PATIENT_APPOINTMENTS_STORE);

        // Cancellations find their provider in the bookings table.
        KStream<String, Emissions> cancels = builder.stream(Topics.BOOKING_CANCELLATIONS.name(),
                Topics.BOOKING_CANCELLATIONS.consumed(serdes, CANCELLATIONS_SOURCE))
            .process(() -> new CancellationLookupProcessor(config.cancellationWait()), Named.as(LOOKUP_CANCELLATION),
                BOOKINGS_STORE, AWAITING_BOOKING_STORE);

        // Step 3: the provider's task books or frees the slot, and applies cancellations.
        KStream<String, Emissions> applied = commands(patientDecided, Emissions::toProvider, SchedulingCommand::getProviderId, DECISIONS_OF_PATIENT_STEP)
            .repartition(repartitioned(PROVIDER_DECISIONS, partitions, serdes))
            .process(ApplyProviderCommandProcessor::new, Named.as(APPLY_DECISION), SLOTS_STORE, PROVIDER_BOOKINGS_STORE, HOLDS_STORE);
        KStream<String, Emissions> cancelled = commands(cancels, Emissions::toProvider, SchedulingCommand::getProviderId, CANCELS_OF_LOOKUP)
            .repartition(repartitioned(PROVIDER_CANCELS, partitions, serdes))
            .process(ApplyProviderCommandProcessor::new, Named.as(APPLY_CANCEL), SLOTS_STORE, PROVIDER_BOOKINGS_STORE, HOLDS_STORE);

        KStream<String, Emissions> providerSteps = decided.merge(applied).merge(cancelled, Named.as(MERGE_PROVIDER_STEPS));
        providerSteps
            .flatMap((key, e) -> {
                List<KeyValue<String, BookingOutcome>> records = new ArrayList<>();
                for (BookingOutcome o : e.outcomes()) {
                    metrics.booking(o.getStatus().name(), o.getRejectionReason() == null ? null : o.getRejectionReason().name());
                    records.add(KeyValue.pair(o.getBookingId(), o));
                }
                // Retention ran out: a tombstone, so the table, the notifications and the sinks forget the booking.
                e.expired().forEach(id -> records.add(KeyValue.pair(id, null)));
                return records;
            }, Named.as(OUTCOMES_OF_PROVIDER_STEPS))
            .to(Topics.BOOKING_OUTCOMES.name(), Topics.BOOKING_OUTCOMES.produced(serdes, OUTCOMES_SINK));
        // Every decision of a deciding step, refusals counted by reason, keyed by the request it answers. The provider's
        // steps and the cancellation lookup have sinks of their own: merging them would fuse their sub-topologies.
        decisions(scheduled.merge(decided, Named.as(MERGE_SCHEDULE_AND_BOOKING_STEPS)), DECISIONS_OF_PROVIDER_STEPS,
            PROVIDER_DECISIONS_SINK, serdes, metrics);
        decisions(cancels, DECISIONS_OF_LOOKUP, LOOKUP_DECISIONS_SINK, serdes, metrics);
        // Releases end at the patient's task: they send nothing on, so the saga has no cycle.
        commands(applied.merge(cancelled), Emissions::toPatient, SchedulingCommand::getPatientId, RELEASES_OF_PROVIDER_STEPS)
            .repartition(repartitioned(PATIENT_RELEASES, partitions, serdes))
            .process(PatientStepProcessor::new, Named.as(RELEASE_PATIENT), PATIENT_APPOINTMENTS_STORE);

        return builder.build();
    }

    private static void decisions(KStream<String, Emissions> from, String name, String sink, EventSerdes serdes, BusinessMetrics metrics) {
        from.flatMap((key, e) -> e.decisions().stream().map(d -> {
                if (d.getReason() != null) {
                    metrics.schedulingRefusal(d.getKind().name(), d.getReason().name());
                }
                return KeyValue.pair(d.getRequestId(), d);
            }).toList(), Named.as(name))
            .to(Topics.SCHEDULING_DECISIONS.name(), Topics.SCHEDULING_DECISIONS.produced(serdes, sink));
    }

    private static KStream<String, SchedulingCommand> commands(KStream<String, Emissions> from, Function<Emissions, List<SchedulingCommand>> which,
                                                           Function<SchedulingCommand, String> key, String name) {
        return from.flatMap((k, e) -> which.apply(e).stream().map(c -> KeyValue.pair(key.apply(c), c)).toList(), Named.as(name));
    }

    private static Repartitioned<String, SchedulingCommand> repartitioned(String name, int partitions, EventSerdes serdes) {
        return Repartitioned.<String, SchedulingCommand>as(name)
            .withKeySerde(Serdes.String())
            .withValueSerde(serdes.stateSerde(SchedulingCommand.class))
            .withNumberOfPartitions(partitions);
    }
}
