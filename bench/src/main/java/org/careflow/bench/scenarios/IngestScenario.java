package org.careflow.bench.scenarios;

import org.careflow.bench.BenchSettings;
import org.careflow.bench.infra.BenchStack;
import org.careflow.bench.report.Metric;
import org.careflow.bench.report.ScenarioResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;
import org.careflow.bench.infra.CpuClock;
import org.careflow.bench.infra.MeasuredProcesses;
import java.util.function.LongFunction;
import org.careflow.ingest.IngestRoutes;
import org.careflow.ingest.IngestConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest API started in this JVM, taking single-event {@code POST /v1/triage-submissions} over HTTP/1.1 keep-alive
 * from 1, 8, 32, 64 clients at once (one {@link HttpClient}, so one connection, per client thread): requests/s, latency
 * percentiles and CPU per request per level, each level's rounds alternating with those of its floor
 * ({@link BareIngestFloor}: the same bodies turned into the same records by a bare route), to which careflow's
 * requests/s are compared. A request counts when answered 202, that is once Kafka acknowledged the event.
 */
public final class IngestScenario implements Scenario {

    /** Target ratio of the issue: careflow's single-event ingest to the bare HTTP floor. */
    static final double TARGET_OF_FLOOR = 0.5;

    public static final String NAME = "ingest";
    /** Index of the first synthetic event posted: far above the pipeline's, so that no submission id repeats. */
    static final long FIRST_INDEX = 1_000_000_000L;
    static final double[] PERCENTILES = {50, 99, 99.9};
    /** Index of the first of the floor's distinct events: a range no scenario posts to careflow. */
    static final long FLOOR_FIRST_INDEX = 1_500_000_000L;
    /** Distinct events the floor's clients cycle through (their records are pre-encoded, so this bounds memory). */
    static final int FLOOR_EVENTS = 4_096;
    /** Prefix of the floor's metrics: {@code bare POST c=16}, {@code bare p99 c=16}. */
    static final String FLOOR_PREFIX = "bare ";
    static final String CPU_UNIT = "µs/request";

    private static final Logger LOG = LoggerFactory.getLogger(IngestScenario.class);

    private static final String THROUGHPUT_PREFIX = "POST c=";

    static String throughputMetric(int concurrency) {
        return THROUGHPUT_PREFIX + concurrency;
    }

    static String latencyMetric(double percentile, int concurrency) {
        return percentileName(percentile) + " c=" + concurrency;
    }

    /** {@code p50}, {@code p99}, {@code p99.9}. */
    static String percentileName(double percentile) {
        return "p" + (percentile == Math.rint(percentile) ? String.valueOf((int) percentile) : String.valueOf(percentile));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "ingest API: single-event POST /v1/triage-submissions over HTTP/1.1 keep-alive at rising concurrency, "
            + "requests/s and latency";
    }

    @Override
    public ScenarioResult run(BenchContext context, BenchSettings settings) throws Exception {
        long begin = System.nanoTime();
        BenchStack stack = context.stack();
        stack.registerFacilities(context.data().facilityIds());
        IngestConfig config = stack.ingestConfig();
        List<Metric> metrics = new ArrayList<>();
        Map<String, Object> levels = new LinkedHashMap<>();
        AtomicLong nextIndex = new AtomicLong(FIRST_INDEX);
        AtomicLong nextFloorRequest = new AtomicLong();
        LongFunction<String> floorBodies = floorBodies(context.data(), FLOOR_FIRST_INDEX);
        long errors = 0;
        try (IngestServers servers = IngestServers.start(context, settings, NAME, config, FLOOR_FIRST_INDEX, FLOOR_EVENTS)) {
            URI uri = servers.api(IngestRoutes.TRIAGE_SUBMISSIONS_PATH);
            URI floorUri = servers.floor(BareIngestFloor.SINGLE_PATH);
            // Each side's rounds measure the bench's JVM and its own server's, under one name: careflow's against the floor's.
            CpuClock apiCpu = MeasuredProcesses.clock(stack, servers.apiProcess());
            CpuClock floorCpu = MeasuredProcesses.clock(stack, servers.floorProcess());
            boolean warm = settings.warmupRounds() > 0;
            if (warm) {
                int level = Math.min(8, settings.concurrency().stream().mapToInt(Integer::intValue).max().orElse(1));
                try (HttpLoad bare = floorLoad(context, floorUri, floorBodies, level, settings.rate(), nextFloorRequest);
                     HttpLoad load = load(context, uri, level, settings.rate(), nextIndex)) {
                    bare.round("ingest floor warm-up c=" + level, settings.warmupDuration());
                    load.round("ingest warm-up c=" + level, settings.warmupDuration());
                }
            }
            for (int concurrency : settings.concurrency()) {
                LevelRounds careflow = new LevelRounds(throughputMetric(concurrency), "requests/s", PERCENTILES,
                    p -> latencyMetric(p, concurrency), CPU_UNIT);
                LevelRounds bare = new LevelRounds(FLOOR_PREFIX + throughputMetric(concurrency), "requests/s", PERCENTILES,
                    p -> FLOOR_PREFIX + latencyMetric(p, concurrency), CPU_UNIT);
                try (HttpLoad floorLoad = floorLoad(context, floorUri, floorBodies, concurrency, settings.rate(), nextFloorRequest).measuringCpu(floorCpu);
                     HttpLoad load = load(context, uri, concurrency, settings.rate(), nextIndex).measuringCpu(apiCpu)) {
                    if (warm) {
                        floorLoad.round("ingest floor c=" + concurrency + " warm-up", settings.warmupDuration().dividedBy(5));
                        load.round("ingest c=" + concurrency + " warm-up", settings.warmupDuration().dividedBy(5));
                    }
                    // Alternated, so that a drifting machine affects both alike.
                    for (int r = 0; r < settings.rounds(); r++) {
                        bare.add(floorLoad.round(String.format(Locale.ROOT, "ingest floor c=%d round %d/%d", concurrency, r + 1,
                            settings.rounds()), settings.roundDuration()));
                        careflow.add(load.round(String.format(Locale.ROOT, "ingest c=%d round %d/%d", concurrency, r + 1,
                            settings.rounds()), settings.roundDuration()));
                    }
                }
                metrics.add(bare.throughput());
                metrics.addAll(bare.latencies());
                metrics.addAll(bare.cpu(NAME, null));
                // The target: single-event ingest at 50% or more of the bare HTTP floor.
                metrics.add(careflow.throughput().comparedWith(NAME, bare.throughputName(), TARGET_OF_FLOOR));
                metrics.addAll(careflow.latencies());
                metrics.addAll(careflow.cpu(NAME, bare));
                Map<String, Object> level = careflow.details();
                level.put("floor", bare.details());
                levels.put("c=" + concurrency, level);
                servers.requireAlive();
                errors += careflow.errors() + bare.errors();
                if (careflow.errors() + bare.errors() > 0) {
                    LOG.warn("Requests at concurrency {} not answered 202: careflow {} (statuses {}), floor {} (statuses {})", concurrency,
                        careflow.errors(), careflow.statuses(), bare.errors(), bare.statuses());
                }
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("http", "HTTP/1.1 keep-alive, one java.net.http.HttpClient (one connection) per client thread");
        details.put("mode", settings.rate() > 0 ? "paced at " + settings.rate() + " requests/s in total; latency from each request's "
            + "planned start (coordinated omission corrected)" : "closed loop: each client sends its next request when the last is answered");
        details.put("servers", "careflow's ingest API (IngestApp main) and the floor (BareIngestFloor main) each in a JVM of its "
            + "own, -Xmx" + IngestServers.HEAP + "; clients and broker in the bench's JVM");
        details.put("floor", "bare Javalin route (same server factory and settings, no gate, no metrics) writing each body's "
            + "pre-encoded record with the ingest API's producer settings, 202 after the ack; rounds alternate floor, careflow");
        details.put("cpuProcesses", "CPU µs per accepted request of each process: bench (the bench's JVM: clients and broker), "
            + "server (the JVM of the server the round measured: the ingest API's in careflow's rounds, the floor's in the floor's)");
        details.put("levels", levels);
        details.put("errors", errors);
        details.put("firstIndex", FIRST_INDEX);
        details.put("lastIndex", nextIndex.get() - 1);
        details.put("floorEvents", Map.of("firstIndex", FLOOR_FIRST_INDEX, "distinct", FLOOR_EVENTS, "requests", nextFloorRequest.get()));
        return new ScenarioResult(NAME, description(), metrics, details, (System.nanoTime() - begin) / 1e9);
    }

    /**
     * The body of the floor's request {@code n}: the JSON of event {@code first + n} modulo {@value #FLOOR_EVENTS}, the
     * events the floor pre-encoded. Made per request as careflow's are, so the clients do the same work for both.
     */
    static LongFunction<String> floorBodies(SyntheticData data, long first) {
        return n -> data.json(first + Math.floorMod(n, FLOOR_EVENTS));
    }

    /** {@code concurrency} clients posting the floor's bodies in turn. */
    private static HttpLoad floorLoad(BenchContext context, URI uri, LongFunction<String> bodies, int concurrency,
                                      double rate, AtomicLong nextRequest) {
        return new HttpLoad(context.progress(), "bench-ingest-floor-client", concurrency, rate, "requests/s",
            IngestRequests.single(uri, bodies, nextRequest, null));
    }

    /** {@code concurrency} clients posting one event per request, from {@code nextIndex} on. */
    private static HttpLoad load(BenchContext context, URI uri, int concurrency, double rate, AtomicLong nextIndex) {
        return new HttpLoad(context.progress(), "bench-ingest-client", concurrency, rate, "requests/s",
            IngestRequests.single(uri, context.data(), nextIndex));
    }

    /** The highest median of the throughput levels of an ingest result, in requests/s. */
    static OptionalDouble bestThroughput(ScenarioResult result) {
        return result.metrics().stream().filter(m -> m.name().startsWith(THROUGHPUT_PREFIX) && "requests/s".equals(m.unit())).mapToDouble(Metric::median).max();
    }
}
