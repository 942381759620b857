package org.careflow.bench.scenarios;

import org.careflow.bench.BenchSettings;
import org.careflow.bench.infra.BenchStack;
import org.careflow.bench.report.Metric;
import org.careflow.bench.report.ScenarioResult;
import org.careflow.bench.infra.CpuClock;
import org.careflow.bench.infra.MeasuredProcesses;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.careflow.ingest.triage.TriageBatchRoute;
import org.careflow.ingest.IngestConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest API started in this JVM, taking {@code POST /v1/triage-submissions:batch} (a JSON array of submissions)
 * at a few batch sizes and concurrent clients: events/s accepted (an item counts once Kafka acknowledged it) and
 * request latency per level, and the best level's events/s as a fraction of the raw producer's records/s.
 */
public final class BatchIngestScenario implements Scenario {

    /** Target ratio of the issue: batch ingest's best level to the raw producer. */
    static final double TARGET_OF_PRODUCE = 0.5;

    public static final String NAME = "ingest-batch";
    /** Index of the first synthetic event posted: above the single-event ingest's range, so that no submission id repeats. */
    static final long FIRST_INDEX = 2_000_000_000L;
    /** Events per request, before capping at the API's {@code batch.max.items}. */
    static final List<Integer> BATCH_SIZES = List.of(100, 500);
    static final double[] PERCENTILES = {50, 99};
    static final String UNIT = "events/s";
    static final String CPU_UNIT = "µs/event";
    /** Index of the first of the floor's distinct events: a range no scenario posts to careflow. */
    static final long FLOOR_FIRST_INDEX = 2_500_000_000L;
    /** The best level's events/s, the figure compared with the raw producer. */
    public static final String BEST = "POST best level";
    /** A synthetic submission as JSON is about 350 bytes; a batch is sized so that this many per item fits the byte limit. */
    static final int BYTES_PER_EVENT_BOUND = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(BatchIngestScenario.class);
    private static final Map<String, List<Integer>> CONCURRENCY_BY_MODE = Map.of(
        "full", List.of(1, 4, 8),
        "quick", List.of(4),
        "smoke", List.of(1, 2));

    static String level(int batchSize, int concurrency) {
        return "b=" + batchSize + " c=" + concurrency;
    }

    static String throughputMetric(int batchSize, int concurrency) {
        return "POST " + level(batchSize, concurrency);
    }

    static String latencyMetric(double percentile, int batchSize, int concurrency) {
        return IngestScenario.percentileName(percentile) + " " + level(batchSize, concurrency);
    }

    /** Concurrent clients of each level: 1, 4, 8 in full runs, fewer with {@code --quick} and in the smoke test. */
    static List<Integer> concurrency(BenchSettings settings) {
        return CONCURRENCY_BY_MODE.getOrDefault(settings.mode(), CONCURRENCY_BY_MODE.get("full"));
    }

    /** {@link #BATCH_SIZES} capped at what the API takes in items and bytes, without repeats. */
    static List<Integer> batchSizes(int maxItems, long maxBytes) {
        int cap = (int) Math.max(1, Math.min(maxItems, maxBytes / BYTES_PER_EVENT_BOUND));
        return BATCH_SIZES.stream().map(size -> Math.min(size, cap)).distinct().toList();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "ingest API: POST /v1/triage-submissions:batch (JSON arrays) at a few batch sizes and concurrent clients, "
            + "events/s accepted and request latency";
    }

    @Override
    public List<String> needs() {
        return List.of(CeilingScenario.NAME);
    }

    @Override
    public ScenarioResult run(BenchContext context, BenchSettings settings) throws Exception {
        long begin = System.nanoTime();
        BenchStack stack = context.stack();
        stack.registerFacilities(context.data().facilityIds());
        IngestConfig config = stack.ingestConfig();
        List<Integer> sizes = batchSizes(config.batchMaxItems(), config.maxBatchRequestBytes());
        if ("quick".equals(settings.mode())) {
            // The largest batch alone, the best level in every run so far: keeps the quick set under 4 minutes.
            sizes = List.of(sizes.get(sizes.size() - 1));
        }
        List<Integer> levels = concurrency(settings);
        List<Metric> metrics = new ArrayList<>();
        Map<String, Object> levelDetails = new LinkedHashMap<>();
        Metric best = null;
        String bestLevel = null;
        AtomicLong nextIndex = new AtomicLong(FIRST_INDEX);
        AtomicLong nextFloorItem = new AtomicLong();
        LongFunction<String> floorBodies = IngestScenario.floorBodies(context.data(), FLOOR_FIRST_INDEX);
        long errors = 0;
        try (IngestServers servers = IngestServers.start(context, settings, NAME, config, FLOOR_FIRST_INDEX, IngestScenario.FLOOR_EVENTS)) {
            URI uri = servers.api(TriageBatchRoute.PATH);
            URI floorUri = servers.floor(BareIngestFloor.BATCH_PATH);
            // Each side's rounds measure the bench's JVM and its own server's, under one name: careflow's against the floor's.
            CpuClock apiCpu = MeasuredProcesses.clock(stack, servers.apiProcess());
            CpuClock floorCpu = MeasuredProcesses.clock(stack, servers.floorProcess());
            boolean warm = settings.warmupRounds() > 0;
            if (warm) {
                int size = sizes.get(sizes.size() - 1);
                int concurrency = levels.get(levels.size() - 1);
                try (HttpLoad bare = floorLoad(context, floorUri, floorBodies, size, concurrency, nextFloorItem);
                     HttpLoad load = load(context, uri, size, concurrency, nextIndex)) {
                    bare.round("ingest-batch floor warm-up " + level(size, concurrency), settings.warmupDuration());
                    load.round("ingest-batch warm-up " + level(size, concurrency), settings.warmupDuration());
                }
            }
            for (int size : sizes) {
                for (int concurrency : levels) {
                    String level = level(size, concurrency);
                    LevelRounds careflow = new LevelRounds(throughputMetric(size, concurrency), UNIT, PERCENTILES,
                        p -> latencyMetric(p, size, concurrency), CPU_UNIT);
                    LevelRounds bare = new LevelRounds(IngestScenario.FLOOR_PREFIX + throughputMetric(size, concurrency), UNIT, PERCENTILES,
                        p -> IngestScenario.FLOOR_PREFIX + latencyMetric(p, size, concurrency), CPU_UNIT);
                    try (HttpLoad floorLoad = floorLoad(context, floorUri, floorBodies, size, concurrency, nextFloorItem).measuringCpu(floorCpu);
                         HttpLoad load = load(context, uri, size, concurrency, nextIndex).measuringCpu(apiCpu)) {
                        if (warm) {
                            floorLoad.round("ingest-batch floor " + level + " warm-up", settings.warmupDuration().dividedBy(5));
                            load.round("ingest-batch " + level + " warm-up", settings.warmupDuration().dividedBy(5));
                        }
                        // Alternated, so that a drifting machine affects both alike.
                        for (int r = 0; r < settings.rounds(); r++) {
                            bare.add(floorLoad.round(String.format(Locale.ROOT, "ingest-batch floor %s round %d/%d", level,
                                r + 1, settings.rounds()), settings.roundDuration()));
                            careflow.add(load.round(String.format(Locale.ROOT, "ingest-batch %s round %d/%d", level,
                                r + 1, settings.rounds()), settings.roundDuration()));
                        }
                    }
                    metrics.add(bare.throughput());
                    metrics.addAll(bare.latencies());
                    metrics.addAll(bare.cpu(NAME, null));
                    Metric rate = careflow.throughput();
                    metrics.add(rate.comparedWith(NAME, bare.throughputName()));
                    metrics.addAll(careflow.latencies());
                    metrics.addAll(careflow.cpu(NAME, bare));
                    if (best == null || rate.median() > best.median()) {
                        best = rate;
                        bestLevel = level;
                    }
                    Map<String, Object> details = careflow.details();
                    details.put("floor", bare.details());
                    levelDetails.put(level, details);
                    servers.requireAlive();
                    errors += careflow.errors() + bare.errors();
                    if (careflow.errors() + bare.errors() > 0) {
                        LOG.warn("Events at {} not accepted: careflow {} (items by status {}), floor {} (statuses {})", level,
                            careflow.errors(), careflow.statuses(), bare.errors(), bare.statuses());
                    }
                }
            }
        }
        // The headline: the best level, as a fraction of what one raw producer writes on this broker.
        // The target: batch ingest at 50% or more of the raw producer.
        metrics.add(Metric.of(BEST, UNIT, best.rounds()).comparedWith(CeilingScenario.NAME, CeilingScenario.PRODUCE, TARGET_OF_PRODUCE));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("http", "HTTP/1.1 keep-alive, one java.net.http.HttpClient (one connection) per client thread; closed loop");
        details.put("body", "a JSON array of synthetic submissions (application/json), built by the client for each request");
        details.put("counted", "items answered 202 (the whole batch) or 202 within a 207; latency per request");
        details.put("batchSizes", sizes);
        details.put("batchMaxItems", config.batchMaxItems());
        details.put("maxBatchRequestBytes", config.maxBatchRequestBytes());
        details.put("concurrency", levels);
        details.put("bestLevel", bestLevel);
        details.put("floor", "bare Javalin route (same server factory and settings, no gate, no metrics) splitting the array "
            + "without parsing its items, writing each item's pre-encoded record with the ingest API's producer settings, 202 after "
            + "every ack; rounds alternate floor, careflow");
        details.put("servers", "careflow's ingest API (IngestApp main) and the floor (BareIngestFloor main) each in a JVM of its "
            + "own, -Xmx" + IngestServers.HEAP + "; clients and broker in the bench's JVM");
        details.put("cpuProcesses", "CPU µs per accepted event of each process: bench (the bench's JVM: clients and broker), "
            + "server (the JVM of the server the round measured: the ingest API's in careflow's rounds, the floor's in the floor's)");
        details.put("levels", levelDetails);
        details.put("errors", errors);
        details.put("firstIndex", FIRST_INDEX);
        details.put("lastIndex", nextIndex.get() - 1);
        details.put("floorEvents", Map.of("firstIndex", FLOOR_FIRST_INDEX, "distinct", IngestScenario.FLOOR_EVENTS,
            "sent", nextFloorItem.get()));
        return new ScenarioResult(NAME, description(), metrics, details, (System.nanoTime() - begin) / 1e9);
    }

    private static HttpLoad floorLoad(BenchContext context, URI uri, LongFunction<String> bodies, int batchSize, int concurrency,
                                      AtomicLong nextItem) {
        return new HttpLoad(context.progress(), "bench-batch-floor-client", concurrency, 0, UNIT,
            IngestRequests.batch(uri, bodies, nextItem, batchSize));
    }

    private static HttpLoad load(BenchContext context, URI uri, int batchSize, int concurrency, AtomicLong nextIndex) {
        return new HttpLoad(context.progress(), "bench-batch-client", concurrency, 0, UNIT,
            IngestRequests.batch(uri, context.data(), nextIndex, batchSize));
    }
}
