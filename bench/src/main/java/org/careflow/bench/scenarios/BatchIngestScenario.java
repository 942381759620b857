package org.careflow.bench.scenarios;

import org.careflow.bench.BenchSettings;
import org.careflow.bench.infra.BenchStack;
import org.careflow.bench.report.Metric;
import org.careflow.bench.report.ScenarioResult;
import org.careflow.bench.report.Stats;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.careflow.ingest.IngestApp;
import org.careflow.ingest.IngestConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest API started in this JVM, taking {@code POST /v1/triage-submissions:batch} (a JSON array of submissions)
 * at a few batch sizes and concurrent clients: events/s accepted (an item counts once Kafka acknowledged it) and
 * request latency per level, and the best level's events/s as a fraction of the raw producer's records/s.
 */
public final class BatchIngestScenario implements Scenario {

    public static final String NAME = "ingest-batch";
    /** Index of the first synthetic event posted: above the single-event ingest's range, so that no submission id repeats. */
    static final long FIRST_INDEX = 2_000_000_000L;
    /** Events per request, before capping at the API's {@code batch.max.items}. */
    static final List<Integer> BATCH_SIZES = List.of(100, 500);
    static final double[] PERCENTILES = {50, 99};
    static final String UNIT = "events/s";
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
        List<Integer> levels = concurrency(settings);
        List<Metric> metrics = new ArrayList<>();
        Map<String, Object> levelDetails = new LinkedHashMap<>();
        Metric best = null;
        String bestLevel = null;
        AtomicLong nextIndex = new AtomicLong(FIRST_INDEX);
        try (IngestApp app = IngestApp.start(config)) {
            URI uri = IngestRequests.batchUri(app.port());
            boolean warm = settings.warmupRounds() > 0;
            if (warm) {
                int size = sizes.get(sizes.size() - 1);
                int concurrency = levels.get(levels.size() - 1);
                try (HttpLoad load = load(context, uri, size, concurrency, nextIndex)) {
                    load.round("ingest-batch warm-up " + level(size, concurrency), settings.warmupDuration());
                }
            }
            for (int size : sizes) {
                for (int concurrency : levels) {
                    String level = level(size, concurrency);
                    List<Double> throughput = new ArrayList<>();
                    Map<Double, List<Double>> latencies = new TreeMap<>();
                    long requests = 0;
                    long accepted = 0;
                    long errors = 0;
                    Map<Integer, Long> statuses = new TreeMap<>();
                    try (HttpLoad load = load(context, uri, size, concurrency, nextIndex)) {
                        if (warm) {
                            load.round("ingest-batch " + level + " warm-up", settings.warmupDuration().dividedBy(5));
                        }
                        for (int r = 0; r < settings.rounds(); r++) {
                            HttpLoad.RoundResult result = load.round(String.format(Locale.ROOT, "ingest-batch %s round %d/%d", level,
                                r + 1, settings.rounds()), settings.roundDuration());
                            throughput.add(result.perSecond());
                            for (double p : PERCENTILES) {
                                latencies.computeIfAbsent(p, k -> new ArrayList<>()).add(Stats.percentileMillis(result.latencies(), p));
                            }
                            requests += result.requests();
                            accepted += result.accepted();
                            errors += result.errors();
                            result.statuses().forEach((status, n) -> statuses.merge(status, n, Long::sum));
                        }
                    }
                    Metric rate = Metric.of(throughputMetric(size, concurrency), UNIT, throughput);
                    metrics.add(rate);
                    latencies.forEach((p, values) -> metrics.add(Metric.of(latencyMetric(p, size, concurrency), "ms", values)));
                    if (best == null || rate.median() > best.median()) {
                        best = rate;
                        bestLevel = level;
                    }
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("requests", requests);
                    details.put("acceptedEvents", accepted);
                    details.put("errors", errors);
                    details.put("notAcceptedByStatus", statuses);
                    levelDetails.put(level, details);
                    if (errors > 0) {
                        LOG.warn("{} of {} events at {} were not accepted: items by status {}", errors, accepted + errors, level, statuses);
                    }
                }
            }
        }
        // The headline: the best level, as a fraction of what one raw producer writes on this broker.
        metrics.add(Metric.of(BEST, UNIT, best.rounds()).comparedWith(CeilingScenario.NAME, CeilingScenario.PRODUCE));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("http", "HTTP/1.1 keep-alive, one java.net.http.HttpClient (one connection) per client thread; closed loop");
        details.put("body", "a JSON array of synthetic submissions (application/json), built by the client for each request");
        details.put("counted", "items answered 202 (the whole batch) or 202 within a 207; latency per request");
        details.put("batchSizes", sizes);
        details.put("batchMaxItems", config.batchMaxItems());
        details.put("maxBatchRequestBytes", config.maxBatchRequestBytes());
        details.put("concurrency", levels);
        details.put("bestLevel", bestLevel);
        details.put("levels", levelDetails);
        details.put("errors", levelDetails.values().stream().mapToLong(l -> (Long) ((Map<?, ?>) l).get("errors")).sum());
        details.put("firstIndex", FIRST_INDEX);
        details.put("lastIndex", nextIndex.get() - 1);
        return new ScenarioResult(NAME, description(), metrics, details, (System.nanoTime() - begin) / 1e9);
    }

    private static HttpLoad load(BenchContext context, URI uri, int batchSize, int concurrency, AtomicLong nextIndex) {
        return new HttpLoad(context.progress(), "bench-batch-client", concurrency, 0, UNIT,
            IngestRequests.batch(uri, context.data(), nextIndex, batchSize));
    }
}
