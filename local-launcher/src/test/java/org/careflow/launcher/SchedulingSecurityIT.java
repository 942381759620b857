package org.careflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.careflow.platform.embedded.Await;
import org.careflow.http.metrics.PrometheusSamples;
import org.careflow.security.Role;
import org.careflow.topics.BookingIds;
import org.careflow.topics.ProviderScheduleKeys;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduling's tenancy on the whole local stack, over HTTP with real tokens: facility A's staff and another patient try
 * to take over facility B's provider, reach B's patient's booking by its id, cancel or reschedule it, and read it back.
 * Each case names the invariant it checks, asserts the readable refusal, and that nothing of the victim's changed.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchedulingSecurityIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final String FACILITY_A = "f-sec-a";
    private static final String FACILITY_B = "f-sec-b";
    private static final String PROVIDER = "dr-sec";
    private static final String VICTIM = "p-sec-victim";
    private static final String ATTACKER = "p-sec-attacker";
    private static final String CLIENT_ID = "bk-1";

    private LocalStack stack;
    private String ingest;
    private String scheduling;
    private Instant slot;
    private String victimBooking;
    private JsonNode victimBefore;

    @BeforeAll
    void start(@TempDir Path dataDir) {
        stack = LocalStack.start(StackOptions.ephemeral(dataDir));
        HttpCalls.actAs(stack.auth());
        ingest = stack.ingestUrl();
        scheduling = stack.schedulingUrl();
        HttpCalls.registerFacilities(ingest, FACILITY_A, FACILITY_B);
        String day = Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.DAYS).toString().substring(0, 10);
        slot = Instant.parse(day + "T09:00:00Z");
        // Given facility B's provider with a session, and B's patient booked into its first slot
        assertThat(HttpCalls.sendUntilAccepted("PUT", ingest + "/v1/providers/" + PROVIDER + "/schedule", scheduleAt(FACILITY_B, day, "09:00", "12:00"))
            .statusCode()).isEqualTo(202);
        Await.until("B's slots", DEADLINE, () -> freeSlots(FACILITY_B) != null);
        HttpResponse<String> booked = HttpCalls.sendAs(patient(VICTIM), "POST", ingest + "/v1/bookings", booking(CLIENT_ID, VICTIM, FACILITY_B, slot));
        assertThat(booked.statusCode()).as(booked.body()).isEqualTo(202);
        victimBooking = HttpCalls.json(booked.body()).get("bookingId").asText();
        assertThat(victimBooking).isEqualTo(BookingIds.of(FACILITY_B, VICTIM, PROVIDER, CLIENT_ID));
        victimBefore = Await.value("the victim's booking to be confirmed", DEADLINE, () -> {
            JsonNode b = bookingAs(patient(VICTIM), victimBooking);
            return b != null && "CONFIRMED".equals(b.get("status").asText()) ? b : null;
        });
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    @DisplayName("A provider belongs to its facility: A's schedule under B's providerId creates A's own provider; B's slots and conflicts stay B's")
    void shouldKeepFacilityBsProviderWhenFacilityAPutsAScheduleForItsId() {
        // When A's scheduler puts a schedule for the same provider id, naming A
        String day = slot.toString().substring(0, 10);
        HttpResponse<String> put = HttpCalls.sendAs(scheduler(FACILITY_A), "PUT", ingest + "/v1/providers/" + PROVIDER + "/schedule",
            scheduleAt(FACILITY_A, day, "14:00", "15:00"));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(202);
        JsonNode decision = awaitDecision(scheduler(FACILITY_A), HttpCalls.json(put.body()).get("requestId").asText());
        assertThat(decision.get("status").asText()).as("A's own provider").isEqualTo("ACCEPTED");

        // Then B's provider still offers B's hours, with the victim's slot taken
        JsonNode bSlots = Await.value("B's slots", DEADLINE, () -> freeSlots(FACILITY_B));
        assertThat(bSlots.get("facilityId").asText()).isEqualTo(FACILITY_B);
        assertThat(bSlots.get("slots").findValuesAsText("start")).hasSize(5).doesNotContain(slot.toString());
        // ... and A's scheduler cannot read B's provider's conflicts (404, as for a provider that does not exist) ...
        assertThat(HttpCalls.sendAs(scheduler(FACILITY_A), "GET", scheduling + "/v1/providers/" + PROVIDER + "/conflicts?facilityId="
            + FACILITY_B, null).statusCode()).isEqualTo(404);
        // ... and without a facility reads its own provider, which names none of B's bookings
        JsonNode own = HttpCalls.json(HttpCalls.sendAs(scheduler(FACILITY_A), "GET", scheduling + "/v1/providers/" + PROVIDER + "/conflicts",
            null).body());
        assertThat(own.get("facilityId").asText()).isEqualTo(FACILITY_A);
        assertThat(own.toString()).doesNotContain(victimBooking);
        assertVictimUnchanged();
    }

    @Test
    @Order(2)
    @DisplayName("A client's booking id is scoped: another patient reusing it (any provider, even none) gets its own booking")
    void shouldGiveTheAttackerItsOwnBookingWhenItReusesTheVictimsClientId() {
        for (String provider : new String[] {PROVIDER, "dr-does-not-exist"}) {
            HttpResponse<String> response = HttpCalls.sendAs(patient(ATTACKER), "POST", ingest + "/v1/bookings",
                booking(CLIENT_ID, ATTACKER, FACILITY_B, slot.plus(Duration.ofMinutes(30))).replace(PROVIDER, provider));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            String attackerBooking = HttpCalls.json(response.body()).get("bookingId").asText();
            assertThat(attackerBooking).isNotEqualTo(victimBooking);
            Await.until("the attacker's booking to be decided", DEADLINE, () -> {
                JsonNode b = bookingAs(patient(ATTACKER), attackerBooking);
                return b != null && !"PENDING".equals(b.get("status").asText());
            });
        }
        assertVictimUnchanged();
        assertThat(HttpCalls.sendAs(patient(ATTACKER), "GET", scheduling + "/v1/bookings/" + victimBooking, null).statusCode())
            .as("another's booking answers as none").isEqualTo(404);
        assertThat(HttpCalls.sendAs(scheduler(FACILITY_A), "GET", scheduling + "/v1/bookings/" + victimBooking, null).statusCode())
            .isEqualTo(404);
    }

    @Test
    @Order(3)
    @DisplayName("Every refused cancellation is a readable decision, the same for another's and an unknown booking, and changes nothing")
    void shouldRefuseCancellationsOfTheVictimsBookingWithADecisionAndKeepIt() {
        // When another patient and another facility's scheduler cancel the victim's booking, and someone an unknown one
        String byPatient = requestId(HttpCalls.sendAs(patient(ATTACKER), "POST", ingest + "/v1/bookings/" + victimBooking + "/cancel",
            "{\"reason\": \"mine now\"}"));
        String byFacility = requestId(HttpCalls.sendAs(scheduler(FACILITY_A), "POST", ingest + "/v1/bookings/" + victimBooking + "/cancel",
            "{\"reason\": \"mine now\", \"cancelledBy\": \"STAFF\", \"staffId\": \"s-a\"}"));
        String unknown = requestId(HttpCalls.sendAs(patient(ATTACKER), "POST", ingest + "/v1/bookings/bk-AAAAAAAAAAAAAAAAAAAAAA/cancel",
            "{\"reason\": \"nothing\"}"));

        // Then each is refused, readably, with the same reason
        for (String[] call : new String[][] {{patient(ATTACKER), byPatient}, {scheduler(FACILITY_A), byFacility}, {patient(ATTACKER), unknown}}) {
            JsonNode decision = awaitDecision(call[0], call[1]);
            assertThat(decision.get("status").asText()).isEqualTo("REFUSED");
            assertThat(decision.get("reason").asText()).isEqualTo("NO_SUCH_BOOKING");
        }
        // ... the victim cannot read the attacker's decision, nor can the attacker read the victim's booking
        assertThat(HttpCalls.sendAs(patient(VICTIM), "GET", scheduling + "/v1/scheduling-decisions/" + byPatient, null).statusCode())
            .isEqualTo(404);
        // ... the refusals are counted by reason, and the booking and its slot stay
        Await.until("the refusals to be counted", DEADLINE, () -> {
            HttpResponse<String> metrics = HttpCalls.sendAs(stack.auth().token(Role.OPS, Set.of(), null), "GET", scheduling + "/metrics", null);
            return metrics.statusCode() == 200 && PrometheusSamples.sum(metrics.body(), "careflow_scheduling_refusals_total",
                Map.of("kind", "CANCELLATION", "reason", "NO_SUCH_BOOKING")) >= 3.0;
        });
        assertVictimUnchanged();
    }

    @Test
    @Order(4)
    @DisplayName("A reschedule naming another patient's booking is rejected on the caller's own new booking; the victim's stays")
    void shouldRejectARescheduleOfTheVictimsBookingOnTheAttackersOwnBooking() {
        HttpResponse<String> response = HttpCalls.sendAs(patient(ATTACKER), "POST", ingest + "/v1/bookings/" + victimBooking + "/reschedule", """
            {"newBookingId": "moved", "patientId": "%s", "providerId": "%s", "facilityId": "%s", "slotStart": "%s", "appointmentType": "follow-up"}
            """.formatted(ATTACKER, PROVIDER, FACILITY_B, slot.plus(Duration.ofMinutes(60))));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String attackerBooking = HttpCalls.json(response.body()).get("bookingId").asText();

        JsonNode rejected = Await.value("the reschedule to be decided", DEADLINE, () -> {
            JsonNode b = bookingAs(patient(ATTACKER), attackerBooking);
            return b != null && "REJECTED".equals(b.get("status").asText()) ? b : null;
        });
        assertThat(rejected.get("rejectionReason").asText()).isEqualTo("NOT_PERMITTED");
        assertThat(freeSlots(FACILITY_B).get("slots").findValuesAsText("start")).as("the held slot is freed")
            .contains(slot.plus(Duration.ofMinutes(60)).toString());
        assertVictimUnchanged();
    }

    @Test
    @Order(5)
    @DisplayName("Each facility's provider is its own record of the compacted provider-schedules: compaction never drops B's schedule for A's")
    void shouldKeepFacilityBsScheduleOnTheTopicWhenCompactionCleansFacilityAsSchedulesOfTheSameProviderId() throws Exception {
        // Given a topic that rolls and cleans its log quickly (the broker's cleaner runs every 15 s)
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.PROVIDER_SCHEDULES.name());
        try (Admin admin = StackRecords.admin(stack)) {
            admin.incrementalAlterConfigs(Map.of(topic, List.of(
                new AlterConfigOp(new ConfigEntry(TopicConfig.SEGMENT_MS_CONFIG, "1000"), AlterConfigOp.OpType.SET),
                new AlterConfigOp(new ConfigEntry(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.01"), AlterConfigOp.OpType.SET)))).all()
                .get(30, TimeUnit.SECONDS);
        }
        String keyOfA = ProviderScheduleKeys.of(PROVIDER, FACILITY_A);
        String keyOfB = ProviderScheduleKeys.of(PROVIDER, FACILITY_B);
        String day = slot.toString().substring(0, 10);

        // When A publishes its schedule of the provider id again and again, until compaction has removed A's older ones
        AtomicInteger published = new AtomicInteger();
        List<ConsumerRecord<String, byte[]>> compacted = Await.value("compaction to clean A's older schedules", Duration.ofMinutes(3), () -> {
            HttpResponse<String> put = HttpCalls.sendAs(scheduler(FACILITY_A), "PUT", ingest + "/v1/providers/" + PROVIDER + "/schedule",
                scheduleAt(FACILITY_A, day, "14:00", "15:00"));
            if (put.statusCode() == 202) {
                published.incrementAndGet();
            }
            List<ConsumerRecord<String, byte[]>> all = StackRecords.readAll(stack, Topics.PROVIDER_SCHEDULES.name(), DEADLINE);
            long ofA = all.stream().filter(r -> keyOfA.equals(r.key())).count();
            // A has published 1 (in the first test) + published.get() schedules; fewer on the topic means the cleaner ran
            return ofA < 1 + published.get() ? all : null;
        });

        // Then B's schedule, keyed by B's provider, is still on the topic, in the same partition as A's (the provider's)
        List<ConsumerRecord<String, byte[]>> ofB = compacted.stream().filter(r -> keyOfB.equals(r.key())).toList();
        assertThat(ofB).as("B's schedule survives compaction").hasSize(1);
        assertThat(compacted.stream().filter(r -> keyOfA.equals(r.key())).map(ConsumerRecord::partition).distinct().toList())
            .containsExactly(ofB.get(0).partition());
        assertThat(freeSlots(FACILITY_B).get("slots").findValuesAsText("start")).as("B's provider still offers B's hours").isNotEmpty();
        assertVictimUnchanged();
    }

    @Test
    @Order(6)
    @DisplayName("A facility withdraws only its own provider: A's scheduler naming B is refused; A's own withdrawal leaves B's provider of the id")
    void shouldWithdrawOnlyFacilityAsProviderWhenAWithdrawsTheSharedProviderId() {
        String path = ingest + "/v1/providers/" + PROVIDER + "/schedule?facilityId=";

        // When A's scheduler tries to withdraw B's provider
        HttpResponse<String> refused = HttpCalls.sendAs(scheduler(FACILITY_A), "DELETE", path + FACILITY_B, null);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);

        // When A withdraws its own provider of the id
        HttpResponse<String> withdrawn = HttpCalls.sendAs(scheduler(FACILITY_A), "DELETE", path + FACILITY_A, null);
        assertThat(withdrawn.statusCode()).as(withdrawn.body()).isEqualTo(202);

        // Then A's provider is gone (its slots answer 404 as for an unknown provider), and B's offers B's hours still
        Await.until("A's provider to be withdrawn", DEADLINE, () -> HttpCalls.sendAs(patient(ItCallers.ANY_PATIENT), "GET", scheduling
            + "/v1/providers/" + PROVIDER + "/slots?facilityId=" + FACILITY_A, null).statusCode() == 404);
        assertThat(freeSlots(FACILITY_B).get("slots").findValuesAsText("start")).as("B's provider still offers B's hours").isNotEmpty();
        assertVictimUnchanged();
    }

    private void assertVictimUnchanged() {
        JsonNode now = bookingAs(patient(VICTIM), victimBooking);
        assertThat(now).as("the victim's booking").isEqualTo(victimBefore);
        assertThat(freeSlots(FACILITY_B).get("slots").findValuesAsText("start")).as("the victim's slot stays booked").doesNotContain(slot.toString());
    }

    private JsonNode awaitDecision(String token, String requestId) {
        return Await.value("the decision on " + requestId, DEADLINE, () -> {
            HttpResponse<String> r = HttpCalls.sendAs(token, "GET", scheduling + "/v1/scheduling-decisions/" + requestId, null);
            return r.statusCode() == 200 ? HttpCalls.json(r.body()) : null;
        });
    }

    private static String requestId(HttpResponse<String> accepted) {
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String requestId = HttpCalls.json(accepted.body()).get("requestId").asText();
        assertThat(accepted.headers().firstValue("Location")).hasValue("/v1/scheduling-decisions/" + requestId);
        return requestId;
    }

    private JsonNode bookingAs(String token, String bookingId) {
        HttpResponse<String> r = HttpCalls.sendAs(token, "GET", scheduling + "/v1/bookings/" + bookingId, null);
        return r.statusCode() == 200 ? HttpCalls.json(r.body()) : null;
    }

    private JsonNode freeSlots(String facilityId) {
        HttpResponse<String> r = HttpCalls.sendAs(patient(ItCallers.ANY_PATIENT), "GET", scheduling + "/v1/providers/" + PROVIDER
            + "/slots?facilityId=" + facilityId + "&from=" + slot.truncatedTo(ChronoUnit.DAYS) + "&to=" + slot.plus(Duration.ofHours(12)), null);
        return r.statusCode() == 200 ? HttpCalls.json(r.body()) : null;
    }

    private String patient(String patientId) {
        return stack.auth().token(Role.PATIENT, Set.of(), patientId);
    }

    private String scheduler(String facilityId) {
        return stack.auth().token(Role.SCHEDULER, Set.of(facilityId), null);
    }

    private static String scheduleAt(String facilityId, String day, String start, String end) {
        return """
            {"facilityId": "%s", "timeZone": "UTC", "slotMinutes": 30, "appointmentTypes": ["follow-up"],
             "weekly": {}, "extraSessions": [{"date": "%s", "start": "%s", "end": "%s"}]}
            """.formatted(facilityId, day, start, end);
    }

    private static String booking(String clientId, String patientId, String facilityId, Instant start) {
        return """
            {"bookingId": "%s", "patientId": "%s", "providerId": "%s", "facilityId": "%s", "slotStart": "%s", "appointmentType": "follow-up"}
            """.formatted(clientId, patientId, PROVIDER, facilityId, start);
    }
}
