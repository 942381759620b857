package org.careflow.bench.scenarios;

import org.careflow.bench.BenchSettings;
import org.careflow.bench.infra.BenchStack;
import org.careflow.bench.report.Metric;
import org.careflow.bench.report.ScenarioResult;
import org.careflow.bench.report.Stats;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.careflow.ingest.IngestApp;
import org.careflow.ingest.IngestConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest API started in this JVM, taking single-event {@code POST /v1/triage-submissions} over HTTP/1.1 keep-alive
 * from 1, 8, 32, 64 clients at once (one {@link HttpClient}, so one connection, per client thread): requests/s and
 * latency percentiles per level. A request counts when answered 202, that is once Kafka acknowledged the event.
 */
public final class IngestScenario implements Scenario {

    public static final String NAME = "ingest";
    /** Index of the first synthetic event posted: far above the pipeline's, so that no submission id repeats. */
    static final long FIRST_INDEX = 1_000_000_000L;
    static final double[] PERCENTILES = {50, 99, 99.9};

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
        try (IngestApp app = IngestApp.start(config)) {
            URI uri = IngestRequests.singleUri(app.port());
            boolean warm = settings.warmupRounds() > 0;
            if (warm) {
                int level = Math.min(8, settings.concurrency().stream().mapToInt(Integer::intValue).max().orElse(1));
                try (HttpLoad load = load(context, uri, level, settings.rate(), nextIndex)) {
                    load.round("ingest warm-up c=" + level, settings.warmupDuration());
                }
            }
            for (int concurrency : settings.concurrency()) {
                List<Double> throughput = new ArrayList<>();
                Map<Double, List<Double>> latencies = new TreeMap<>();
                long requests = 0;
                long errors = 0;
                Map<Integer, Long> statuses = new TreeMap<>();
                try (HttpLoad load = load(context, uri, concurrency, settings.rate(), nextIndex)) {
                    if (warm) {
                        load.round("ingest c=" + concurrency + " warm-up", settings.warmupDuration().dividedBy(5));
                    }
                    for (int r = 0; r < settings.rounds(); r++) {
                        HttpLoad.RoundResult result = load.round(String.format(Locale.ROOT, "ingest c=%d round %d/%d", concurrency, r + 1,
                            settings.rounds()), settings.roundDuration());
                        throughput.add(result.perSecond());
                        for (double p : PERCENTILES) {
                            latencies.computeIfAbsent(p, k -> new ArrayList<>()).add(Stats.percentileMillis(result.latencies(), p));
                        }
                        requests += result.accepted();
                        errors += result.errors();
                        result.statuses().forEach((status, n) -> statuses.merge(status, n, Long::sum));
                    }
                }
                metrics.add(Metric.of(throughputMetric(concurrency), "requests/s", throughput)
                    .comparedWith(CeilingScenario.NAME, CeilingScenario.PRODUCE));
                latencies.forEach((p, values) -> metrics.add(Metric.of(latencyMetric(p, concurrency), "ms", values)));
                Map<String, Object> level = new LinkedHashMap<>();
                level.put("accepted", requests);
                level.put("errors", errors);
                level.put("notAcceptedByStatus", statuses);
                levels.put("c=" + concurrency, level);
                if (errors > 0) {
                    LOG.warn("{} of {} requests at concurrency {} were not answered 202: statuses {}", errors, requests + errors,
                        concurrency, statuses);
                }
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("http", "HTTP/1.1 keep-alive, one java.net.http.HttpClient (one connection) per client thread");
        details.put("mode", settings.rate() > 0 ? "paced at " + settings.rate() + " requests/s in total; latency from each request's "
            + "planned start (coordinated omission corrected)" : "closed loop: each client sends its next request when the last is answered");
        details.put("levels", levels);
        details.put("errors", levels.values().stream().mapToLong(l -> (Long) ((Map<?, ?>) l).get("errors")).sum());
        details.put("firstIndex", FIRST_INDEX);
        details.put("lastIndex", nextIndex.get() - 1);
        return new ScenarioResult(NAME, description(), metrics, details, (System.nanoTime() - begin) / 1e9);
    }

    /** {@code concurrency} clients posting one event per request, from {@code nextIndex} on. */
    private static HttpLoad load(BenchContext context, URI uri, int concurrency, double rate, AtomicLong nextIndex) {
        return new HttpLoad(context.progress(), "bench-ingest-client", concurrency, rate, "requests/s",
            IngestRequests.single(uri, context.data(), nextIndex));
    }

    /** The highest median of the throughput levels of an ingest result, in requests/s. */
    static OptionalDouble bestThroughput(ScenarioResult result) {
        return result.metrics().stream().filter(m -> m.name().startsWith(THROUGHPUT_PREFIX)).mapToDouble(Metric::median).max();
    }
}
