package org.careflow.bench.scenarios;

import org.careflow.bench.infra.CpuClock;
import org.careflow.bench.report.Progress;
import org.careflow.bench.report.Stats;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * {@code concurrency} HTTP client threads, each with its own {@link HttpClient} (HTTP/1.1 keep-alive, so its own
 * connection), kept across a level's rounds. Each thread sends one request at a time: as soon as the last was answered
 * (closed loop), or, with a rate, on a schedule fixed in advance (the threads' send times interleave evenly), latency
 * then being counted from when each request should have been sent. What is sent and how an answer counts comes from
 * an {@link Exchange} per request, so single events, batches and tracked events share this loop.
 */
public final class HttpLoad implements AutoCloseable {

    /** How long a request may wait for its answer before it counts as not answered (status 0). */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** One request, and how its answer is counted. Made on the client thread that sends it. */
    interface Exchange {

        HttpRequest request();

        /** Whether {@link #answered} needs the answer's body; otherwise it is read and dropped. */
        boolean readsBody();

        /**
         * Counts the answer into {@code tally}. {@code status} is 0 when there was no answer at all (connection refused or
         * reset, timeout); {@code body} is null unless {@link #readsBody()}; {@code answeredNanos} is when it came.
         */
        void answered(int status, String body, long answeredNanos, Tally tally);

        /** An exchange sending {@code request} and counting its answer with {@code answer}. */
        static Exchange of(HttpRequest request, boolean readsBody, Answer answer) {
            return new Exchange() {
                @Override
                public HttpRequest request() {
                    return request;
                }

                @Override
                public boolean readsBody() {
                    return readsBody;
                }

                @Override
                public void answered(int status, String body, long answeredNanos, Tally tally) {
                    answer.answered(status, body, answeredNanos, tally);
                }
            };
        }
    }

    /** How an {@link Exchange} counts its answer; the arguments are {@link Exchange#answered}'s. */
    @FunctionalInterface
    interface Answer {
        void answered(int status, String body, long answeredNanos, Tally tally);
    }

    /** What one client thread's answers added up to in a round: items accepted and items not, by status. */
    static final class Tally {

        private final Map<Integer, Long> notAccepted = new TreeMap<>();
        private long accepted;
        private long errors;

        void accepted(long items) {
            accepted += items;
        }

        void notAccepted(int status, long items) {
            if (items > 0) {
                errors += items;
                notAccepted.merge(status, items, Long::sum);
            }
        }
    }

    /**
     * One round's figures.
     *
     * @param requests  requests answered or given up on
     * @param accepted  items accepted (for single events, requests answered 202)
     * @param errors    items not accepted
     * @param perSecond accepted items per second over the time the round really took
     * @param latencies request latencies in µs
     * @param statuses  items not accepted, by the status that refused them (0: no answer)
     * @param cpuMicrosPerItem CPU µs each measured process spent per accepted item over the round (empty without a
     *                  {@link CpuClock}, or when nothing was accepted)
     */
    record RoundResult(long requests, long accepted, long errors, double perSecond, Histogram latencies, Map<Integer, Long> statuses,
                       Map<String, Double> cpuMicrosPerItem) {
    }

    private final Progress progress;
    private final int concurrency;
    private final double rate;
    private final String unit;
    private final Supplier<Exchange> exchanges;
    private final List<HttpClient> clients = new ArrayList<>();
    private final ExecutorService threads;
    private CpuClock cpu;

    /**
     * @param rate      requests/s all threads together aim at; 0 for a closed loop
     * @param unit      what {@code perSecond} counts, for the progress line (e.g. {@code requests/s})
     * @param exchanges makes each request; called on the sending thread
     */
    HttpLoad(Progress progress, String threadName, int concurrency, double rate, String unit, Supplier<Exchange> exchanges) {
        if (concurrency < 1 || rate < 0) {
            throw new IllegalArgumentException("concurrency must be at least 1 and rate 0 or more: " + concurrency + ", " + rate);
        }
        this.progress = progress;
        this.concurrency = concurrency;
        this.rate = rate;
        this.unit = unit;
        this.exchanges = exchanges;
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(concurrency, r -> {
            Thread thread = new Thread(r, threadName + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        for (int c = 0; c < concurrency; c++) {
            clients.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build());
        }
    }

    /** Samples {@code clock} at the start and end of every round, for CPU per accepted item. */
    HttpLoad measuringCpu(CpuClock clock) {
        this.cpu = java.util.Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** Sends for {@code length}, then waits for the answers still due, and returns the round's figures. */
    RoundResult round(String label, Duration length) throws Exception {
        try (Progress.Task task = progress.timed(label, length)) {
            CpuClock.Sample cpuBefore = cpu == null ? null : cpu.sample();
            long start = System.nanoTime();
            long end = start + length.toNanos();
            List<Callable<Worker>> work = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                HttpClient client = clients.get(c);
                long offset = c;
                work.add(() -> new Worker(client).run(start, end, offset));
            }
            Histogram latencies = Stats.latencyHistogram();
            long requests = 0;
            long accepted = 0;
            long errors = 0;
            Map<Integer, Long> statuses = new TreeMap<>();
            for (Future<Worker> future : threads.invokeAll(work)) {
                Worker worker = future.get();
                latencies.add(worker.latencies);
                requests += worker.requests;
                accepted += worker.tally.accepted;
                errors += worker.tally.errors;
                worker.tally.notAccepted.forEach((status, n) -> statuses.merge(status, n, Long::sum));
            }
            // The last answer may come a little after the end: items are counted over the time they really took.
            double perSecond = Stats.perSecond(accepted, System.nanoTime() - start);
            Map<String, Double> cpuPerItem = cpuBefore == null || accepted == 0 ? Map.of()
                : cpu.sample().microsPerEventSince(cpuBefore, accepted);
            task.finish(String.format(Locale.ROOT, "%,.0f %s, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms%s%s", perSecond, unit,
                Stats.percentileMillis(latencies, 50), Stats.percentileMillis(latencies, 99), Stats.percentileMillis(latencies, 99.9),
                cpuPerItem.isEmpty() ? "" : ", CPU µs/item " + cpuText(cpuPerItem),
                errors > 0 ? ", " + errors + " not accepted" : ""));
            return new RoundResult(requests, accepted, errors, perSecond, latencies, statuses, cpuPerItem);
        }
    }

    private static String cpuText(Map<String, Double> perItem) {
        return perItem.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()))
            .collect(java.util.stream.Collectors.joining(", "));
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
        private final Tally tally = new Tally();
        private long requests;

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
                Exchange exchange = exchanges.get();
                HttpRequest request = exchange.request();
                long sent = interval > 0 ? planned : System.nanoTime();
                int status;
                String body = null;
                try {
                    HttpResponse<String> response = client.send(request, exchange.readsBody()
                        ? HttpResponse.BodyHandlers.ofString() : HttpResponse.BodyHandlers.replacing(null));
                    status = response.statusCode();
                    body = response.body();
                } catch (IOException e) {
                    // No answer at all (connection refused or reset, timeout): counted as status 0.
                    status = 0;
                }
                long answered = System.nanoTime();
                long micros = Math.max(1, (answered - sent) / 1_000);
                latencies.recordValue(Math.min(micros, Stats.MAX_LATENCY_MICROS));
                requests++;
                exchange.answered(status, body, answered, tally);
                if (interval > 0) {
                    planned += interval;
                }
            }
            return this;
        }
    }
}
