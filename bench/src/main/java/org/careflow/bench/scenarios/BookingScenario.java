package org.careflow.bench.scenarios;

import org.careflow.query.StreamsHttpApp;
import org.careflow.bench.BenchSettings;
import org.careflow.bench.infra.BenchStack;
import org.careflow.bench.infra.StreamsRuns;
import org.careflow.bench.report.DrainClock;
import org.careflow.bench.report.Metric;
import org.careflow.bench.report.Progress;
import org.careflow.bench.report.ScenarioResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.careflow.config.CommonConfig;
import org.careflow.security.AuthSettings;
import org.careflow.config.StreamsAppConfig;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.events.scheduling.BookingRequest;
import org.careflow.events.scheduling.BookingStatus;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.scheduling.SchedulingApp;
import org.careflow.scheduling.SchedulingConfig;
import org.careflow.topics.ProviderScheduleKeys;
import org.careflow.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * streams-scheduling (the booking saga, exactly_once_v2) draining pre-filled {@code booking-requests} under contention:
 * booking decisions/s from the app RUNNING until every request's final outcome (CONFIRMED or REJECTED) can be read
 * with {@code read_committed}, the mix of decisions, and a check that no slot was confirmed twice and no patient got
 * two overlapping appointments.
 */
public final class BookingScenario implements Scenario {

    private static final Logger LOG = LoggerFactory.getLogger(BookingScenario.class);

    public static final String NAME = "bookings";
    static final String UNIT = "decisions/s";
    static final String METRIC = "booking decisions " + StreamsConfig.EXACTLY_ONCE_V2;
    /** Final outcome key of confirmed bookings in the mix; rejections are keyed by their reason. */
    public static final String CONFIRMED = "CONFIRMED";

    private static final Duration NO_OPEN_TRANSACTION_DEADLINE = Duration.ofMinutes(2);

    /** How a mode sizes the scenario: requests per round and providers they go to. */
    record Size(int requests, int providers) {
    }

    static Size size(BenchSettings settings) {
        return switch (settings.mode()) {
            case "smoke" -> new Size(300, 6);
            case "quick" -> new Size(3_000, 30);
            default -> new Size(40_000, 200);
        };
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "streams-scheduling (exactly_once_v2) deciding pre-filled booking requests under contention until every decision is "
            + "readable: decisions/s, the decision mix, and no slot confirmed twice";
    }

    @Override
    public ScenarioResult run(BenchContext context, BenchSettings settings) throws Exception {
        long begin = System.nanoTime();
        Size size = size(settings);
        BookingLoad bookings = new BookingLoad(context.data(), Instant.now(), size.requests(), size.providers());
        prefill(context, bookings);

        List<Double> rates = new ArrayList<>();
        List<Map<String, Long>> mixes = new ArrayList<>();
        Round last = null;
        try (Serde<BookingOutcome> serde = context.stack().serdes().valueSerde(Topics.BOOKING_OUTCOMES);
             KafkaConsumer<String, BookingOutcome> outcomes = new KafkaConsumer<>(consumerProps(context), new StringDeserializer(),
                 serde.deserializer())) {
            for (int w = 0; w < settings.warmupRounds(); w++) {
                round(context, outcomes, String.format(Locale.ROOT, "streams-scheduling warm-up %d/%d", w + 1, settings.warmupRounds()));
            }
            for (int r = 0; r < settings.rounds(); r++) {
                last = round(context, outcomes, String.format(Locale.ROOT, "streams-scheduling round %d/%d", r + 1, settings.rounds()));
                rates.add(last.rate());
                mixes.add(last.mix());
            }
        }
        Objects.requireNonNull(last, "at least one measured round");
        Map<String, Long> expectedInvalid = bookings.expectedInvalid();
        expectedInvalid.forEach((reason, expected) -> {
            long seen = mixes.get(mixes.size() - 1).getOrDefault(reason, 0L);
            if (seen != expected) {
                // Invalid requests are rejected whatever the order: a difference means a schedule was not applied first.
                LOG.warn("{} requests were rejected {}, {} expected from the requests alone", seen, reason, expected);
            }
        });

        Map<String, Object> details = new LinkedHashMap<>();
        details.put("processingGuarantee", StreamsConfig.EXACTLY_ONCE_V2 + " (streams-scheduling always runs it)");
        details.put("requestsPerRound", last.decisions());
        details.put("providers", size.providers());
        details.put("patients", bookings.patients());
        details.put("slotsRequestedPerProvider", bookings.hotSlots());
        details.put("contention", String.format(Locale.ROOT, "valid requests go to %d slots per provider (about %d requests per slot); "
                + "%.0f%% of them are a second request of the previous request's patient for the same time with another provider; "
                + "%.0f%% ask for a type not offered, %.0f%% for no slot, %.0f%% for a slot in the past", bookings.hotSlots(),
            BookingLoad.REQUESTS_PER_SLOT, BookingLoad.OVERLAP_SHARE * 100, BookingLoad.TYPE_NOT_OFFERED_SHARE * 100,
            BookingLoad.NO_SUCH_SLOT_SHARE * 100, BookingLoad.IN_THE_PAST_SHARE * 100));
        details.put("decisionMix", describeMix(last.mix()));
        details.put("decisionMixSameEveryRound", mixes.stream().distinct().count() == 1);
        details.put("expectedInvalidRejections", expectedInvalid);
        details.put("slotsConfirmedTwice", 0);
        details.put("patientOverlapsConfirmed", 0);
        details.put("repeatedDecisions", last.repeated());
        details.put("measuredFrom", "final outcomes (CONFIRMED, REJECTED) on " + Topics.BOOKING_OUTCOMES.name()
            + " read back with isolation.level=read_committed, " + DrainClock.method());
        details.put("startOffsets", "each round's app reads " + Topics.PROVIDER_SCHEDULES.name() + " and " + Topics.BOOKING_REQUESTS.name()
            + " from the start, " + Topics.BOOKING_OUTCOMES.name() + " (its bookings table) from the round's start");
        return new ScenarioResult(NAME, description(), List.of(Metric.of(METRIC, UNIT, rates)), details, (System.nanoTime() - begin) / 1e9);
    }

    private static void prefill(BenchContext context, BookingLoad bookings) {
        try (Serde<ProviderSchedule> schedules = context.stack().serdes().valueSerde(Topics.PROVIDER_SCHEDULES);
             Serde<BookingRequest> requests = context.stack().serdes().valueSerde(Topics.BOOKING_REQUESTS)) {
            int partitions = context.stack().partitions(Topics.PROVIDER_SCHEDULES.name());
            Prefill.write(context, "pre-fill " + Topics.PROVIDER_SCHEDULES.name(), 0, bookings.providers(), schedules.serializer(), k -> {
                ProviderSchedule schedule = bookings.schedule((int) k);
                return new ProducerRecord<>(Topics.PROVIDER_SCHEDULES.name(), ProviderScheduleKeys.partition(schedule.getProviderId(), partitions),
                    ProviderScheduleKeys.of(schedule.getProviderId(), schedule.getFacilityId()), schedule);
            });
            // Written after the schedules, so with later timestamps: each provider's task applies its schedule first.
            Prefill.write(context, "pre-fill " + Topics.BOOKING_REQUESTS.name(), 0, bookings.requests(), requests.serializer(), i -> {
                BookingRequest request = bookings.request(i);
                return new ProducerRecord<>(Topics.BOOKING_REQUESTS.name(), request.getProviderId(), request);
            });
        }
    }

    /** One round's figures: decisions/s, how many, and the mix of final outcomes. */
    private record Round(double rate, long decisions, long repeated, Map<String, Long> mix) {
    }

    private static Round round(BenchContext context, KafkaConsumer<String, BookingOutcome> outcomes, String label) {
        BenchStack stack = context.stack();
        // Every request in the topic is decided: this scenario's, and any an earlier one wrote.
        long expected = stack.endOffsetSum(Topics.BOOKING_REQUESTS.name());
        Duration waited = stack.awaitNoOpenTransactions(Topics.BOOKING_OUTCOMES.name(), NO_OPEN_TRANSACTION_DEADLINE);
        if (waited.toMillis() > 1_000) {
            LOG.warn("Waited {} ms for an open transaction on {} to end before {}", waited.toMillis(), Topics.BOOKING_OUTCOMES.name(), label);
        }
        Map<TopicPartition, Long> from = stack.endOffsets(Topics.BOOKING_OUTCOMES.name());
        outcomes.assign(from.keySet());
        from.forEach(outcomes::seek);

        String applicationId = context.uniqueName("bench-scheduling");
        // Earlier rounds' outcomes are not this app's bookings: its table starts where the round does.
        StreamsRuns.startAtEnd(stack, applicationId, List.of(Topics.BOOKING_OUTCOMES.name(), Topics.BOOKING_CANCELLATIONS.name()));
        Map<String, Object> props = new HashMap<>(CommonConfig.connection(stack.bootstrapServers(), stack.registryUrl(), "127.0.0.1", 0));
        props.put(StreamsAppConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsAppConfig.STATE_DIR_CONFIG, stack.newDirectory("streams/" + applicationId).toString());
        props.put(StreamsAppConfig.HTTP_ADVERTISED_HOST_CONFIG, "127.0.0.1");
        // The benchmark measures with authentication off (see bench/README.md).
        props.put(AuthSettings.AUTH_ENABLED_CONFIG, "false");
        Duration deadline = StreamsRuns.drainDeadline(expected);
        Map<String, BookingOutcome> decided = new HashMap<>();
        long repeated = 0;
        try (Progress.Task task = context.progress().start(label, expected, "decisions")) {
            StreamsHttpApp app = SchedulingApp.start(new SchedulingConfig(props));
            try {
                DrainClock clock = new DrainClock(expected);
                long start = StreamsRuns.awaitRunning(app.streams(), deadline, "streams-scheduling");
                clock.started(start);
                StreamsRuns.Watchdog watchdog = new StreamsRuns.Watchdog("streams-scheduling's decisions", expected, start, deadline);
                while (!clock.progress(decided.size())) {
                    for (ConsumerRecord<String, BookingOutcome> record : outcomes.poll(Duration.ofMillis(20))) {
                        BookingOutcome outcome = record.value();
                        if (outcome.getStatus() == BookingStatus.PENDING) {
                            continue;
                        }
                        BookingOutcome earlier = decided.putIfAbsent(outcome.getBookingId(), outcome);
                        if (earlier != null) {
                            repeated++;
                            if (earlier.getStatus() != outcome.getStatus()) {
                                throw new IllegalStateException("A booking was decided twice, differently: " + earlier.getStatus()
                                    + " then " + outcome.getStatus() + " (" + outcome.getRejectionReason() + ")");
                            }
                        }
                    }
                    task.set(decided.size());
                    StreamsRuns.requireAlive(app.streams(), "streams-scheduling");
                    watchdog.check(decided.size());
                }
                double rate = clock.rate();
                Map<String, Long> mix = mix(decided.values());
                checkInvariants(decided.values());
                task.finish(String.format(Locale.ROOT, "%,.0f decisions/s, %s", rate, shortMix(mix, expected)));
                return new Round(rate, expected, repeated, mix);
            } finally {
                app.close();
            }
        } finally {
            stack.deleteDirectory("streams/" + applicationId);
            stack.deleteTopicsStartingWith(applicationId + "-");
        }
    }

    /** Counts of final outcomes: {@link #CONFIRMED} and every rejection reason, in a fixed order. */
    static Map<String, Long> mix(Iterable<BookingOutcome> outcomes) {
        Map<String, Long> mix = new TreeMap<>();
        for (BookingOutcome o : outcomes) {
            String key = o.getStatus() == BookingStatus.CONFIRMED ? CONFIRMED
                : o.getStatus() == BookingStatus.REJECTED && o.getRejectionReason() != null ? o.getRejectionReason().name()
                : o.getStatus().name();
            mix.merge(key, 1L, Long::sum);
        }
        return mix;
    }

    /**
     * Fails when a slot (provider and start) is confirmed to two bookings, or when one patient has two confirmed
     * appointments that overlap: what the saga promises never to do.
     */
    static void checkInvariants(Iterable<BookingOutcome> outcomes) {
        Map<String, String> slotOwner = new HashMap<>();
        Map<String, List<BookingOutcome>> byPatient = new HashMap<>();
        long doubled = 0;
        for (BookingOutcome o : outcomes) {
            if (o.getStatus() != BookingStatus.CONFIRMED) {
                continue;
            }
            String slot = o.getProviderId() + "@" + o.getSlotStart().toEpochMilli();
            if (slotOwner.putIfAbsent(slot, o.getBookingId()) != null) {
                doubled++;
            }
            byPatient.computeIfAbsent(o.getPatientId(), p -> new ArrayList<>()).add(o);
        }
        long overlaps = 0;
        for (List<BookingOutcome> appointments : byPatient.values()) {
            appointments.sort(Comparator.comparing(BookingOutcome::getSlotStart));
            for (int a = 1; a < appointments.size(); a++) {
                if (appointments.get(a).getSlotStart().isBefore(appointments.get(a - 1).getSlotEnd())) {
                    overlaps++;
                }
            }
        }
        if (doubled > 0 || overlaps > 0) {
            throw new IllegalStateException("The booking saga broke its promise: " + doubled + " slots confirmed twice, "
                + overlaps + " overlapping appointments confirmed for one patient");
        }
    }

    /** Each outcome's count and share of all decisions, for the report. */
    static Map<String, Object> describeMix(Map<String, Long> mix) {
        long total = mix.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("total", total);
        // CONFIRMED first, then the rejection reasons as they are counted.
        List<String> order = new ArrayList<>(mix.keySet());
        order.sort(Comparator.comparing((String k) -> !k.equals(CONFIRMED)).thenComparing(Comparator.naturalOrder()));
        for (String key : order) {
            Map<String, Object> share = new LinkedHashMap<>();
            share.put("count", mix.get(key));
            share.put("sharePercent", Math.round(mix.get(key) * 1000.0 / total) / 10.0);
            out.put(key, share);
        }
        return out;
    }

    private static String shortMix(Map<String, Long> mix, long total) {
        StringBuilder out = new StringBuilder();
        mix.forEach((k, v) -> out.append(out.isEmpty() ? "" : ", ").append(k.toLowerCase(Locale.ROOT))
            .append(String.format(Locale.ROOT, " %.0f%%", v * 100.0 / total)));
        return out.toString();
    }

    private static Map<String, Object> consumerProps(BenchContext context) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, context.stack().bootstrapServers());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-booking-outcome-reader");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return props;
    }
}
