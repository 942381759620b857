package org.careflow.scheduling.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.events.scheduling.BookingCancellation;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.events.scheduling.BookingRequest;
import org.careflow.events.scheduling.BookingStatus;
import org.careflow.events.scheduling.CancelledBy;
import org.careflow.events.scheduling.DecisionStatus;
import org.careflow.events.scheduling.LocalTimeRange;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.scheduling.RefusalReason;
import org.careflow.events.scheduling.SchedulingDecision;
import org.careflow.events.scheduling.RejectionReason;
import org.careflow.events.scheduling.Weekday;
import org.careflow.events.scheduling.WeeklySession;
import org.careflow.scheduling.SchedulingConfig;
import org.careflow.state.scheduling.SlotState;
import org.careflow.state.scheduling.SlotStatus;
import org.careflow.topics.BookingIds;
import org.careflow.topics.EventSerdes;
import org.careflow.topics.PlainAvroEventSerdes;
import org.careflow.topics.ProviderScheduleKeys;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The booking saga end to end in the test driver. Monday 2026-11-23, 08:00 in London (UTC in winter). */
class SchedulingTopologyTest {

    private static final Instant NOW = Instant.parse("2026-11-23T08:00:00Z");
    private static final Instant TEN = Instant.parse("2026-11-23T10:00:00Z");

    private final EventSerdes serdes = new PlainAvroEventSerdes();
    private final SchedulingConfig config = new SchedulingConfig(Map.of());
    private TopologyTestDriver driver;
    private TestInputTopic<String, ProviderSchedule> schedules;
    private TestInputTopic<String, BookingRequest> requests;
    private TestInputTopic<String, BookingCancellation> cancellations;
    private TestOutputTopic<String, BookingOutcome> outcomes;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private TestOutputTopic<String, SchedulingDecision> decisions;
    /** careflow's booking id of each client id these tests sent (the last one sent under that client id). */
    private final Map<String, String> ids = new HashMap<>();

    @BeforeEach
    void start() {
        Properties props = config.streamsProperties(8082);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(SchedulingTopology.build(config, serdes), props, NOW);
        schedules = driver.createInputTopic(Topics.PROVIDER_SCHEDULES.name(), Serdes.String().serializer(),
            serdes.valueSerde(Topics.PROVIDER_SCHEDULES).serializer());
        requests = driver.createInputTopic(Topics.BOOKING_REQUESTS.name(), Serdes.String().serializer(),
            serdes.valueSerde(Topics.BOOKING_REQUESTS).serializer());
        cancellations = driver.createInputTopic(Topics.BOOKING_CANCELLATIONS.name(), Serdes.String().serializer(),
            serdes.valueSerde(Topics.BOOKING_CANCELLATIONS).serializer());
        outcomes = driver.createOutputTopic(Topics.BOOKING_OUTCOMES.name(), Serdes.String().deserializer(),
            serdes.valueSerde(Topics.BOOKING_OUTCOMES).deserializer());
        deadLetters = driver.createOutputTopic(Topics.SCHEDULING_DEAD_LETTERS.name(), Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
        decisions = driver.createOutputTopic(Topics.SCHEDULING_DECISIONS.name(), Serdes.String().deserializer(),
            serdes.valueSerde(Topics.SCHEDULING_DECISIONS).deserializer());
        schedules.pipeInput("dr-a", schedule("dr-a", "f-1"));
        schedules.pipeInput("dr-b", schedule("dr-b", "f-1"));
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void shouldGoPendingThenConfirmedWhenSlotIsFree() {
        book("b-1", "p-1", "dr-a", TEN, "new-patient");

        assertThat(statuses("b-1")).containsExactly(BookingStatus.PENDING, BookingStatus.CONFIRMED);
        assertThat(slot("dr-a", TEN).getStatus()).isEqualTo(SlotStatus.BOOKED);
        assertThat(current("b-1").getSlotEnd()).isEqualTo(TEN.plusSeconds(1800));
    }

    @Test
    void shouldConfirmOneBookingPerSlotWhenSeveralPatientsAsk() {
        for (int i = 0; i < 10; i++) {
            book("b-" + i, "p-" + i, "dr-a", TEN, "new-patient");
        }

        List<BookingOutcome> all = outcomes.readValuesToList();
        assertThat(all.stream().filter(o -> o.getStatus() == BookingStatus.CONFIRMED)).hasSize(1);
        assertThat(all.stream().filter(o -> o.getStatus() == BookingStatus.REJECTED))
            .hasSize(9).allSatisfy(o -> assertThat(o.getRejectionReason()).isEqualTo(RejectionReason.SLOT_TAKEN));
    }

    @Test
    void shouldAnswerTheSameOutcomeAndBookNothingMoreWhenBookingIdIsRepeated() {
        book("b-1", "p-1", "dr-a", TEN, "new-patient");
        outcomes.readValuesToList();

        book("b-1", "p-1", "dr-a", TEN, "new-patient");
        book("b-1", "p-1", "dr-a", TEN.plusSeconds(1800), "new-patient");

        List<BookingOutcome> again = outcomes.readValuesToList();
        assertThat(again).extracting(BookingOutcome::getStatus).containsExactly(BookingStatus.CONFIRMED, BookingStatus.CONFIRMED);
        assertThat(again).extracting(BookingOutcome::getSlotStart).containsOnly(TEN);
        assertThat(slotOrNull("dr-a", TEN.plusSeconds(1800))).isNull();
    }

    @Test
    @DisplayName("A hold keeps the free slot for its booking without asking the patient step; the same booking then books it")
    void shouldHoldTheSlotThenBookItWhenTheSameBookingIsRequestedWithoutHold() {
        hold("h-1", "p-1", "dr-a", TEN);

        assertThat(statuses("h-1")).containsExactly(BookingStatus.PENDING);
        assertThat(slot("dr-a", TEN).getStatus()).isEqualTo(SlotStatus.HELD);
        assertThat(patientAppointments("p-1")).as("the patient step is not asked for a hold").isNull();

        book("h-1", "p-1", "dr-a", TEN, "new-patient");

        assertThat(statuses("h-1")).containsExactly(BookingStatus.PENDING, BookingStatus.CONFIRMED);
        assertThat(slot("dr-a", TEN).getStatus()).isEqualTo(SlotStatus.BOOKED);
        driver.advanceWallClockTime(config.holdDuration().plusMinutes(1));
        assertThat(current("h-1").getStatus()).as("a booked hold never expires").isEqualTo(BookingStatus.CONFIRMED);
    }

    @Test
    void shouldGiveAHeldSlotToNobodyElseAndOfferItAgainOnceTheHoldExpires() {
        hold("h-1", "p-1", "dr-a", TEN);
        book("b-2", "p-2", "dr-a", TEN, "new-patient");
        assertThat(reason("b-2")).isEqualTo(RejectionReason.SLOT_TAKEN);
        outcomes.readValuesToList();

        driver.advanceWallClockTime(config.holdDuration().minusSeconds(30));
        assertThat(slot("dr-a", TEN).getStatus()).as("within the hold").isEqualTo(SlotStatus.HELD);
        driver.advanceWallClockTime(Duration.ofMinutes(1));

        Map<String, BookingOutcome> tombstones = outcomes.readKeyValuesToMap();
        assertThat(tombstones).containsOnlyKeys(ids.get("h-1")).containsValues((BookingOutcome) null);
        assertThat(slotOrNull("dr-a", TEN)).isNull();
        assertThat(current("h-1")).isNull();
        book("b-3", "p-3", "dr-a", TEN, "new-patient");
        assertThat(current("b-3").getStatus()).isEqualTo(BookingStatus.CONFIRMED);
    }

    @Test
    void shouldBookAfreshWhenTheHoldExpiredBeforeTheBookingCame() {
        hold("h-1", "p-1", "dr-a", TEN);
        driver.advanceWallClockTime(config.holdDuration().plusMinutes(1));

        book("h-1", "p-1", "dr-a", TEN, "new-patient");

        assertThat(current("h-1").getStatus()).isEqualTo(BookingStatus.CONFIRMED);
        assertThat(slot("dr-a", TEN).getStatus()).isEqualTo(SlotStatus.BOOKED);
    }

    @Test
    void shouldFreeAHeldSlotAtOnceWhenTheHoldIsCancelled() {
        hold("h-1", "p-1", "dr-a", TEN);

        cancellations.pipeInput(ids.get("h-1"), cancellation("h-1"));

        assertThat(current("h-1").getStatus()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(slotOrNull("dr-a", TEN)).isNull();
        book("b-2", "p-2", "dr-a", TEN, "new-patient");
        assertThat(current("b-2").getStatus()).isEqualTo(BookingStatus.CONFIRMED);
    }

    @Test
    void shouldRejectPatientOverlapWhenAHeldSlotIsBookedByAPatientBusyThen() {
        book("b-1", "p-1", "dr-b", TEN, "new-patient");
        hold("h-1", "p-1", "dr-a", TEN);
        assertThat(current("h-1").getStatus()).as("a hold does not check the patient").isEqualTo(BookingStatus.PENDING);

        book("h-1", "p-1", "dr-a", TEN, "new-patient");

        assertThat(reason("h-1")).isEqualTo(RejectionReason.PATIENT_OVERLAP);
        assertThat(slotOrNull("dr-a", TEN)).isNull();
    }

    @Test
    void shouldRejectWithTheReasonWhenTheRequestCannotBeBooked() {
        book("off-grid", "p-1", "dr-a", TEN.plusSeconds(900), "new-patient");
        book("no-schedule", "p-1", "dr-z", TEN, "new-patient");
        book("wrong-type", "p-1", "dr-a", TEN, "surgery");
        book("past", "p-1", "dr-a", Instant.parse("2026-11-20T09:00:00Z"), "new-patient");
        book("beyond-horizon", "p-1", "dr-a", Instant.parse("2027-06-07T09:00:00Z"), "new-patient");

        assertThat(reason("off-grid")).isEqualTo(RejectionReason.NO_SUCH_SLOT);
        assertThat(reason("no-schedule")).isEqualTo(RejectionReason.NO_SUCH_SLOT);
        assertThat(reason("wrong-type")).isEqualTo(RejectionReason.TYPE_NOT_OFFERED);
        assertThat(reason("past")).isEqualTo(RejectionReason.IN_THE_PAST);
        assertThat(reason("beyond-horizon")).isEqualTo(RejectionReason.NO_SUCH_SLOT);
    }

    @Test
    void shouldRejectPatientOverlapAndFreeTheSlotWhenPatientIsBusyWithAnotherProvider() {
        book("b-1", "p-1", "dr-a", TEN, "new-patient");
        book("b-2", "p-1", "dr-b", TEN, "new-patient");

        assertThat(current("b-1").getStatus()).isEqualTo(BookingStatus.CONFIRMED);
        assertThat(current("b-2").getStatus()).isEqualTo(BookingStatus.REJECTED);
        assertThat(current("b-2").getRejectionReason()).isEqualTo(RejectionReason.PATIENT_OVERLAP);
        assertThat(slotOrNull("dr-b", TEN)).as("the held slot is freed").isNull();

        book("b-3", "p-2", "dr-b", TEN, "new-patient");
        assertThat(current("b-3").getStatus()).isEqualTo(BookingStatus.CONFIRMED);
    }

    @Test
    void shouldFreeTheSlotAndReleaseThePatientWhenBookingIsCancelled() {
        book("b-1", "p-1", "dr-a", TEN, "new-patient");

        cancellations.pipeInput(ids.get("b-1"), cancellation("b-1"));

        assertThat(current("b-1").getStatus()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(slotOrNull("dr-a", TEN)).isNull();
        book("b-2", "p-1", "dr-b", TEN, "new-patient");
        assertThat(current("b-2").getStatus()).as("the patient is free again").isEqualTo(BookingStatus.CONFIRMED);
    }

    @Test
    @DisplayName("A cancellation naming another patient than the booking's is refused NO_SUCH_BOOKING, as an unknown booking is, and changes nothing")
    void shouldRefuseWithADecisionAndKeepTheBookingWhenACancellationNamesAnotherPatient() {
        book("b-1", "p-1", "dr-a", TEN, "new-patient");

        BookingCancellation byOther = cancellation("b-1");
        byOther.setPatientId("p-2");
        cancellations.pipeInput(ids.get("b-1"), byOther);
        cancellations.pipeInput("nobody", cancellation("nobody"));
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(decisions.readKeyValuesToMap()).as("refused only once the wait for a late booking is over")
            .doesNotContainKeys(byOther.getEventId(), "c-nobody");
        driver.advanceWallClockTime(config.cancellationWait());

        assertThat(current("b-1").getStatus()).as("still booked").isEqualTo(BookingStatus.CONFIRMED);
        assertThat(slot("dr-a", TEN).getStatus()).isEqualTo(SlotStatus.BOOKED);
        assertThat(deadLetters.isEmpty()).as("a refusal is not a dead letter").isTrue();
        Map<String, SchedulingDecision> decided = decisions.readKeyValuesToMap();
        assertThat(decided.get(byOther.getEventId())).satisfies(d -> {
            assertThat(d.getStatus()).isEqualTo(DecisionStatus.REFUSED);
            assertThat(d.getReason()).isEqualTo(RefusalReason.NO_SUCH_BOOKING);
        });
        assertThat(decided.get("c-nobody").getReason()).as("foreign and unknown answer the same").isEqualTo(RefusalReason.NO_SUCH_BOOKING);

        BookingCancellation byOwner = cancellation("b-1");
        byOwner.setEventId("c-owner");
        byOwner.setPatientId("p-1");
        cancellations.pipeInput(ids.get("b-1"), byOwner);
        assertThat(current("b-1").getStatus()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(decisions.readKeyValuesToMap().get("c-owner").getStatus()).isEqualTo(DecisionStatus.ACCEPTED);
    }

    @Test
    @DisplayName("No patient-facing effect lost: a cancellation that arrives before its booking's first outcome is applied once the booking is there")
    void shouldCancelWhenTheCancellationArrivesBeforeTheBooking() {
        // Given: the booking's id is known from its 202, and the cancellation overtakes the booking
        String bookingId = BookingIds.of(null, "p-1", "dr-a", "b-early");
        cancellations.pipeInput(bookingId, BookingCancellation.newBuilder(cancellation("b-early")).setBookingId(bookingId).setPatientId("p-1").build());
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(decisions.readKeyValuesToMap()).as("waiting, not refused").doesNotContainKey("c-b-early");

        // When: the booking arrives within the wait
        book("b-early", "p-1", "dr-a", TEN, "new-patient");
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        // Then
        assertThat(current("b-early").getStatus()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(slotOrNull("dr-a", TEN)).isNull();
        assertThat(decisions.readKeyValuesToMap().get("c-b-early").getStatus()).isEqualTo(DecisionStatus.ACCEPTED);
    }

    @Test
    @DisplayName("A staff cancellation of another facility's booking is refused NO_SUCH_BOOKING and changes nothing")
    void shouldRefuseWithADecisionWhenAStaffCancellationIsForAnotherFacilitysBooking() {
        schedules.pipeInput("dr-c", schedule("dr-c", "f-2"));
        book("b-1", "p-1", "dr-c", TEN, "new-patient");

        BookingCancellation byOtherFacility = staffCancellation("b-1", List.of("f-1"));
        cancellations.pipeInput(ids.get("b-1"), byOtherFacility);
        driver.advanceWallClockTime(config.cancellationWait());

        assertThat(current("b-1").getStatus()).as("still booked").isEqualTo(BookingStatus.CONFIRMED);
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(decisions.readKeyValuesToMap().get(byOtherFacility.getEventId()).getReason()).isEqualTo(RefusalReason.NO_SUCH_BOOKING);

        BookingCancellation byOwnFacility = staffCancellation("b-1", List.of("f-1", "f-2"));
        byOwnFacility.setEventId("c-own");
        cancellations.pipeInput(ids.get("b-1"), byOwnFacility);
        assertThat(current("b-1").getStatus()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(slotOrNull("dr-c", TEN)).isNull();
    }

    @Test
    void shouldRejectNotPermittedAndKeepTheOldBookingWhenRescheduleReplacesAnotherPatientsBooking() {
        book("b-1", "p-1", "dr-a", TEN, "new-patient");

        reschedule("b-2", "b-1", "p-2", "dr-b", TEN.plusSeconds(1800));

        assertThat(reason("b-2")).isEqualTo(RejectionReason.NOT_PERMITTED);
        assertThat(slotOrNull("dr-b", TEN.plusSeconds(1800))).as("the held slot is freed").isNull();
        assertThat(current("b-1").getStatus()).as("the other patient's booking stays").isEqualTo(BookingStatus.CONFIRMED);
        assertThat(slot("dr-a", TEN).getStatus()).isEqualTo(SlotStatus.BOOKED);
    }

    @Test
    void shouldRejectNotPermittedWhenStaffRescheduleReplacesABookingAtAnotherFacility() {
        schedules.pipeInput("dr-c", schedule("dr-c", "f-2"));
        book("b-1", "p-1", "dr-c", TEN, "new-patient");

        requests.pipeInput("dr-b", withCaller(request("b-2", "p-1", "dr-b", TEN.plusSeconds(1800), "follow-up", ids.get("b-1")), List.of("f-1")));
        assertThat(reason("b-2")).isEqualTo(RejectionReason.NOT_PERMITTED);
        assertThat(current("b-1").getStatus()).isEqualTo(BookingStatus.CONFIRMED);

        requests.pipeInput("dr-b", withCaller(request("b-3", "p-1", "dr-b", TEN.plusSeconds(1800), "follow-up", ids.get("b-1")), List.of("f-1", "f-2")));
        assertThat(current("b-3").getStatus()).isEqualTo(BookingStatus.CONFIRMED);
        assertThat(current("b-1").getStatus()).isEqualTo(BookingStatus.CANCELLED);
    }

    @Test
    void shouldRejectNoSuchSlotWhenTheRequestNamesAnotherFacilityThanTheProviders() {
        requests.pipeInput("dr-a", request("b-1", "p-1", "dr-a", "f-2", TEN, "new-patient", null));

        assertThat(reason("b-1")).isEqualTo(RejectionReason.NO_SUCH_SLOT);
        assertThat(slotOrNull("dr-a", TEN)).isNull();
    }

    @Test
    void shouldMoveTheAppointmentWhenRescheduleIsConfirmed() {
        book("b-1", "p-1", "dr-a", TEN, "new-patient");

        reschedule("b-2", "b-1", "p-1", "dr-b", TEN.plusSeconds(1800));

        assertThat(current("b-2").getStatus()).isEqualTo(BookingStatus.CONFIRMED);
        assertThat(current("b-1").getStatus()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(slotOrNull("dr-a", TEN)).isNull();
    }

    @Test
    void shouldRescheduleThenCancelWhenPatientFirstAskedTwoProvidersForTheSameTime() {
        book("a", "p-1", "dr-a", TEN, "follow-up");
        book("b", "p-1", "dr-b", TEN, "follow-up");
        assertThat(current("b").getRejectionReason()).isEqualTo(RejectionReason.PATIENT_OVERLAP);

        reschedule("moved", "a", "p-1", "dr-b", TEN.plusSeconds(1800));
        assertThat(current("moved").getStatus()).isEqualTo(BookingStatus.CONFIRMED);
        assertThat(current("a").getStatus()).isEqualTo(BookingStatus.CANCELLED);

        cancellations.pipeInput(ids.get("moved"), cancellation("moved"));
        assertThat(current("moved").getStatus()).isEqualTo(BookingStatus.CANCELLED);
        assertThat(slotOrNull("dr-b", TEN.plusSeconds(1800))).isNull();
    }

    @Test
    void shouldOfferNoSlotInTimeOffAndKeepDaylightSavingSlotsDistinctWhenScheduleHasExceptions() {
        ProviderSchedule withExceptions = schedule("dr-a", "f-1");
        withExceptions.setTimeOff(List.of(new org.careflow.events.scheduling.TimeOff(java.time.LocalDate.of(2026, 11, 24),
            java.time.LocalDate.of(2026, 11, 24), null, null, "training")));
        withExceptions.setExtraSessions(List.of(new org.careflow.events.scheduling.ExtraSession(java.time.LocalDate.of(2027, 3, 28),
            new LocalTimeRange(LocalTime.of(0, 0), LocalTime.of(4, 0)))));
        schedules.pipeInput("dr-a", withExceptions);
        driver.advanceWallClockTime(Duration.ZERO);

        book("time-off", "p-1", "dr-a", Instant.parse("2026-11-24T10:00:00Z"), "follow-up");
        // 2027-03-28 in London: 01:00 GMT becomes 02:00 BST; the session's slots are 00:00Z, 00:30Z, 01:00Z (02:00 BST), ...
        book("dst-before", "p-2", "dr-a", Instant.parse("2027-03-28T00:30:00Z"), "follow-up");
        book("dst-after", "p-3", "dr-a", Instant.parse("2027-03-28T01:00:00Z"), "follow-up");

        assertThat(reason("time-off")).isEqualTo(RejectionReason.NO_SUCH_SLOT);
        assertThat(current("dst-before").getStatus()).as("beyond the default horizon").isEqualTo(BookingStatus.REJECTED);
        assertThat(org.careflow.scheduling.slots.SlotGenerator.generate(withExceptions, Instant.parse("2027-03-28T00:00:00Z"),
            Instant.parse("2027-03-28T04:00:00Z"))).extracting(org.careflow.scheduling.slots.Slot::start).containsExactly(
                Instant.parse("2027-03-28T00:00:00Z"), Instant.parse("2027-03-28T00:30:00Z"),
                Instant.parse("2027-03-28T01:00:00Z"), Instant.parse("2027-03-28T01:30:00Z"),
                Instant.parse("2027-03-28T02:00:00Z"), Instant.parse("2027-03-28T02:30:00Z"));
    }

    @Test
    void shouldConfirmSlotAcrossDaylightSavingChangeWhenHorizonReachesIt() {
        driver.close();
        SchedulingConfig longHorizon = new SchedulingConfig(Map.of(SchedulingConfig.HORIZON_WEEKS_CONFIG, 30));
        Properties props = longHorizon.streamsProperties(8082);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(SchedulingTopology.build(longHorizon, serdes), props, NOW);
        schedules = driver.createInputTopic(Topics.PROVIDER_SCHEDULES.name(), Serdes.String().serializer(),
            serdes.valueSerde(Topics.PROVIDER_SCHEDULES).serializer());
        requests = driver.createInputTopic(Topics.BOOKING_REQUESTS.name(), Serdes.String().serializer(),
            serdes.valueSerde(Topics.BOOKING_REQUESTS).serializer());
        ProviderSchedule withNight = schedule("dr-a", "f-1");
        withNight.setExtraSessions(List.of(new org.careflow.events.scheduling.ExtraSession(java.time.LocalDate.of(2027, 3, 28),
            new LocalTimeRange(LocalTime.of(0, 0), LocalTime.of(4, 0)))));
        schedules.pipeInput("dr-a", withNight);

        book("before-change", "p-1", "dr-a", Instant.parse("2027-03-28T00:30:00Z"), "follow-up");
        book("after-change", "p-2", "dr-a", Instant.parse("2027-03-28T01:00:00Z"), "follow-up");
        book("off-grid", "p-3", "dr-a", Instant.parse("2027-03-28T01:15:00Z"), "follow-up");

        assertThat(current("before-change").getStatus()).isEqualTo(BookingStatus.CONFIRMED);
        assertThat(current("after-change").getStatus()).isEqualTo(BookingStatus.CONFIRMED);
        assertThat(current("after-change").getSlotEnd()).isEqualTo(Instant.parse("2027-03-28T01:30:00Z"));
        assertThat(reason("off-grid")).isEqualTo(RejectionReason.NO_SUCH_SLOT);
    }

    @Test
    void shouldKeepTheOldAppointmentWhenRescheduleIsRejected() {
        book("b-1", "p-1", "dr-a", TEN, "new-patient");
        book("b-other", "p-2", "dr-b", TEN.plusSeconds(1800), "new-patient");

        reschedule("b-2", "b-1", "p-1", "dr-b", TEN.plusSeconds(1800));

        assertThat(current("b-2").getRejectionReason()).isEqualTo(RejectionReason.SLOT_TAKEN);
        assertThat(current("b-1").getStatus()).isEqualTo(BookingStatus.CONFIRMED);
        assertThat(slot("dr-a", TEN).getStatus()).isEqualTo(SlotStatus.BOOKED);
    }

    @Test
    void shouldAllowRescheduleIntoAnOverlappingSlotOfTheSameAppointment() {
        book("b-1", "p-1", "dr-a", TEN, "new-patient");

        reschedule("b-2", "b-1", "p-1", "dr-b", TEN);

        assertThat(current("b-2").getStatus()).isEqualTo(BookingStatus.CONFIRMED);
        assertThat(current("b-1").getStatus()).isEqualTo(BookingStatus.CANCELLED);
    }

    @Test
    void shouldKeepBookedSlotAndFlagConflictWhenNewScheduleNoLongerCoversIt() {
        book("b-1", "p-1", "dr-a", TEN, "new-patient");

        ProviderSchedule afternoons = schedule("dr-a", "f-1");
        afternoons.setWeeklyTemplate(List.of(session(Weekday.MONDAY, 14, 17)));
        schedules.pipeInput("dr-a", afternoons);

        assertThat(slot("dr-a", TEN).getStatus()).isEqualTo(SlotStatus.BOOKED);
        assertThat(slot("dr-a", TEN).getOutsideSchedule()).isTrue();
        assertThat(current("b-1").getStatus()).isEqualTo(BookingStatus.CONFIRMED);
    }

    @Test
    @DisplayName("An invalid schedule is refused INVALID_SCHEDULE with a decision, not dead-lettered, and the provider keeps its schedule")
    void shouldRefuseWithADecisionWhenAScheduleIsInvalid() {
        ProviderSchedule broken = schedule("dr-a", "f-1");
        broken.setEventId("broken");
        broken.setTimeZone("Mars/Olympus_Mons");
        schedules.pipeInput("dr-a", broken);

        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(decisions.readKeyValuesToMap().get("broken")).satisfies(d -> {
            assertThat(d.getStatus()).isEqualTo(DecisionStatus.REFUSED);
            assertThat(d.getReason()).isEqualTo(RefusalReason.INVALID_SCHEDULE);
        });
        book("b-1", "p-1", "dr-a", TEN, "new-patient");
        assertThat(current("b-1").getStatus()).isEqualTo(BookingStatus.CONFIRMED);
    }

    @Test
    @DisplayName("A schedule with more entries than the ingest API accepts is refused INVALID_SCHEDULE: the stored schedule stays bounded")
    void shouldRefuseAndKeepTheStoredScheduleWhenAScheduleHasMoreTimeOffThanAccepted() {
        ProviderSchedule oversized = schedule("dr-a", "f-1");
        oversized.setEventId("oversized");
        oversized.setTimeOff(java.util.stream.IntStream.rangeClosed(0, org.careflow.scheduling.slots.SlotGenerator.MAX_EXCEPTIONS)
            .mapToObj(i -> new org.careflow.events.scheduling.TimeOff(java.time.LocalDate.parse("2027-01-01").plusDays(i),
                java.time.LocalDate.parse("2027-01-01").plusDays(i), null, null, "leave")).toList());
        schedules.pipeInput("dr-a", oversized);

        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(decisions.readKeyValuesToMap().get("oversized")).satisfies(d -> {
            assertThat(d.getStatus()).isEqualTo(DecisionStatus.REFUSED);
            assertThat(d.getReason()).isEqualTo(RefusalReason.INVALID_SCHEDULE);
        });
        KeyValueStore<String, ProviderSchedule> stored = driver.getKeyValueStore(SchedulingTopology.SCHEDULES_STORE);
        assertThat(stored.get(SlotKeys.provider("f-1", "dr-a")).getTimeOff()).isEmpty();
        book("b-1", "p-1", "dr-a", TEN, "new-patient");
        assertThat(current("b-1").getStatus()).isEqualTo(BookingStatus.CONFIRMED);
    }

    // --- Tenancy: who owns a provider, a booking id, a decision ---

    @Test
    @DisplayName("A provider belongs to its facility: another facility's schedule for the same providerId never touches it")
    void shouldKeepFacilityBsProviderWhenFacilityAPublishesAScheduleUnderTheSameProviderId() {
        schedules.pipeInput("dr-c", schedule("dr-c", "f-2"));
        requests.pipeInput("dr-c", request("b-victim", "p-1", "dr-c", "f-2", TEN, "new-patient", null));

        ProviderSchedule takeover = schedule("dr-c", "f-1");
        takeover.setEventId("takeover");
        takeover.setWeeklyTemplate(List.of(session(Weekday.MONDAY, 14, 17)));
        schedules.pipeInput("dr-c", takeover);

        KeyValueStore<String, ProviderSchedule> stored = driver.getKeyValueStore(SchedulingTopology.SCHEDULES_STORE);
        assertThat(stored.get(SlotKeys.provider("f-2", "dr-c")).getWeeklyTemplate()).as("B's schedule is B's").hasSize(5);
        assertThat(stored.get(SlotKeys.provider("f-1", "dr-c")).getWeeklyTemplate()).as("A's is another provider").hasSize(1);
        assertThat(slot("dr-c", TEN).getOutsideSchedule()).as("B's booking is no conflict").isFalse();
        assertThat(current("b-victim").getStatus()).isEqualTo(BookingStatus.CONFIRMED);
        requests.pipeInput("dr-c", request("b-next", "p-2", "dr-c", "f-2", TEN.plusSeconds(1800), "new-patient", null));
        assertThat(current("b-next").getStatus()).as("B's slots are still offered").isEqualTo(BookingStatus.CONFIRMED);
        requests.pipeInput("dr-c", request("b-a", "p-3", "dr-c", "f-1", TEN, "new-patient", null));
        assertThat(reason("b-a")).as("A's provider has only A's hours").isEqualTo(RejectionReason.NO_SUCH_SLOT);
    }

    @Test
    @DisplayName("Each facility's provider is its own record of the compacted topic: a replay of the latest record per key restores both")
    void shouldRestoreBothFacilitiesProvidersWhenTheCompactedScheduleTopicIsReplayed() {
        ProviderSchedule hersFirst = schedule("dr-c", "f-2");
        ProviderSchedule theirs = schedule("dr-c", "f-1");
        theirs.setWeeklyTemplate(List.of(session(Weekday.MONDAY, 14, 17)));
        ProviderSchedule hersNow = schedule("dr-c", "f-2");
        hersNow.setWeeklyTemplate(List.of(session(Weekday.TUESDAY, 9, 12)));
        List<KeyValue<String, ProviderSchedule>> log = List.of(
            KeyValue.pair(ProviderScheduleKeys.of("dr-c", "f-2"), hersFirst),
            KeyValue.pair(ProviderScheduleKeys.of("dr-c", "f-1"), theirs),
            KeyValue.pair(ProviderScheduleKeys.of("dr-c", "f-2"), hersNow));
        // What compaction leaves of the log: the latest record of each key, in log order.
        Map<String, ProviderSchedule> compacted = new LinkedHashMap<>();
        log.forEach(kv -> {
            compacted.remove(kv.key);
            compacted.put(kv.key, kv.value);
        });

        compacted.forEach(schedules::pipeInput);

        KeyValueStore<String, ProviderSchedule> stored = driver.getKeyValueStore(SchedulingTopology.SCHEDULES_STORE);
        assertThat(compacted).as("one record per facility's provider survives compaction").hasSize(2);
        assertThat(stored.get(SlotKeys.provider("f-2", "dr-c")).getWeeklyTemplate()).as("f-2's latest schedule").containsExactly(
            session(Weekday.TUESDAY, 9, 12));
        assertThat(stored.get(SlotKeys.provider("f-1", "dr-c")).getWeeklyTemplate()).as("f-1's schedule").containsExactly(
            session(Weekday.MONDAY, 14, 17));
    }

    @Test
    @DisplayName("A tombstone withdraws its key's facility's provider only, never another facility's of the same id")
    void shouldWithdrawOnlyTheKeysFacilitysProviderWhenATombstoneArrives() {
        schedules.pipeInput(ProviderScheduleKeys.of("dr-c", "f-2"), schedule("dr-c", "f-2"));
        schedules.pipeInput(ProviderScheduleKeys.of("dr-c", "f-1"), schedule("dr-c", "f-1"));

        schedules.pipeInput(ProviderScheduleKeys.of("dr-c", "f-1"), null);

        KeyValueStore<String, ProviderSchedule> stored = driver.getKeyValueStore(SchedulingTopology.SCHEDULES_STORE);
        assertThat(stored.get(SlotKeys.provider("f-1", "dr-c"))).as("f-1's provider is withdrawn").isNull();
        assertThat(stored.get(SlotKeys.provider("f-2", "dr-c"))).as("f-2's provider stays").isNotNull();
        requests.pipeInput("dr-c", request("b-1", "p-1", "dr-c", "f-2", TEN, "new-patient", null));
        assertThat(current("b-1").getStatus()).as("f-2's slots are still offered").isEqualTo(BookingStatus.CONFIRMED);
    }

    @Test
    @DisplayName("A schedule keyed by one facility's provider but naming another facility is refused KEY_MISMATCH and changes neither")
    void shouldRefuseAScheduleWhoseKeyNamesAnotherFacilityThanItsBody() {
        schedules.pipeInput(ProviderScheduleKeys.of("dr-c", "f-2"), schedule("dr-c", "f-2"));
        ProviderSchedule crossed = schedule("dr-c", "f-1");
        crossed.setEventId("crossed");
        crossed.setWeeklyTemplate(List.of(session(Weekday.MONDAY, 14, 17)));

        schedules.pipeInput(ProviderScheduleKeys.of("dr-c", "f-2"), crossed);

        assertThat(decisions.readKeyValuesToMap().get("crossed").getReason()).isEqualTo(RefusalReason.KEY_MISMATCH);
        KeyValueStore<String, ProviderSchedule> stored = driver.getKeyValueStore(SchedulingTopology.SCHEDULES_STORE);
        assertThat(stored.get(SlotKeys.provider("f-2", "dr-c")).getWeeklyTemplate()).hasSize(5);
        assertThat(stored.get(SlotKeys.provider("f-1", "dr-c"))).isNull();
    }

    @Test
    @DisplayName("A request naming no facility books only a provider id that a single facility has")
    void shouldRejectNoSuchSlotWhenNoFacilityIsNamedAndTwoFacilitiesHaveTheProviderId() {
        schedules.pipeInput("dr-c", schedule("dr-c", "f-2"));
        schedules.pipeInput("dr-c", schedule("dr-c", "f-1"));

        book("b-1", "p-1", "dr-c", TEN, "new-patient");

        assertThat(reason("b-1")).isEqualTo(RejectionReason.NO_SUCH_SLOT);
    }

    @Test
    @DisplayName("A schedule whose key is not the provider it names is refused KEY_MISMATCH and changes nothing")
    void shouldRefuseAScheduleWhoseKeyIsNotItsProvider() {
        ProviderSchedule mislabelled = schedule("dr-b", "f-1");
        mislabelled.setEventId("mislabelled");
        mislabelled.setWeeklyTemplate(List.of(session(Weekday.MONDAY, 14, 17)));
        schedules.pipeInput("dr-a", mislabelled);

        assertThat(decisions.readKeyValuesToMap().get("mislabelled").getReason()).isEqualTo(RefusalReason.KEY_MISMATCH);
        KeyValueStore<String, ProviderSchedule> stored = driver.getKeyValueStore(SchedulingTopology.SCHEDULES_STORE);
        assertThat(stored.get(SlotKeys.provider("f-1", "dr-a")).getWeeklyTemplate()).hasSize(5);
        assertThat(stored.get(SlotKeys.provider("f-1", "dr-b")).getWeeklyTemplate()).hasSize(5);
    }

    @Test
    @DisplayName("A client id is scoped: another patient reusing the victim's bookingId gets its own booking and changes nothing of the victim's")
    void shouldKeepTheVictimsBookingWhenAnotherPatientReusesItsClientId() {
        book("b-1", "p-1", "dr-a", TEN, "new-patient");
        String victim = ids.get("b-1");
        BookingOutcome before = current("b-1");

        requests.pipeInput("dr-nobody", request("b-1", "p-2", "dr-nobody", TEN, "new-patient", null));
        requests.pipeInput("dr-a", request("b-1", "p-3", "dr-a", TEN.plusSeconds(1800), "new-patient", null));

        KeyValueStore<String, BookingOutcome> table = driver.getKeyValueStore(SchedulingTopology.BOOKINGS_STORE);
        assertThat(table.get(victim)).as("the victim's booking is untouched").isEqualTo(before);
        assertThat(ids.get("b-1")).isNotEqualTo(victim);
        assertThat(table.get(ids.get("b-1")).getPatientId()).isEqualTo("p-3");
        cancellations.pipeInput(victim, BookingCancellation.newBuilder(cancellation("x")).setBookingId(victim).setPatientId("p-1").build());
        assertThat(table.get(victim).getStatus()).as("the victim can still cancel").isEqualTo(BookingStatus.CANCELLED);
        assertThat(slotOrNull("dr-a", TEN)).isNull();
    }

    @Test
    @DisplayName("A request whose bookingId is not derived from its own facility, patient, provider and client id is refused and writes nothing")
    void shouldRefuseBookingIdMismatchWhenARawWriterReusesAnotherPatientsBookingId() {
        book("b-1", "p-1", "dr-a", TEN, "new-patient");
        String victim = ids.get("b-1");
        BookingOutcome before = current("b-1");
        outcomes.readValuesToList();

        BookingRequest forged = BookingRequest.newBuilder(request("mine", "p-2", "dr-a", TEN.plusSeconds(1800), "new-patient", null))
            .setBookingId(victim).setEventId("forged").build();
        requests.pipeInput("dr-a", forged);
        BookingRequest legacy = BookingRequest.newBuilder(forged).setClientBookingId(null).setEventId("legacy").build();
        requests.pipeInput("dr-b", legacy);

        assertThat(outcomes.isEmpty()).as("no outcome is written under the victim's id").isTrue();
        assertThat(current("b-1")).isEqualTo(before);
        assertThat(slotOrNull("dr-a", TEN.plusSeconds(1800))).isNull();
        Map<String, SchedulingDecision> decided = decisions.readKeyValuesToMap();
        assertThat(decided.get("forged").getReason()).isEqualTo(RefusalReason.BOOKING_ID_MISMATCH);
        assertThat(decided.get("legacy").getReason()).isEqualTo(RefusalReason.BOOKING_ID_MISMATCH);
    }

    @Test
    @DisplayName("A reschedule naming another patient's booking is rejected on the caller's own new booking; the victim's stays")
    void shouldRejectNotPermittedOnTheCallersOwnBookingWhenRescheduleNamesAnotherPatientsCareflowId() {
        book("b-1", "p-1", "dr-a", TEN, "new-patient");
        String victim = ids.get("b-1");
        BookingOutcome before = current("b-1");

        requests.pipeInput("dr-b", request("b-1", "p-2", "dr-b", TEN.plusSeconds(1800), "follow-up", victim));

        assertThat(reason("b-1")).as("p-2's own booking").isEqualTo(RejectionReason.NOT_PERMITTED);
        KeyValueStore<String, BookingOutcome> table = driver.getKeyValueStore(SchedulingTopology.BOOKINGS_STORE);
        assertThat(table.get(victim)).isEqualTo(before);
        assertThat(slot("dr-a", TEN).getStatus()).isEqualTo(SlotStatus.BOOKED);
    }

    @Test
    @DisplayName("Rejected and cancelled bookings are forgotten after the retention, with a tombstone; confirmed ones stay")
    void shouldTombstoneRejectedAndCancelledBookingsWhenTheirRetentionRunsOut() {
        book("rejected", "p-1", "dr-z", TEN, "new-patient");
        book("kept", "p-2", "dr-a", TEN, "new-patient");
        book("cancelled", "p-3", "dr-b", TEN, "new-patient");
        cancellations.pipeInput(ids.get("cancelled"), cancellation("cancelled"));
        outcomes.readValuesToList();

        driver.advanceWallClockTime(Duration.ofDays(29));
        assertThat(outcomes.isEmpty()).as("within the retention").isTrue();
        driver.advanceWallClockTime(Duration.ofDays(2));

        Map<String, BookingOutcome> tombstones = outcomes.readKeyValuesToMap();
        assertThat(tombstones).containsOnlyKeys(ids.get("rejected"), ids.get("cancelled")).containsValues((BookingOutcome) null);
        assertThat(current("rejected")).isNull();
        assertThat(current("cancelled")).isNull();
        assertThat(current("kept").getStatus()).isEqualTo(BookingStatus.CONFIRMED);
        KeyValueStore<String, ?> providerBookings = driver.getKeyValueStore(SchedulingTopology.PROVIDER_BOOKINGS_STORE);
        assertThat(providerBookings.get(ids.get("rejected"))).isNull();
    }

    @Test
    @DisplayName("A decision is kept under its request id; a later record under that id never replaces it; it expires after the retention")
    void shouldKeepTheFirstDecisionAndExpireItWhenRetentionRunsOut() {
        book("b-1", "p-1", "dr-a", TEN, "new-patient");
        String requestId = "req-b-1-p-1";
        KeyValueStore<String, SchedulingDecision> stored = driver.getKeyValueStore(SchedulingTopology.DECISIONS_STORE);
        SchedulingDecision first = stored.get(requestId);
        assertThat(first.getStatus()).isEqualTo(DecisionStatus.ACCEPTED);

        TestInputTopic<String, SchedulingDecision> forged = driver.createInputTopic(Topics.SCHEDULING_DECISIONS.name(),
            Serdes.String().serializer(), serdes.valueSerde(Topics.SCHEDULING_DECISIONS).serializer());
        forged.pipeInput(requestId, SchedulingDecision.newBuilder(first).setStatus(DecisionStatus.REFUSED)
            .setReason(RefusalReason.NO_SUCH_BOOKING).build());
        assertThat(stored.get(requestId)).isEqualTo(first);

        driver.advanceWallClockTime(Duration.ofDays(8));
        assertThat(stored.get(requestId)).isNull();
    }

    @Test
    void shouldMatchPinnedDescriptionWhenTopologyIsBuilt() throws IOException {
        Topology topology = SchedulingTopology.build(config, serdes);

        Path pin = Path.of("src/test/resources/scheduling-topology.txt");
        if (Boolean.getBoolean("careflow.updatePins")) {
            Files.writeString(pin, topology.describe().toString());
        }
        assertThat(topology.describe().toString().strip())
            .as("the topology changed: if deliberate, rerun with -Dcareflow.updatePins=true and commit the file")
            .isEqualTo(Files.readString(pin).strip());
    }

    static ProviderSchedule schedule(String providerId, String facilityId) {
        List<WeeklySession> week = new ArrayList<>();
        for (Weekday day : List.of(Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY)) {
            week.add(session(day, 9, 12));
        }
        return ProviderSchedule.newBuilder()
            .setEventId("schedule-" + providerId).setOccurredAt(NOW).setProviderId(providerId).setFacilityId(facilityId)
            .setTimeZone("Europe/London").setSlotMinutes(30).setAppointmentTypes(List.of("new-patient", "follow-up"))
            .setWeeklyTemplate(week).setTimeOff(List.of()).setExtraSessions(List.of())
            .build();
    }

    static WeeklySession session(Weekday day, int fromHour, int toHour) {
        return new WeeklySession(day, new LocalTimeRange(LocalTime.of(fromHour, 0), LocalTime.of(toHour, 0)));
    }

    private void book(String bookingId, String patientId, String providerId, Instant slotStart, String type) {
        requests.pipeInput(providerId, request(bookingId, patientId, providerId, slotStart, type, null));
    }

    private void hold(String bookingId, String patientId, String providerId, Instant slotStart) {
        BookingRequest request = request(bookingId, patientId, providerId, slotStart, "new-patient", null);
        request.setHold(true);
        requests.pipeInput(providerId, request);
    }

    private Object patientAppointments(String patientId) {
        KeyValueStore<String, Object> store = driver.getKeyValueStore(SchedulingTopology.PATIENT_APPOINTMENTS_STORE);
        return store.get(patientId);
    }

    private void reschedule(String bookingId, String replaces, String patientId, String providerId, Instant slotStart) {
        requests.pipeInput(providerId, request(bookingId, patientId, providerId, slotStart, "follow-up", ids.getOrDefault(replaces, replaces)));
    }

    private BookingRequest request(String bookingId, String patientId, String providerId, Instant slotStart, String type, String replaces) {
        return request(bookingId, patientId, providerId, null, slotStart, type, replaces);
    }

    /** A request as the ingest API writes it: careflow's id derived from the client's {@code clientId}. */
    private BookingRequest request(String clientId, String patientId, String providerId, String facilityId, Instant slotStart, String type,
                                   String replaces) {
        String bookingId = BookingIds.of(facilityId, patientId, providerId, clientId);
        ids.put(clientId, bookingId);
        return BookingRequest.newBuilder()
            .setEventId("req-" + clientId + "-" + patientId).setOccurredAt(NOW).setBookingId(bookingId).setClientBookingId(clientId)
            .setPatientId(patientId).setProviderId(providerId).setFacilityId(facilityId).setSlotStart(slotStart).setAppointmentType(type)
            .setNotes(null).setRequestedAt(NOW).setReplacesBookingId(replaces)
            .build();
    }

    private BookingCancellation cancellation(String clientId) {
        return BookingCancellation.newBuilder().setEventId("c-" + clientId).setOccurredAt(NOW).setBookingId(ids.getOrDefault(clientId, clientId))
            .setPatientId(null).setReason("patient asked").setCancelledBy(CancelledBy.PATIENT).setStaffId(null).build();
    }

    private BookingCancellation staffCancellation(String bookingId, List<String> callerFacilities) {
        return BookingCancellation.newBuilder(cancellation(bookingId)).setCancelledBy(CancelledBy.STAFF).setStaffId("s-1")
            .setCallerFacilityIds(callerFacilities).build();
    }

    private static BookingRequest withCaller(BookingRequest request, List<String> callerFacilities) {
        request.setCallerFacilityIds(callerFacilities);
        return request;
    }

    private List<BookingStatus> statuses(String bookingId) {
        return outcomes.readValuesToList().stream().filter(o -> o.getBookingId().equals(ids.get(bookingId))).map(BookingOutcome::getStatus).toList();
    }

    private BookingOutcome current(String bookingId) {
        KeyValueStore<String, BookingOutcome> store = driver.getKeyValueStore(SchedulingTopology.BOOKINGS_STORE);
        return store.get(ids.getOrDefault(bookingId, bookingId));
    }

    private RejectionReason reason(String bookingId) {
        BookingOutcome outcome = current(bookingId);
        assertThat(outcome.getStatus()).isEqualTo(BookingStatus.REJECTED);
        return outcome.getRejectionReason();
    }

    private SlotState slot(String providerId, Instant start) {
        SlotState state = slotOrNull(providerId, start);
        assertThat(state).as("slot of %s at %s", providerId, start).isNotNull();
        return state;
    }

    private SlotState slotOrNull(String providerId, Instant start) {
        KeyValueStore<String, SlotState> store = driver.getKeyValueStore(SchedulingTopology.SLOTS_STORE);
        return store.get(SlotKeys.slot("dr-c".equals(providerId) ? "f-2" : "f-1", providerId, start));
    }
}
