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
 * streams-triage's exactly_once_v2 throughput as patients' histories grow: for each level (1, 10, 100 earlier
 * assessments per patient), a new application id starts at the end of its inputs, the earlier submissions are written
 * and processed, then each measured round writes one new submission per patient and times its assessments. Per-submission
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
        Map<String, Object> perLevel = new LinkedHashMap<>();
        try (Serde<TriageSubmission> serde = context.stack().serdes().valueSerde(Topics.TRIAGE_SUBMISSIONS);
             KafkaProducer<String, TriageSubmission> producer = new KafkaProducer<>(producerProps(context), new StringSerializer(),
                 serde.serializer())) {
            for (int level = 0; level < LEVELS.size(); level++) {
                int earlier = LEVELS.get(level);
                long first = FIRST_INDEX + level * LEVEL_INDICES;
                results.put(earlier, level(context, settings, jvm, cpu, producer, patients, earlier, first, perLevel));
            }
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
        details.put("placement", "streams-triage in the drain loop's JVM (its own), one application id per level");
        details.put("measuredFrom", "each round's one submission per patient written while its assessments are read back with "
            + "isolation.level=read_committed, " + DrainClock.method());
        details.put("note", "round r of a level adds one more earlier assessment per patient: 1 earlier is 1, 2, ... in rounds 1, 2, ...; "
            + "streams-triage's history keeps at most 20 assessments per patient and facility");
        return new ScenarioResult(NAME, description(), metrics, details, (System.nanoTime() - begin) / 1e9);
    }

    /** One level: a new app, the earlier submissions processed, then the measured rounds. */
    private static List<DrainRounds.RoundResult> level(BenchContext context, BenchSettings settings, DrainAppJvm jvm, CpuClock cpu,
                                                       KafkaProducer<String, TriageSubmission> producer, int patients, int earlier,
                                                       long first, Map<String, Object> perLevel) {
        BenchStack stack = context.stack();
        String guarantee = StreamsConfig.EXACTLY_ONCE_V2;
        String applicationId = context.uniqueName("bench-growth-" + earlier);
        StreamsRuns.startAtEnd(stack, applicationId, List.of(Topics.TRIAGE_SUBMISSIONS.name(), Topics.TRIAGE_DISPOSITIONS.name()));
        Map<String, String> props = new LinkedHashMap<>();
        PipelineScenario.triageProps(stack, settings, applicationId, "streams/" + applicationId, guarantee)
            .forEach((k, v) -> props.put(k, String.valueOf(v)));
        List<DrainRounds.RoundResult> rounds = new ArrayList<>();
        stack.awaitNoOpenTransactions(Topics.TRIAGE_ASSESSMENTS.name(), Duration.ofMinutes(2));
        Map<TopicPartition, Long> from = stack.endOffsets(Topics.TRIAGE_ASSESSMENTS.name());
        try (KafkaConsumer<byte[], byte[]> assessments = new KafkaConsumer<>(PipelineScenario.consumerProps(context))) {
            assessments.assign(from.keySet());
            from.forEach(assessments::seek);
            try {
                jvm.startRound(round -> new DrainRoundConfig(DrainApp.TRIAGE, round, props, null, null, null), StreamsRuns.drainDeadline(0));
                long prefill = (long) earlier * patients;
                long prefillBegin = System.nanoTime();
                drain(context, jvm, assessments, producer, first, 0, earlier, patients, String.format(Locale.ROOT,
                    "growth %d earlier: %,d earlier submissions", earlier, prefill), new DrainClock(prefill), null);
                perLevel.put(earlier + " earlier", Map.of("applicationId", applicationId, "earlierSubmissions", prefill,
                    "prefillSeconds", Math.round((System.nanoTime() - prefillBegin) / 1e8) / 10.0));
                for (int r = 0; r < settings.rounds(); r++) {
                    CpuWindow window = new CpuWindow(cpu);
                    DrainClock clock = window.clock(patients);
                    double rate = drain(context, jvm, assessments, producer, first, earlier + r, 1, patients, String.format(Locale.ROOT,
                        "%s round %d/%d", metric(earlier), r + 1, settings.rounds()), clock, window);
                    rounds.add(new DrainRounds.RoundResult(rate, patients, window.perEvent(clock)));
                }
            } finally {
                jvm.stopRound();
            }
        } finally {
            stack.deleteDirectory("streams/" + applicationId);
            stack.deleteTopicsStartingWith(applicationId + "-");
        }
        return rounds;
    }

    /**
     * Writes {@code visits} submissions per patient (visits {@code fromVisit} on) while counting their assessments until
     * {@code clock} has them all; returns the rate.
     */
    private static double drain(BenchContext context, DrainAppJvm jvm, KafkaConsumer<byte[], byte[]> assessments,
                                KafkaProducer<String, TriageSubmission> producer, long first, int fromVisit, int visits, int patients,
                                String label, DrainClock clock, CpuWindow window) {
        long expected = (long) visits * patients;
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
                for (int visit = fromVisit; visit < fromVisit + visits; visit++) {
                    for (int p = 0; p < patients; p++) {
                        long i = first + (long) visit * patients + p;
                        TriageSubmission submission = TriageSubmission.newBuilder(data.submission(i)).setPatientId(data.patientId(p))
                            .setFacilityId(facilities.get(p % facilities.size())).build();
                        producer.send(new ProducerRecord<>(Topics.TRIAGE_SUBMISSIONS.name(), null, submission.getSubmittedAt().toEpochMilli(),
                            submission.getPatientId(), submission));
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
