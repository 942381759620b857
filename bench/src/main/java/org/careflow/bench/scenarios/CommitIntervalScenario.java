package org.careflow.bench.scenarios;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsConfig;
import org.careflow.bench.BenchSettings;
import org.careflow.bench.drain.DrainApp;
import org.careflow.bench.infra.CpuClock;
import org.careflow.bench.report.DrainClock;
import org.careflow.bench.report.Metric;
import org.careflow.bench.report.ScenarioResult;
import org.careflow.bench.report.Stats;
import org.careflow.config.StreamsAppConfig;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.topics.Topics;

/**
 * streams-triage under exactly_once_v2 at several {@code commit.interval.ms}: each commit ends a transaction (markers on
 * every partition written, offsets committed, stores flushed), so a longer interval costs less per record and makes
 * every record wait longer before it is readable. Both sides are measured: the drain throughput, the rounds of the
 * intervals interleaved, draining the pipeline's submissions; then the end-to-end latency at a steady share of the
 * throughput every interval sustained ({@link #sustained}), interleaved likewise ({@link SteadyTriageLatency}). All rounds run in
 * the drain loop's streams-triage JVM (warm when the pipeline ran before): holding a rate needs no other JVM, since the
 * bench's own JVM writes and reads while the app's works.
 */
public final class CommitIntervalScenario implements Scenario {

    public static final String NAME = "commit-interval";
    static final List<Long> INTERVALS_MS = List.of(20L, 100L, 1_000L);
    static final String UNIT = "records/s";
    /** Kafka Streams' default under exactly_once_v2, which streams-triage keeps. */
    static final long DEFAULT_MS = 100;

    /** The target: to the output topic, p99 at most the commit interval plus this. */
    static final long TARGET_SLACK_MS = 50;

    static String metric(long intervalMs) {
        return "streams-triage exactly_once_v2 commit " + intervalMs + " ms";
    }

    static String latencyMetric(long intervalMs) {
        return metric(intervalMs) + " p99 to " + Topics.TRIAGE_ASSESSMENTS.name();
    }

    /** The bound on {@link #latencyMetric}: the interval, which a record may wait for its commit, plus the slack. */
    static double latencyTarget(long intervalMs) {
        return intervalMs + TARGET_SLACK_MS;
    }

    /** How long each latency round writes, its lead-in included: 20 s, 3 s with --quick, 1 s in the smoke test. */
    static Duration latencyLength(BenchSettings settings) {
        return switch (settings.mode()) {
            case "quick" -> Duration.ofSeconds(3);
            case "smoke" -> Duration.ofSeconds(1);
            default -> Duration.ofSeconds(20);
        };
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "streams-triage's exactly_once_v2 drain throughput, and end-to-end latency to triage-assessments (read_committed) at "
            + Math.round(SteadyRate.fraction() * 100) + "% of it, at commit.interval.ms 20, 100 and 1000";
    }

    @Override
    public ScenarioResult run(BenchContext context, BenchSettings settings) throws Exception {
        long begin = System.nanoTime();
        String guarantee = StreamsConfig.EXACTLY_ONCE_V2;
        // Run alone, it drains what it writes; after the pipeline, the pipeline's submissions (indices from 0 either way).
        long present = context.stack().endOffsetSum(Topics.TRIAGE_SUBMISSIONS.name());
        if (present < settings.pipelineRecords()) {
            try (Serde<TriageSubmission> serde = context.stack().serdes().valueSerde(Topics.TRIAGE_SUBMISSIONS)) {
                PipelineScenario.writeSubmissions(context, "pre-fill " + Topics.TRIAGE_SUBMISSIONS.name(), present,
                    settings.pipelineRecords() - present, serde);
            }
        }
        DrainAppJvm jvm = context.drainJvm(DrainApp.TRIAGE, settings);
        CpuClock cpu = DrainRounds.cpuClock(context.stack(), jvm);
        // A JVM that ran the drain loop is warm; a new one gets the warm-up rounds first.
        boolean warm = jvm.rounds() > 0;
        int warmups = warm ? 0 : settings.warmupRounds();
        for (int w = 0; w < warmups; w++) {
            DrainRounds.triageRound(context, settings, guarantee, interval(DEFAULT_MS), String.format(Locale.ROOT, "%s warm-up %d/%d",
                metric(DEFAULT_MS), w + 1, warmups), jvm, cpu, null);
        }
        Map<Long, List<DrainRounds.RoundResult>> results = new LinkedHashMap<>();
        INTERVALS_MS.forEach(ms -> results.put(ms, new ArrayList<>()));
        long records = 0;
        int measured = rounds(settings);
        for (int r = 0; r < measured; r++) {
            for (long ms : INTERVALS_MS) {
                DrainRounds.RoundResult result = DrainRounds.triageRound(context, settings, guarantee, interval(ms),
                    String.format(Locale.ROOT, "%s round %d/%d", metric(ms), r + 1, measured), jvm, cpu, null);
                results.get(ms).add(result);
                records = result.records();
            }
        }
        List<Metric> metrics = new ArrayList<>();
        results.forEach((ms, rounds) -> {
            Metric rate = Metric.of(metric(ms), UNIT, rounds.stream().map(DrainRounds.RoundResult::rate).toList());
            // Each interval as a share of Kafka Streams' default, measured in the same rounds.
            metrics.add(ms == DEFAULT_MS ? rate : rate.comparedWith(NAME, metric(DEFAULT_MS)));
        });

        double fraction = SteadyRate.fraction();
        Duration length = latencyLength(settings);
        Map<Long, List<SteadyTriageLatency.Result>> latencies = new LinkedHashMap<>();
        INTERVALS_MS.forEach(ms -> latencies.put(ms, new ArrayList<>()));
        AtomicLong nextIndex = new AtomicLong(SteadyTriageLatency.FIRST_INDEX);
        double perSecond = fraction * sustained(results);
        for (int r = 0; r < measured; r++) {
            for (long ms : INTERVALS_MS) {
                SteadyTriageLatency.Plan plan = new SteadyTriageLatency.Plan(String.format(Locale.ROOT, "%s latency at %,.0f/s round %d/%d",
                    metric(ms), perSecond, r + 1, measured), interval(ms), perSecond, length);
                latencies.get(ms).add(SteadyTriageLatency.run(context, settings, jvm, plan, nextIndex));
            }
        }
        latencies.forEach((ms, rounds) -> metrics.add(Metric.of(latencyMetric(ms), "ms",
            rounds.stream().map(l -> l.latency().p99()).toList()).withTargetAtMost(latencyTarget(ms))));
        results.forEach((ms, rounds) -> DrainRounds.cpuPerProcess(rounds).forEach((process, values) ->
            metrics.add(Metric.of("cpu µs/event " + metric(ms) + " [" + process + "]", CeilingScenario.CPU_UNIT, values))));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("intervalsMs", INTERVALS_MS);
        details.put("recordsPerRound", records);
        details.put("warmUpRounds", warmups);
        details.put("measuredRoundsPerInterval", measured);
        details.put("jvm", warm ? "the drain loop's streams-triage JVM, already warm" : "a new streams-triage JVM, warmed by the warm-up rounds");
        details.put("roundOrder", "per round, the intervals in turn: " + INTERVALS_MS);
        details.put("measuredFrom", "assessments read back with isolation.level=read_committed, " + DrainClock.method());
        details.put("latency", latencyDetails(latencies, fraction, perSecond, length));
        details.put("triageSettings", "the user's, with " + StreamsAppConfig.COMMIT_INTERVAL_MS_CONFIG + " set per round");
        return new ScenarioResult(NAME, description(), metrics, details, (System.nanoTime() - begin) / 1e9);
    }

    /**
     * The rate every interval sustained: the smallest of the intervals' median throughputs. One rate for all compares the
     * intervals' latencies under the same load, and a short round's figure that is off (a 1000 ms round timed whole) can
     * only lower it, never push the load past what the app sustains.
     */
    static double sustained(Map<Long, List<DrainRounds.RoundResult>> results) {
        return results.values().stream().mapToDouble(rounds -> Stats.median(rounds.stream().map(DrainRounds.RoundResult::rate).toList()))
            .min().orElseThrow();
    }

    private static Map<String, Object> latencyDetails(Map<Long, List<SteadyTriageLatency.Result>> latencies, double fraction,
                                                      double perSecond, Duration length) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rate", Math.round(fraction * 100) + "% of the smallest of the intervals' median drain throughputs measured above ("
            + SteadyRate.FRACTION_PROPERTY + " changes the share), the same for every interval, sends evenly spaced in advance (open loop)");
        out.put("targetPerSecond", Math.round(perSecond));
        out.put("secondsPerRound", length.toMillis() / 1000.0);
        out.put("leadIn", "not measured: a fifth of the round's length, continued until every assessment of that fifth was read "
            + "(at most twice the round's length, " + SteadyTriageLatency.MIN_MAX_LEAD_IN.toSeconds() + " s or more; caughtUp false "
            + "then), then the round's other four fifths are measured");
        out.put("app", "a new streams-triage (new application id, empty stores) per round, started at the end of "
            + Topics.TRIAGE_SUBMISSIONS.name() + " in the same JVM as the throughput rounds");
        out.put("measuredFrom", "the bench JVM's clock just before each submission's send (producer linger.ms "
            + SteadyTriageLatency.LINGER_MS + ", acks=all) to the poll that returned its assessment, in the same JVM");
        out.put("readBy", AssessmentReader.describe());
        out.put("target", "p99 ≤ the commit interval + " + TARGET_SLACK_MS + " ms (the median of the rounds' p99)");
        Map<String, Object> byInterval = new LinkedHashMap<>();
        latencies.forEach((ms, rounds) -> byInterval.put(ms + " ms", rounds.stream().map(r -> {
            Map<String, Object> round = new LinkedHashMap<>(r.latency().describe());
            round.put("sentPerSecond", Math.round(r.perSecond()));
            round.put("measured", r.measured());
            round.put("timedOut", r.timedOut());
            round.put("sentLate", r.sentLate());
            round.put("leadIn", r.leadIn());
            round.put("caughtUp", r.caughtUp());
            return round;
        }).toList()));
        out.put("rounds", byInterval);
        return out;
    }

    /** Measured rounds per interval: one with --quick, whose whole run must stay short; otherwise as the settings say. */
    static int rounds(BenchSettings settings) {
        return "quick".equals(settings.mode()) ? 1 : settings.rounds();
    }

    private static Map<String, String> interval(long ms) {
        return Map.of(StreamsAppConfig.COMMIT_INTERVAL_MS_CONFIG, String.valueOf(ms));
    }
}
