package org.careflow.scheduling.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.careflow.events.scheduling.BookingRequest;
import org.careflow.events.scheduling.BookingStatus;
import org.careflow.events.scheduling.RejectionReason;
import org.careflow.state.scheduling.CommandKind;
import org.careflow.state.scheduling.PatientAppointments;
import org.careflow.state.scheduling.ProviderBooking;
import org.careflow.state.scheduling.SchedulingCommand;
import org.careflow.state.scheduling.SlotState;
import org.careflow.topics.BookingIds;
import org.careflow.topics.PlainAvroEventSerdes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each step of the booking saga on its own, with in-memory stores. */
class SagaProcessorsTest {

    private static final Instant NOW = Instant.parse("2026-11-23T08:00:00Z");
    private static final Instant TEN = Instant.parse("2026-11-23T10:00:00Z");
    private static final PlainAvroEventSerdes SERDES = new PlainAvroEventSerdes();

    private MockProcessorContext<String, Emissions> context;
    private final DecideBookingProcessor decide = new DecideBookingProcessor(Duration.ofDays(56), Duration.ofDays(30), Duration.ofHours(1),
        Duration.ofMinutes(10));
    private final PatientStepProcessor patient = new PatientStepProcessor();
    private final ApplyProviderCommandProcessor apply = new ApplyProviderCommandProcessor();
    private final ApplyScheduleProcessor applySchedule = new ApplyScheduleProcessor();
    private KeyValueStore<String, SlotState> slots;
    private KeyValueStore<String, String> facilityProviders;

    @BeforeEach
    void init() {
        context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(NOW.toEpochMilli());
        KeyValueStore<String, org.careflow.events.scheduling.ProviderSchedule> schedules =
            store(SchedulingTopology.SCHEDULES_STORE, SERDES.internalValueSerde(org.careflow.events.scheduling.ProviderSchedule.class));
        schedules.put(SlotKeys.provider("f-1", "dr-a"), SchedulingTopologyTest.schedule("dr-a", "f-1"));
        slots = store(SchedulingTopology.SLOTS_STORE, SERDES.internalValueSerde(SlotState.class));
        store(SchedulingTopology.PROVIDER_BOOKINGS_STORE, SERDES.internalValueSerde(ProviderBooking.class));
        store(SchedulingTopology.PATIENT_APPOINTMENTS_STORE, SERDES.internalValueSerde(PatientAppointments.class));
        facilityProviders = store(SchedulingTopology.FACILITY_PROVIDERS_STORE, Serdes.String());
        store(SchedulingTopology.HOLDS_STORE, Serdes.String());
        decide.init(context);
        patient.init(context);
        apply.init(context);
        applySchedule.init(context);
    }

    @Test
    void shouldIndexProviderAndFlagBookedSlotsWhenScheduleChanges() {
        applySchedule.process(new Record<>("dr-a", SchedulingTopologyTest.schedule("dr-a", "f-1"), 0L));
        decide.process(request("b-1", "p-1", TEN));
        assertThat(facilityProviders.get(SlotKeys.facilityProvider("f-1", "dr-a"))).isEqualTo("dr-a");

        var afternoons = SchedulingTopologyTest.schedule("dr-a", "f-1");
        afternoons.setWeeklyTemplate(List.of(SchedulingTopologyTest.session(org.careflow.events.scheduling.Weekday.MONDAY, 14, 17)));
        applySchedule.process(new Record<>("dr-a", afternoons, 0L));
        assertThat(slots.get(SlotKeys.slot("f-1", "dr-a", TEN)).getOutsideSchedule()).isTrue();

        applySchedule.process(new Record<>("dr-a", SchedulingTopologyTest.schedule("dr-a", "f-1"), 0L));
        assertThat(slots.get(SlotKeys.slot("f-1", "dr-a", TEN)).getOutsideSchedule()).as("covered again").isFalse();
    }

    @Test
    void shouldIndexAnotherFacilitysProviderOfTheSameIdSeparatelyWhenItPublishesASchedule() {
        applySchedule.process(new Record<>("dr-a", SchedulingTopologyTest.schedule("dr-a", "f-1"), 0L));
        decide.process(request("b-1", "p-1", TEN));

        var elsewhere = SchedulingTopologyTest.schedule("dr-a", "f-2");
        elsewhere.setWeeklyTemplate(List.of(SchedulingTopologyTest.session(org.careflow.events.scheduling.Weekday.MONDAY, 14, 17)));
        applySchedule.process(new Record<>("dr-a", elsewhere, 0L));

        assertThat(facilityProviders.get(SlotKeys.facilityProvider("f-1", "dr-a"))).isEqualTo("dr-a");
        assertThat(facilityProviders.get(SlotKeys.facilityProvider("f-2", "dr-a"))).isEqualTo("dr-a");
        assertThat(slots.get(SlotKeys.slot("f-1", "dr-a", TEN)).getOutsideSchedule()).as("f-1's provider is untouched").isFalse();
    }

    @Test
    void shouldHoldSlotAndAskThePatientStepWhenSlotIsFree() {
        decide.process(request("b-1", "p-1", TEN));

        Emissions out = forwarded(0);
        assertThat(out.outcomes()).singleElement().satisfies(o -> assertThat(o.getStatus()).isEqualTo(BookingStatus.PENDING));
        assertThat(out.toPatient()).singleElement().satisfies(c -> assertThat(c.getKind()).isEqualTo(CommandKind.CHECK_PATIENT));
        assertThat(slots.get(SlotKeys.slot("f-1", "dr-a", TEN)).getBookingId()).isEqualTo(BookingIds.of(null, "p-1", "dr-a", "b-1"));
    }

    @Test
    void shouldRepeatTheKnownOutcomeAndAskNothingWhenBookingIdComesAgain() {
        decide.process(request("b-1", "p-1", TEN));
        decide.process(request("b-1", "p-1", TEN.plusSeconds(1800)));

        Emissions again = forwarded(1);
        assertThat(again.outcomes()).singleElement().satisfies(o -> assertThat(o.getSlotStart()).isEqualTo(TEN));
        assertThat(again.toPatient()).isEmpty();
        assertThat(slots.get(SlotKeys.slot("f-1", "dr-a", TEN.plusSeconds(1800)))).isNull();
    }

    @Test
    void shouldRejectOverlapAcrossProvidersAndRepeatTheSameDecisionWhenAskedTwice() {
        patient.process(check("b-1", "dr-a", TEN, null));
        patient.process(check("b-2", "dr-b", TEN.plusSeconds(900), null));
        patient.process(check("b-2", "dr-b", TEN.plusSeconds(900), null));

        assertThat(decision(0).getConfirmed()).isTrue();
        assertThat(decision(1).getConfirmed()).isFalse();
        assertThat(decision(1).getReason()).isEqualTo("PATIENT_OVERLAP");
        assertThat(decision(2).getConfirmed()).as("the same answer again").isFalse();
    }

    @Test
    void shouldCancelTheReplacedBookingOnlyWhenTheRescheduleIsConfirmed() {
        patient.process(check("b-1", "dr-a", TEN, null));
        patient.process(check("b-2", "dr-b", TEN.plusSeconds(900), "b-1"));

        Emissions out = forwarded(1);
        assertThat(out.toProvider()).extracting(SchedulingCommand::getKind).containsExactly(CommandKind.DECIDED, CommandKind.CANCEL);
        assertThat(out.toProvider().get(0).getConfirmed()).isTrue();
        assertThat(out.toProvider().get(1).getBookingId()).isEqualTo("b-1");
        assertThat(out.toProvider().get(1).getProviderId()).isEqualTo("dr-a");
    }

    @Test
    void shouldCancelAtOnceWhenCancellationArrivedWhileBookingWasPending() {
        decide.process(request("b-1", "p-1", TEN));
        SchedulingCommand pending = forwarded(0).toPatient().get(0);
        apply.process(new Record<>("dr-a", SchedulingCommand.newBuilder(pending).setKind(CommandKind.CANCEL).setReason("changed mind").build(), 0L));

        apply.process(new Record<>("dr-a", SchedulingCommand.newBuilder(pending).setKind(CommandKind.DECIDED).setConfirmed(true).build(), 0L));

        Emissions out = forwarded(1);
        assertThat(out.outcomes()).extracting(o -> o.getStatus()).containsExactly(BookingStatus.CONFIRMED, BookingStatus.CANCELLED);
        assertThat(out.toPatient()).singleElement().satisfies(c -> assertThat(c.getKind()).isEqualTo(CommandKind.RELEASE_PATIENT));
        assertThat(slots.get(SlotKeys.slot("f-1", "dr-a", TEN))).isNull();
    }

    @Test
    void shouldFreeTheHeldSlotWhenThePatientStepRejects() {
        decide.process(request("b-1", "p-1", TEN));
        SchedulingCommand pending = forwarded(0).toPatient().get(0);

        apply.process(new Record<>("dr-a", SchedulingCommand.newBuilder(pending).setKind(CommandKind.DECIDED).setConfirmed(false).build(), 0L));

        assertThat(forwarded(1).outcomes()).singleElement().satisfies(o ->
            assertThat(o.getRejectionReason()).isEqualTo(RejectionReason.PATIENT_OVERLAP));
        assertThat(slots.get(SlotKeys.slot("f-1", "dr-a", TEN))).isNull();
    }

    @Test
    void shouldRefuseTooManyAppointmentsAndKeepThePatientsRecordBoundedWhenAPatientBooksWithoutEnd() {
        // Given a patient holding the most confirmed appointments careflow keeps for one patient
        for (int i = 0; i < PatientStepProcessor.MAX_LIVE_APPOINTMENTS; i++) {
            patient.process(check("b-" + i, "dr-a", TEN.plus(Duration.ofHours(i)), null));
        }
        assertThat(context.forwarded()).allSatisfy(f -> assertThat(f.record().value().toProvider().get(0).getConfirmed()).isTrue());
        context.resetForwards();

        // When one more arrives, then many more that overlap
        patient.process(check("one-more", "dr-b", TEN.minus(Duration.ofHours(1)), null));
        SchedulingCommand refused = decision(0);
        for (int i = 0; i < 3 * PatientStepProcessor.MAX_REMEMBERED_REFUSALS; i++) {
            patient.process(check("flood-" + i, "dr-b", TEN.minus(Duration.ofHours(2)), null));
        }

        // Then the one more is refused with a readable reason, and the record stays bounded
        assertThat(refused.getConfirmed()).isFalse();
        assertThat(refused.getReason()).isEqualTo(RejectionReason.TOO_MANY_APPOINTMENTS.name());
        KeyValueStore<String, PatientAppointments> store = context.getStateStore(SchedulingTopology.PATIENT_APPOINTMENTS_STORE);
        assertThat(store.get("p-1").getAppointments())
            .hasSize(PatientStepProcessor.MAX_LIVE_APPOINTMENTS + PatientStepProcessor.MAX_REMEMBERED_REFUSALS);
    }

    private Emissions forwarded(int index) {
        List<MockProcessorContext.CapturedForward<? extends String, ? extends Emissions>> all = context.forwarded();
        return all.get(index).record().value();
    }

    private SchedulingCommand decision(int index) {
        return forwarded(index).toProvider().get(0);
    }

    private static Record<String, BookingRequest> request(String bookingId, String patientId, Instant start) {
        return new Record<>("dr-a", BookingRequest.newBuilder().setEventId("r-" + bookingId).setOccurredAt(NOW)
            .setBookingId(BookingIds.of(null, patientId, "dr-a", bookingId)).setClientBookingId(bookingId)
            .setPatientId(patientId).setProviderId("dr-a").setFacilityId(null).setSlotStart(start).setAppointmentType("new-patient")
            .setNotes(null).setRequestedAt(NOW).setReplacesBookingId(null).build(), NOW.toEpochMilli());
    }

    private static Record<String, SchedulingCommand> check(String bookingId, String providerId, Instant start, String replaces) {
        return new Record<>("p-1", SchedulingCommand.newBuilder().setKind(CommandKind.CHECK_PATIENT).setBookingId(bookingId)
            .setPatientId("p-1").setProviderId(providerId).setFacilityId("f-1").setSlotStart(start).setSlotEnd(start.plusSeconds(1800))
            .setAppointmentType("new-patient").setReplacesBookingId(replaces).build(), NOW.toEpochMilli());
    }

    private <V> KeyValueStore<String, V> store(String name, Serde<V> serde) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), serde)
            .withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        return store;
    }
}
