package org.careflow.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.careflow.config.CommonConfig;
import org.careflow.ingest.IngestApp;
import org.careflow.ingest.IngestConfig;
import org.careflow.ingest.IngestRoutes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest API started in this JVM, taking single-event {@code POST /v1/triage-submissions} over HTTP/1.1 keep-alive
 * from 1, 8, 32, 64 clients at once (one {@link HttpClient}, so one connection, per client thread): requests/s and
 * latency percentiles per level. A request counts when answered 202, that is once Kafka acknowledged the event.
 */
final class IngestScenario implements Scenario {

    static final String NAME = "ingest";
    /** Index of the first synthetic event posted: far above the pipeline's, so that no submission id repeats. */
    static final long FIRST_INDEX = 1_000_000_000L;
    static final double[] PERCENTILES = {50, 99, 99.9};

    private static final Logger LOG = LoggerFactory.getLogger(IngestScenario.class);

    static String throughputMetric(int concurrency) {
        return "POST c=" + concurrency;
    }

    static String latencyMetric(double percentile, int concurrency) {
        return "p" + (percentile == Math.rint(percentile) ? String.valueOf((int) percentile) : String.valueOf(percentile))
            + " c=" + concurrency;
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
        IngestConfig config = new IngestConfig(CommonConfig.connection(stack.bootstrapServers(), stack.registryUrl(), "127.0.0.1", 0));
        List<Metric> metrics = new ArrayList<>();
        Map<String, Object> levels = new LinkedHashMap<>();
        AtomicLong nextIndex = new AtomicLong(FIRST_INDEX);
        try (IngestApp app = IngestApp.start(config)) {
            URI uri = URI.create("http://127.0.0.1:" + app.port() + IngestRoutes.TRIAGE_SUBMISSIONS_PATH);
            boolean warm = settings.warmupRounds() > 0;
            if (warm) {
                int level = Math.min(8, settings.concurrency().stream().mapToInt(Integer::intValue).max().orElse(1));
                try (Load load = new Load(context, uri, level, settings.rate(), nextIndex)) {
                    load.round("ingest warm-up c=" + level, settings.warmupDuration());
                }
            }
            for (int concurrency : settings.concurrency()) {
                List<Double> throughput = new ArrayList<>();
                Map<Double, List<Double>> latencies = new TreeMap<>();
                long requests = 0;
                long errors = 0;
                Map<Integer, Long> statuses = new TreeMap<>();
                try (Load load = new Load(context, uri, concurrency, settings.rate(), nextIndex)) {
                    if (warm) {
                        load.round("ingest c=" + concurrency + " warm-up", settings.warmupDuration().dividedBy(5));
                    }
                    for (int r = 0; r < settings.rounds(); r++) {
                        RoundResult result = load.round(String.format(Locale.ROOT, "ingest c=%d round %d/%d", concurrency, r + 1,
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

    /** One round's figures: accepted requests per second and their latencies (µs). */
    record RoundResult(long accepted, long errors, double perSecond, Histogram latencies, Map<Integer, Long> statuses) {
    }

    /** {@code concurrency} client threads, each with its own HTTP client and connection, kept across a level's rounds. */
    private static final class Load implements AutoCloseable {

        private final BenchContext context;
        private final URI uri;
        private final int concurrency;
        private final double rate;
        private final AtomicLong nextIndex;
        private final List<HttpClient> clients = new ArrayList<>();
        private final ExecutorService threads;

        Load(BenchContext context, URI uri, int concurrency, double rate, AtomicLong nextIndex) {
            this.context = context;
            this.uri = uri;
            this.concurrency = concurrency;
            this.rate = rate;
            this.nextIndex = nextIndex;
            AtomicInteger n = new AtomicInteger();
            this.threads = Executors.newFixedThreadPool(concurrency, r -> {
                Thread thread = new Thread(r, "bench-ingest-client-" + n.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
            for (int c = 0; c < concurrency; c++) {
                clients.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build());
            }
        }

        RoundResult round(String label, Duration length) throws Exception {
            try (Progress.Task task = context.progress().timed(label, length)) {
                long start = System.nanoTime();
                long end = start + length.toNanos();
                List<Callable<Worker>> work = new ArrayList<>();
                for (int c = 0; c < concurrency; c++) {
                    HttpClient client = clients.get(c);
                    long offset = c;
                    work.add(() -> new Worker(client).run(start, end, offset));
                }
                Histogram latencies = Stats.latencyHistogram();
                long accepted = 0;
                long errors = 0;
                Map<Integer, Long> statuses = new TreeMap<>();
                for (Future<Worker> future : threads.invokeAll(work)) {
                    Worker worker = future.get();
                    latencies.add(worker.latencies);
                    accepted += worker.accepted;
                    errors += worker.errors;
                    worker.statuses.forEach((status, n) -> statuses.merge(status, n, Long::sum));
                }
                // The last answer may come a little after the end: requests are counted over the time they really took.
                double perSecond = Stats.perSecond(accepted, System.nanoTime() - start);
                task.finish(String.format(Locale.ROOT, "%,.0f requests/s, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms%s", perSecond,
                    Stats.percentileMillis(latencies, 50), Stats.percentileMillis(latencies, 99), Stats.percentileMillis(latencies, 99.9),
                    errors > 0 ? ", " + errors + " not accepted" : ""));
                return new RoundResult(accepted, errors, perSecond, latencies, statuses);
            }
        }

        @Override
        public void close() {
            threads.shutdownNow();
            clients.forEach(HttpClient::close);
        }

        /** One client thread's round: sends until the end, one request at a time, or paced when a rate is set. */
        private final class Worker {

            private final HttpClient client;
            private final Histogram latencies = Stats.latencyHistogram();
            private final Map<Integer, Long> statuses = new TreeMap<>();
            private long accepted;
            private long errors;

            Worker(HttpClient client) {
                this.client = client;
            }

            Worker run(long start, long end, long offset) throws InterruptedException {
                long interval = rate > 0 ? (long) (1e9 * concurrency / rate) : 0;
                long planned = start + (interval > 0 ? interval * offset / concurrency : 0);
                while (planned < end && System.nanoTime() < end) {
                    if (interval > 0) {
                        long wait = planned - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                    }
                    String body = context.data().json(nextIndex.getAndIncrement());
                    HttpRequest request = HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                        .build();
                    long sent = interval > 0 ? planned : System.nanoTime();
                    int status;
                    try {
                        status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (java.io.IOException e) {
                        // No answer at all (connection refused or reset, timeout): counted as status 0.
                        status = 0;
                    }
                    long micros = Math.max(1, (System.nanoTime() - sent) / 1_000);
                    latencies.recordValue(Math.min(micros, Stats.MAX_LATENCY_MICROS));
                    if (status == 202) {
                        accepted++;
                    } else {
                        errors++;
                        statuses.merge(status, 1L, Long::sum);
                    }
                    if (interval > 0) {
                        planned += interval;
                    }
                }
                return this;
            }
        }
    }
}
