package org.careflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.careflow.config.CommonConfig;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.events.scheduling.BookingStatus;
import org.careflow.events.scheduling.RejectionReason;
import org.careflow.ingest.IngestApp;
import org.careflow.ingest.IngestConfig;
import org.careflow.platform.embedded.Await;
import org.careflow.platform.embedded.FreePorts;
import org.careflow.platform.embedded.PlatformFixture;
import org.careflow.scheduling.SchedulingApp;
import org.careflow.security.AuthSettings;
import org.careflow.topics.BookingIds;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Booking under contention through the real stack: the ingest API in-process, two streams-scheduling
 * instances as their own processes (so one can be killed, not closed), a real broker and registry.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BookingConcurrencyIT {

    private static final Duration DEADLINE = Duration.ofMinutes(4);
    private static final int PROVIDERS = 10;
    private static final int SLOTS_PER_PROVIDER = 10;
    private static final int REQUESTS_PER_SLOT = 10;

    private Path dir;
    private PlatformFixture platform;
    private IngestApp ingest;
    private final SchedulingProcess[] instances = new SchedulingProcess[2];
    private final String applicationId = "scheduling-it-" + UUID.randomUUID();
    private final LocalDate day = LocalDate.now(ZoneOffset.UTC).plusDays(2);

    @BeforeAll
    void startStack(@TempDir Path tempDir) {
        dir = tempDir;
        platform = PlatformFixture.catalogue(dir);
        // Booking under contention is the subject here, not access control: the apps run without authentication.
        HttpCalls.actAs(null);
        Map<String, Object> ingestProps = new HashMap<>(CommonConfig.connection(platform.bootstrapServers(), platform.registryUrl(), "127.0.0.1", 0));
        ingestProps.put(AuthSettings.AUTH_ENABLED_CONFIG, false);
        ingest = IngestApp.start(new IngestConfig(ingestProps));
        HttpCalls.registerFacilities(ingestUrl(), "f-load", "f-dst");
        int[] ports = FreePorts.reserve(2);
        for (int i = 0; i < 2; i++) {
            instances[i] = new SchedulingProcess(i, ports[i]).start();
        }
        for (SchedulingProcess instance : instances) {
            Await.until("scheduling instance " + instance.index + " to be ready", DEADLINE, instance::ready);
        }
        for (int p = 0; p < PROVIDERS; p++) {
            assertThat(HttpCalls.send("PUT", ingestUrl() + "/v1/providers/dr-" + p + "/schedule", schedule()).statusCode()).isEqualTo(202);
        }
        Await.until("every schedule to be known", DEADLINE, () -> {
            for (int p = 0; p < PROVIDERS; p++) {
                if (HttpCalls.getJson(instances[0].url() + "/v1/providers/dr-" + p + "/slots?from=" + day.atStartOfDay().toInstant(ZoneOffset.UTC)
                    + "&to=" + day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC)) == null) {
                    return false;
                }
            }
            return true;
        });
    }

    @AfterAll
    void stopStack() {
        for (SchedulingProcess instance : instances) {
            if (instance != null) {
                instance.stop();
            }
        }
        for (AutoCloseable c : new AutoCloseable[] {ingest, platform}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    @Test
    @Order(0)
    void shouldGatherFreeSlotsOfEveryProviderFromBothInstancesWhenAskingForAFacility() {
        // Given the providers' tasks are spread over both instances
        Set<Integer> owners = new HashSet<>();
        for (int p = 0; p < PROVIDERS; p++) {
            owners.add(partition("dr-" + p));
        }
        assertThat(owners).hasSizeGreaterThan(1);

        // When either instance is asked for the facility's free slots
        for (SchedulingProcess instance : instances) {
            var slots = HttpCalls.getJson(instance.url() + "/v1/facilities/f-load/slots?from=" + day.atStartOfDay().toInstant(ZoneOffset.UTC)
                + "&to=" + day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC) + "&type=follow-up");

            // Then it answers all 100, from every provider, ordered by time
            assertThat(slots).hasSize(PROVIDERS * SLOTS_PER_PROVIDER);
            Set<String> providers = new HashSet<>(slots.findValuesAsText("providerId"));
            assertThat(providers).hasSize(PROVIDERS);
            List<String> starts = slots.findValuesAsText("start");
            assertThat(starts).isSortedAccordingTo(String::compareTo);
            assertThat(starts.get(0)).isEqualTo(slot(0).toString());
        }
    }

    @Test
    @Order(1)
    void shouldNeverConfirmAPatientIntoOverlappingAppointmentsWhenProvidersAreOnDifferentPartitions() {
        // Given two providers whose requests go to different partitions (so different tasks decide them)
        String first = "dr-0";
        String second = null;
        for (int p = 1; p < PROVIDERS && second == null; p++) {
            if (partition("dr-" + p) != partition(first)) {
                second = "dr-" + p;
            }
        }
        assertThat(second).isNotNull();
        Instant nine = slot(0);

        // When one patient asks both for the same time at once
        assertThat(book("overlap-a", "patient-overlap", first, nine).statusCode()).isEqualTo(202);
        assertThat(book("overlap-b", "patient-overlap", second, nine).statusCode()).isEqualTo(202);

        // Then exactly one is confirmed and the other rejected for the overlap
        Map<String, BookingOutcome> finals = awaitFinal(Set.of(id("overlap-a", "patient-overlap", first), id("overlap-b", "patient-overlap", second)));
        assertThat(finals.values()).extracting(BookingOutcome::getStatus)
            .containsExactlyInAnyOrder(BookingStatus.CONFIRMED, BookingStatus.REJECTED);
        assertThat(finals.values()).filteredOn(o -> o.getStatus() == BookingStatus.REJECTED)
            .singleElement().satisfies(o -> assertThat(o.getRejectionReason()).isEqualTo(RejectionReason.PATIENT_OVERLAP));
        BookingOutcome kept = finals.values().stream().filter(o -> o.getStatus() == BookingStatus.CONFIRMED).findFirst().orElseThrow();

        // When the patient reschedules to another provider's later slot
        String other = kept.getProviderId().equals(first) ? second : first;
        assertThat(HttpCalls.send("POST", ingestUrl() + "/v1/bookings/" + kept.getBookingId() + "/reschedule", """
            {"newBookingId": "overlap-moved", "patientId": "patient-overlap", "providerId": "%s", "facilityId": "%s", "slotStart": "%s",
             "appointmentType": "follow-up"}
            """.formatted(other, facilityOf(other), slot(1))).statusCode()).isEqualTo(202);

        // Then the new booking is confirmed and only then the old one cancelled
        String moved = id("overlap-moved", "patient-overlap", other);
        assertThat(awaitFinal(Set.of(moved)).get(moved).getStatus()).isEqualTo(BookingStatus.CONFIRMED);
        Await.until("the old booking to be cancelled", DEADLINE, () -> "CANCELLED".equals(status(kept.getBookingId())));
        var appointments = Await.value("the patient's appointments", DEADLINE, () -> {
            var body = HttpCalls.getJson(instances[0].url() + "/v1/patients/patient-overlap/appointments");
            return body != null && body.get("appointments").size() == 2 ? body : null;
        });
        assertThat(appointments.at("/appointments/0/status").asText()).isEqualTo("CANCELLED");
        assertThat(appointments.at("/appointments/1/bookingId").asText()).isEqualTo(moved);
        assertThat(appointments.at("/appointments/1/status").asText()).isEqualTo("BOOKED");

        // Free the slot for the contention test
        assertThat(HttpCalls.send("POST", ingestUrl() + "/v1/bookings/" + moved + "/cancel", "{\"reason\": \"test\"}").statusCode())
            .isEqualTo(202);
        Await.until("the moved booking to be cancelled", DEADLINE, () -> "CANCELLED".equals(status(moved)));
    }

    @Test
    @Order(2)
    void shouldConfirmEachSlotOnceWhenAThousandRequestsContendAndAnInstanceIsKilled() throws Exception {
        // Given 100 free slots and 1,000 requests for them, 10 per slot, each from another patient
        List<String[]> requests = new ArrayList<>();
        for (int s = 0; s < SLOTS_PER_PROVIDER; s++) {
            for (int p = 0; p < PROVIDERS; p++) {
                for (int r = 0; r < REQUESTS_PER_SLOT; r++) {
                    int n = requests.size();
                    requests.add(new String[] {"load-" + n, "patient-" + n, "dr-" + p, slot(s).toString()});
                }
            }
        }
        java.util.Collections.shuffle(requests, new java.util.Random(11));

        // When they are sent from many threads at once, and one scheduling instance is killed half way and restarted
        AtomicInteger sent = new AtomicInteger();
        Map<Integer, Integer> statusCounts = new ConcurrentHashMap<>();
        ExecutorService clients = Executors.newFixedThreadPool(32);
        List<Future<?>> futures = new ArrayList<>();
        for (String[] r : requests) {
            futures.add(clients.submit(() -> {
                int status = book(r[0], r[1], r[2], Instant.parse(r[3])).statusCode();
                statusCounts.merge(status, 1, Integer::sum);
                sent.incrementAndGet();
            }));
        }
        Await.until("half the requests to be sent", DEADLINE, () -> sent.get() >= requests.size() / 2);
        instances[1].kill();
        instances[1].start();
        for (Future<?> f : futures) {
            f.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
        clients.shutdown();
        assertThat(statusCounts).containsOnlyKeys(202);

        // Then every request is decided: exactly 100 confirmed, one per slot, every other rejected with a reason
        Set<String> ids = new HashSet<>();
        requests.forEach(r -> ids.add(id(r[0], r[1], r[2])));
        Map<String, BookingOutcome> finals = awaitFinal(ids);
        List<BookingOutcome> confirmed = finals.values().stream().filter(o -> o.getStatus() == BookingStatus.CONFIRMED).toList();
        assertThat(confirmed).hasSize(PROVIDERS * SLOTS_PER_PROVIDER);
        Set<String> slots = new HashSet<>();
        confirmed.forEach(o -> assertThat(slots.add(o.getProviderId() + "@" + o.getSlotStart())).as("slot confirmed twice").isTrue());
        assertThat(finals.values()).filteredOn(o -> o.getStatus() == BookingStatus.REJECTED)
            .hasSize(requests.size() - confirmed.size())
            .allSatisfy(o -> assertThat(o.getRejectionReason()).isEqualTo(RejectionReason.SLOT_TAKEN));
        // When clients retry decided bookings, some even with another slot
        List<String> retried = new ArrayList<>();
        confirmed.stream().limit(5).forEach(o -> retried.add(o.getBookingId()));
        finals.values().stream().filter(o -> o.getStatus() == BookingStatus.REJECTED).limit(5).forEach(o -> retried.add(o.getBookingId()));
        Map<String, Integer> before = outcomeCounts(new HashSet<>(retried));
        for (String id : retried) {
            BookingOutcome o = finals.get(id);
            assertThat(book(o.getClientBookingId(), o.getPatientId(), o.getProviderId(), o.getSlotStart().plusSeconds(1800)).statusCode())
                .isEqualTo(202);
        }

        // Then each gets its outcome again, unchanged, and nothing more is booked
        Await.until("the retried bookings to be answered", DEADLINE, () -> {
            Map<String, Integer> now = outcomeCounts(new HashSet<>(retried));
            return retried.stream().allMatch(id -> now.getOrDefault(id, 0) > before.getOrDefault(id, 0));
        });
        Map<String, BookingOutcome> again = awaitFinal(ids);
        for (String id : retried) {
            assertThat(again.get(id).getStatus()).isEqualTo(finals.get(id).getStatus());
            assertThat(again.get(id).getSlotStart()).isEqualTo(finals.get(id).getSlotStart());
        }
        assertThat(again.values().stream().filter(o -> o.getStatus() == BookingStatus.CONFIRMED)).hasSize(PROVIDERS * SLOTS_PER_PROVIDER);

        // ... and the query API agrees, from either instance
        String sample = confirmed.get(0).getBookingId();
        Await.until("the restarted instance to answer", DEADLINE, () -> "CONFIRMED".equals(status(sample, instances[1])));
        assertThat(status(sample, instances[0])).isEqualTo("CONFIRMED");
    }

    @Test
    @Order(3)
    void shouldOfferDistinctSlotsAcrossTheSpringChangeWhenAProviderWorksThroughIt() {
        // Given a provider in London working 00:00-04:00 local on the night the clocks go forward (01:00 GMT -> 02:00 BST)
        String schedule = """
            {"facilityId": "f-dst", "timeZone": "Europe/London", "slotMinutes": 30, "appointmentTypes": ["follow-up"],
             "weekly": {}, "extraSessions": [{"date": "2027-03-28", "start": "00:00", "end": "04:00"}]}
            """;
        assertThat(HttpCalls.send("PUT", ingestUrl() + "/v1/providers/dr-dst/schedule", schedule).statusCode()).isEqualTo(202);

        // When its slots that night are asked for
        var slots = Await.value("the night's slots", DEADLINE, () -> HttpCalls.getJson(instances[0].url()
            + "/v1/providers/dr-dst/slots?from=2027-03-28T00:00:00Z&to=2027-03-28T04:00:00Z"));

        // Then the three real hours give six slots, 30 minutes apart, none lost or doubled
        assertThat(slots.get("slots").findValuesAsText("start")).containsExactly("2027-03-28T00:00:00Z", "2027-03-28T00:30:00Z",
            "2027-03-28T01:00:00Z", "2027-03-28T01:30:00Z", "2027-03-28T02:00:00Z", "2027-03-28T02:30:00Z");

        // And a slot just after the change can be booked
        assertThat(book("dst-booking", "patient-dst", "dr-dst", Instant.parse("2027-03-28T01:00:00Z")).statusCode()).isEqualTo(202);
        String dstBooking = id("dst-booking", "patient-dst", "dr-dst");
        assertThat(awaitFinal(Set.of(dstBooking)).get(dstBooking).getStatus()).isEqualTo(BookingStatus.CONFIRMED);

        // When the provider's schedule moves to the next day, with an hour off
        String moved = """
            {"facilityId": "f-dst", "timeZone": "Europe/London", "slotMinutes": 30, "appointmentTypes": ["follow-up"],
             "weekly": {}, "extraSessions": [{"date": "2027-03-29", "start": "09:00", "end": "12:00"}],
             "timeOff": [{"from": "2027-03-29", "to": "2027-03-29", "startTime": "10:00", "endTime": "11:00"}]}
            """;
        assertThat(HttpCalls.send("PUT", ingestUrl() + "/v1/providers/dr-dst/schedule", moved).statusCode()).isEqualTo(202);

        // Then the booked slot stays booked and is reported as a conflict, and the hour off offers nothing
        var conflicts = Await.value("the conflict to be reported", DEADLINE, () -> {
            var body = HttpCalls.getJson(instances[1].url() + "/v1/providers/dr-dst/conflicts");
            return body != null && body.get("conflicts").size() == 1 ? body : null;
        });
        assertThat(conflicts.at("/conflicts/0/bookingId").asText()).isEqualTo(dstBooking);
        assertThat(conflicts.at("/conflicts/0/status").asText()).isEqualTo("BOOKED");
        assertThat(status(dstBooking)).isEqualTo("CONFIRMED");
        var nextDay = HttpCalls.getJson(instances[0].url() + "/v1/providers/dr-dst/slots?from=2027-03-29T00:00:00Z&to=2027-03-30T00:00:00Z");
        assertThat(nextDay.get("slots").findValuesAsText("start")).containsExactly(
            "2027-03-29T08:00:00Z", "2027-03-29T08:30:00Z", "2027-03-29T10:00:00Z", "2027-03-29T10:30:00Z");
    }

    private Map<String, Integer> outcomeCounts(Set<String> bookingIds) {
        Map<String, Integer> counts = new HashMap<>();
        try (KafkaConsumer<String, BookingOutcome> consumer = outcomeConsumer()) {
            consumer.subscribe(List.of(Topics.BOOKING_OUTCOMES.name()));
            long quietSince = System.nanoTime();
            while (System.nanoTime() - quietSince < Duration.ofSeconds(3).toNanos()) {
                var records = consumer.poll(Duration.ofMillis(300));
                if (!records.isEmpty()) {
                    quietSince = System.nanoTime();
                }
                for (ConsumerRecord<String, BookingOutcome> r : records) {
                    if (bookingIds.contains(r.key()) && r.value().getStatus() != BookingStatus.PENDING) {
                        counts.merge(r.key(), 1, Integer::sum);
                    }
                }
            }
        }
        return counts;
    }

    private KafkaConsumer<String, BookingOutcome> outcomeConsumer() {
        Map<String, Object> props = new HashMap<>(new RegistryEventSerdes(platform.registryUrl(), false).clientConfig());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "outcome-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, io.apicurio.registry.serde.avro.AvroKafkaDeserializer.class);
        return new KafkaConsumer<>(props);
    }

    private Map<String, BookingOutcome> awaitFinal(Set<String> bookingIds) {
        Map<String, BookingOutcome> latest = new HashMap<>();
        try (KafkaConsumer<String, BookingOutcome> consumer = outcomeConsumer()) {
            consumer.subscribe(List.of(Topics.BOOKING_OUTCOMES.name()));
            Await.until("a final outcome for " + bookingIds.size() + " bookings", DEADLINE, () -> {
                for (ConsumerRecord<String, BookingOutcome> r : consumer.poll(Duration.ofMillis(500))) {
                    if (bookingIds.contains(r.key())) {
                        latest.put(r.key(), r.value());
                    }
                }
                return latest.size() == bookingIds.size()
                    && latest.values().stream().noneMatch(o -> o.getStatus() == BookingStatus.PENDING);
            });
        }
        return latest;
    }

    /** careflow's id of a client's booking id, at the provider's facility. */
    private static String id(String clientBookingId, String patientId, String providerId) {
        return BookingIds.of(facilityOf(providerId), patientId, providerId, clientBookingId);
    }

    /** The facility whose schedule each provider of this test has: dr-dst's night at f-dst, the load's at f-load. */
    private static String facilityOf(String providerId) {
        return providerId.equals("dr-dst") ? "f-dst" : "f-load";
    }

    private HttpResponse<String> book(String bookingId, String patientId, String providerId, Instant slotStart) {
        return HttpCalls.send("POST", ingestUrl() + "/v1/bookings", """
            {"bookingId": "%s", "patientId": "%s", "providerId": "%s", "facilityId": "%s", "slotStart": "%s", "appointmentType": "follow-up"}
            """.formatted(bookingId, patientId, providerId, facilityOf(providerId), slotStart));
    }

    private String status(String bookingId) {
        return status(bookingId, instances[0]);
    }

    private static String status(String bookingId, SchedulingProcess instance) {
        var body = HttpCalls.getJson(instance.url() + "/v1/bookings/" + bookingId);
        return body == null ? null : body.get("status").asText();
    }

    private Instant slot(int index) {
        return day.atTime(9, 0).toInstant(ZoneOffset.UTC).plus(Duration.ofMinutes(30L * index));
    }

    private String schedule() {
        return """
            {"facilityId": "f-load", "timeZone": "UTC", "slotMinutes": 30, "appointmentTypes": ["follow-up"],
             "weekly": {}, "extraSessions": [{"date": "%s", "start": "09:00", "end": "14:00"}]}
            """.formatted(day);
    }

    private static int partition(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % Topics.BOOKING_REQUESTS.partitions();
    }

    private String ingestUrl() {
        return "http://127.0.0.1:" + ingest.port();
    }

    /** One streams-scheduling instance in its own JVM. */
    private final class SchedulingProcess {
        private final int index;
        private final int port;
        private Process process;

        SchedulingProcess(int index, int port) {
            this.index = index;
            this.port = port;
        }

        SchedulingProcess start() {
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-Dlog4j2.configurationFile=log4j2.xml",
                "-Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager",
                "-cp", System.getProperty("java.class.path"), SchedulingApp.class.getName());
            Map<String, String> env = builder.environment();
            env.put("CAREFLOW_KAFKA_BOOTSTRAP_SERVERS", platform.bootstrapServers());
            env.put("CAREFLOW_REGISTRY_URL", platform.registryUrl());
            env.put("CAREFLOW_HTTP_HOST", "127.0.0.1");
            env.put("CAREFLOW_HTTP_PORT", Integer.toString(port));
            env.put("CAREFLOW_HTTP_ADVERTISED_HOST", "127.0.0.1");
            env.put("CAREFLOW_APPLICATION_ID", applicationId);
            env.put("CAREFLOW_STATE_DIR", dir.resolve("state-" + index).toString());
            // Far enough to reach the next spring daylight-saving change.
            env.put("CAREFLOW_SLOTS_HORIZON_WEEKS", "40");
            env.put("CAREFLOW_AUTH_ENABLED", "false");
            builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("scheduling-" + index + ".log").toFile()));
            try {
                process = builder.start();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return this;
        }

        boolean ready() {
            try {
                return process.isAlive() && HttpCalls.get(url() + "/health/ready").statusCode() == 200;
            } catch (RuntimeException e) {
                return false;
            }
        }

        void kill() {
            process.destroyForcibly();
            Await.until("instance " + index + " to die", Duration.ofSeconds(30), () -> !process.isAlive());
        }

        void stop() {
            if (process != null && process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(30, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    process.destroyForcibly();
                }
            }
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }
    }
}
