package org.careflow.bench.scenarios;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.careflow.bench.BenchSettings;
import org.careflow.bench.drain.DrainApp;
import org.careflow.bench.drain.DrainRoundConfig;
import org.careflow.bench.infra.BenchStack;
import org.careflow.bench.infra.CpuClock;
import org.careflow.bench.infra.StreamsRuns;
import org.careflow.bench.report.DrainClock;
import org.careflow.bench.report.Metric;
import org.careflow.bench.report.Progress;
import org.careflow.bench.report.ScenarioResult;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.topics.Topics;

/**
 * streams-triage's exactly_once_v2 throughput as patients' histories grow: one application id starts at the end of its
 * inputs; each level (1, 10, 100 earlier assessments per patient) has patients of its own, whose earlier submissions are
 * written and processed first; then each measured round writes one new submission per patient of each level in turn
 * and times its assessments. Per-submission
 * work that does not depend on history length keeps the three rates alike; the target is 100 earlier at 90% or
 * more of 1 earlier.
 */
public final class GrowthScenario implements Scenario {

    public static final String NAME = "growth";
    static final List<Integer> LEVELS = List.of(1, 10, 100);
    static final String UNIT = "records/s";
    static final double TARGET_100_VS_1 = 0.90;
    static final int FULL_PATIENTS = 2_000;
    static final int QUICK_PATIENTS = 200;
    static final int SMOKE_PATIENTS = 20;
    /**
     * Event indices of this scenario start at a whole day of events (so submission times rise with the index within a
     * level) after 5,000,000,000, clear of the other scenarios' ranges; each level has a million of its own.
     */
    static final long FIRST_INDEX = (5_000_000_000L / SyntheticData.EVENTS_PER_DAY + 1) * SyntheticData.EVENTS_PER_DAY;
    static final long LEVEL_INDICES = 1_000_000;

    static String metric(int earlier) {
        return "streams-triage exactly_once_v2 " + earlier + " earlier";
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "streams-triage exactly_once_v2 throughput of one new submission per patient when each patient already has 1, 10, 100 "
            + "earlier assessments";
    }

    static int patients(BenchSettings settings) {
        return switch (settings.mode()) {
            case "smoke" -> SMOKE_PATIENTS;
            case "quick" -> QUICK_PATIENTS;
            default -> FULL_PATIENTS;
        };
    }

    @Override
    public ScenarioResult run(BenchContext context, BenchSettings settings) throws Exception {
        long begin = System.nanoTime();
        int patients = patients(settings);
        DrainAppJvm jvm = context.drainJvm(DrainApp.TRIAGE, settings);
        CpuClock cpu = DrainRounds.cpuClock(context.stack(), jvm);
        Map<Integer, List<DrainRounds.RoundResult>> results = new LinkedHashMap<>();
        LEVELS.forEach(earlier -> results.put(earlier, new ArrayList<>()));
        Map<String, Object> perLevel = new LinkedHashMap<>();
        try (Serde<TriageSubmission> serde = context.stack().serdes().valueSerde(Topics.TRIAGE_SUBMISSIONS);
             KafkaProducer<String, TriageSubmission> producer = new KafkaProducer<>(producerProps(context), new StringSerializer(),
                 serde.serializer())) {
            run(context, settings, jvm, cpu, producer, patients, results, perLevel);
        }
        List<Metric> metrics = new ArrayList<>();
        results.forEach((earlier, rounds) -> {
            Metric rate = Metric.of(metric(earlier), UNIT, rounds.stream().map(DrainRounds.RoundResult::rate).toList());
            if (earlier.equals(LEVELS.get(LEVELS.size() - 1))) {
                rate = rate.comparedWith(NAME, metric(LEVELS.get(0)), TARGET_100_VS_1);
            }
            metrics.add(rate);
        });
        results.forEach((earlier, rounds) -> DrainRounds.cpuPerProcess(rounds).forEach((process, values) ->
            metrics.add(Metric.of("cpu µs/event " + metric(earlier) + " [" + process + "]", CeilingScenario.CPU_UNIT, values))));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("patients", patients);
        details.put("levels", LEVELS);
        details.put("perLevel", perLevel);
        details.put("target", "100 earlier >= " + (int) (TARGET_100_VS_1 * 100) + "% of 1 earlier");
        details.put("placement", "streams-triage in the drain loop's JVM (its own); one application id for the three levels, each "
            + "level with patients of its own");
        details.put("measuredFrom", "each round's one submission per patient written while its assessments are read back with "
            + "isolation.level=read_committed, " + DrainClock.method());
        details.put("roundOrder", "per round, one batch per level in turn: " + LEVELS);
        details.put("note", "round r of a level adds one more earlier assessment per patient: 1 earlier is 1, 2, ... in rounds 1, 2, ...; "
            + "streams-triage's history keeps at most 20 assessments per patient and facility");
        return new ScenarioResult(NAME, description(), metrics, details, (System.nanoTime() - begin) / 1e9);
    }

    /**
     * Submissions of one level's patients: visits {@code fromVisit} to {@code fromVisit + visits - 1} of each. Level
     * {@code level} has patients {@code level * patients} to {@code (level + 1) * patients - 1} and indices of its own.
     */
    record Batch(int level, int fromVisit, int visits) {
    }

    /**
     * One app for every level, each level with patients of its own: the earlier submissions of every level processed
     * first, then in each measured round one new submission per patient, level after level.
     */
    private static void run(BenchContext context, BenchSettings settings, DrainAppJvm jvm, CpuClock cpu,
                            KafkaProducer<String, TriageSubmission> producer, int patients, Map<Integer, List<DrainRounds.RoundResult>> results,
                            Map<String, Object> perLevel) {
        BenchStack stack = context.stack();
        String applicationId = context.uniqueName("bench-growth");
        StreamsRuns.startAtEnd(stack, applicationId, List.of(Topics.TRIAGE_SUBMISSIONS.name(), Topics.TRIAGE_DISPOSITIONS.name()));
        Map<String, String> props = new LinkedHashMap<>();
        PipelineScenario.triageProps(stack, settings, applicationId, "streams/" + applicationId, StreamsConfig.EXACTLY_ONCE_V2)
            .forEach((k, v) -> props.put(k, String.valueOf(v)));
        stack.awaitNoOpenTransactions(Topics.TRIAGE_ASSESSMENTS.name(), Duration.ofMinutes(2));
        Map<TopicPartition, Long> from = stack.endOffsets(Topics.TRIAGE_ASSESSMENTS.name());
        try (KafkaConsumer<byte[], byte[]> assessments = new KafkaConsumer<>(PipelineScenario.consumerProps(context))) {
            assessments.assign(from.keySet());
            from.forEach(assessments::seek);
            try {
                jvm.startRound(round -> new DrainRoundConfig(DrainApp.TRIAGE, round, props, null, null, null), StreamsRuns.drainDeadline(0));
                List<Batch> earlier = new ArrayList<>();
                for (int level = 0; level < LEVELS.size(); level++) {
                    earlier.add(new Batch(level, 0, LEVELS.get(level)));
                }
                long prefill = (long) patients * LEVELS.stream().mapToInt(Integer::intValue).sum();
                long prefillBegin = System.nanoTime();
                drain(context, jvm, assessments, producer, earlier, patients, String.format(Locale.ROOT,
                    "growth: %,d earlier submissions", prefill), new DrainClock(prefill), null);
                perLevel.put("applicationId", applicationId);
                perLevel.put("earlierSubmissions", prefill);
                perLevel.put("earlierSeconds", Math.round((System.nanoTime() - prefillBegin) / 1e8) / 10.0);
                for (int r = 0; r < settings.rounds(); r++) {
                    for (int level = 0; level < LEVELS.size(); level++) {
                        int earlierVisits = LEVELS.get(level);
                        CpuWindow window = new CpuWindow(cpu);
                        DrainClock clock = window.clock(patients);
                        double rate = drain(context, jvm, assessments, producer, List.of(new Batch(level, earlierVisits + r, 1)), patients,
                            String.format(Locale.ROOT, "%s round %d/%d", metric(earlierVisits), r + 1, settings.rounds()), clock, window);
                        results.get(earlierVisits).add(new DrainRounds.RoundResult(rate, patients, window.perEvent(clock)));
                    }
                }
            } finally {
                jvm.stopRound();
            }
        } finally {
            stack.deleteDirectory("streams/" + applicationId);
            stack.deleteTopicsStartingWith(applicationId + "-");
        }
    }

    /** Writes {@code batches} while counting their assessments until {@code clock} has them all; returns the rate. */
    private static double drain(BenchContext context, DrainAppJvm jvm, KafkaConsumer<byte[], byte[]> assessments,
                                KafkaProducer<String, TriageSubmission> producer, List<Batch> batches, int patients, String label,
                                DrainClock clock, CpuWindow window) {
        long expected = batches.stream().mapToLong(b -> (long) b.visits() * patients).sum();
        SyntheticData data = context.data();
        List<String> facilities = data.facilityIds();
        Duration deadline = StreamsRuns.drainDeadline(expected);
        try (Progress.Task task = context.progress().start(label, expected, "assessments")) {
            long start = System.nanoTime();
            if (window != null) {
                window.running();
            }
            clock.started(start);
            // Written while the count runs, so that the clock sees the first assessments as they come.
            CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
                for (Batch batch : batches) {
                    long first = FIRST_INDEX + batch.level() * LEVEL_INDICES;
                    for (int visit = batch.fromVisit(); visit < batch.fromVisit() + batch.visits(); visit++) {
                        for (int p = 0; p < patients; p++) {
                            int patient = batch.level() * patients + p;
                            TriageSubmission submission = TriageSubmission.newBuilder(data.submission(first + (long) visit * patients + p))
                                .setPatientId(data.patientId(patient)).setFacilityId(facilities.get(patient % facilities.size())).build();
                            producer.send(new ProducerRecord<>(Topics.TRIAGE_SUBMISSIONS.name(), null,
                                submission.getSubmittedAt().toEpochMilli(), submission.getPatientId(), submission));
                        }
                    }
                }
                producer.flush();
            });
            StreamsRuns.Watchdog watchdog = new StreamsRuns.Watchdog("streams-triage's assessments", expected, start, deadline);
            long count = 0;
            while (!clock.progress(count)) {
                count += assessments.poll(Duration.ofMillis(20)).count();
                task.set(count);
                jvm.requireAlive();
                watchdog.check(count);
                if (written.isCompletedExceptionally()) {
                    written.join();
                }
            }
            written.join();
            if (window != null) {
                window.done();
            }
            double rate = clock.rate();
            task.finish(String.format(Locale.ROOT, "%,.0f records/s", rate));
            return rate;
        }
    }

    private static Map<String, Object> producerProps(BenchContext context) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, context.stack().bootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-growth");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return props;
    }
}
