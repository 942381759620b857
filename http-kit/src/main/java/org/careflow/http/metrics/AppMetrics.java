package org.careflow.http.metrics;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.careflow.security.EndpointClass;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus metrics of one careflow app: a registry whose every series carries the tag {@code app}, JVM and
 * process metrics, the Kafka clients' own metrics (bound with {@link #bind(KafkaBinder)} and {@link #bind(Producer)}),
 * the HTTP timer {@value #HTTP_REQUESTS} per route template, and whatever an app adds to {@link #registry()} (the
 * streams apps' business counters).
 * Served as Prometheus text at {@code GET /metrics} ({@link EndpointClass#OPS}) by a server that
 * {@link #install(JavalinConfig) installs} it. Several apps in one JVM (the local stack) each have their own.
 */
public final class AppMetrics implements AutoCloseable {

    /** The timer of every HTTP request: {@code careflow_http_requests_seconds_{count,sum,bucket}}. */
    public static final String HTTP_REQUESTS = "careflow.http.requests";
    /** The route label of a request that matched no route: its path is never a label, it may hold identifiers. */
    public static final String UNMATCHED = "unmatched";
    public static final String PATH = "/metrics";
    /** How often the Kafka binders look for metrics that appeared since (new stream threads, tasks, stores). */
    public static final Duration DEFAULT_KAFKA_REFRESH = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(AppMetrics.class);

    private final PrometheusMeterRegistry registry;
    private final Duration kafkaRefresh;
    private final ScheduledExecutorService kafkaScheduler;
    private final List<AutoCloseable> binders = new ArrayList<>();
    private final ConcurrentMap<TimerKey, Timer> timers = new ConcurrentHashMap<>();

    private AppMetrics(String app, Duration kafkaRefresh) {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.kafkaRefresh = Objects.requireNonNull(kafkaRefresh, "kafkaRefresh");
        registry.config().commonTags("app", Objects.requireNonNull(app, "app"));
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        binders.add(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        this.kafkaScheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "careflow-metrics-" + app);
            t.setDaemon(true);
            return t;
        });
    }

    /** The metrics of the app named {@code app} (the {@code app} label: {@code ingest-api}, {@code streams-triage}, ...). */
    public static AppMetrics create(String app) {
        return new AppMetrics(app, DEFAULT_KAFKA_REFRESH);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Every series, in the Prometheus text format. */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * Adds the meters of a Kafka client (a producer, a Kafka Streams instance), refreshed from the client's own metrics
     * every {@link #DEFAULT_KAFKA_REFRESH}; the binder is closed with these metrics.
     */
    public synchronized void bind(KafkaBinder binder) {
        MeterBinder bound = binder.create(kafkaScheduler, kafkaRefresh);
        bound.bindTo(registry);
        if (bound instanceof AutoCloseable closeable) {
            binders.add(closeable);
        }
    }

    /** Closes {@code resource} (a gauge's poller, say) when these metrics close. */
    public synchronized void closeWith(AutoCloseable resource) {
        binders.add(Objects.requireNonNull(resource, "resource"));
    }

    /** Adds a producer's metrics ({@code kafka_producer_...}). */
    public synchronized void bind(Producer<?, ?> producer) {
        bind((scheduler, refresh) -> new KafkaClientMetrics(producer, Tags.empty(), scheduler, refresh));
    }

    /**
     * Times every request of the server being configured and adds {@code GET /metrics}; call it inside
     * {@code Javalin.create}. The route label is the matched route's template, never the concrete path.
     */
    public void install(JavalinConfig config) {
        config.requestLogger.http((ctx, millis) -> record(ctx, millis));
        config.routes.get(PATH, ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(scrape()),
            EndpointClass.OPS);
    }

    private void record(Context ctx, Float millis) {
        // Registered once per method, route and status, then reused: building and registering per request cost each one a
        // meter id, tag sorting and a registry lookup.
        timers.computeIfAbsent(new TimerKey(ctx.method().name(), route(ctx), ctx.statusCode()), this::timer)
            .record(Duration.ofNanos((long) (millis.doubleValue() * 1_000_000d)));
    }

    /** One series of {@value #HTTP_REQUESTS}; routes are templates and statuses few, so there are few of them. */
    private record TimerKey(String method, String route, int status) {
    }

    private Timer timer(TimerKey key) {
        return Timer.builder(HTTP_REQUESTS)
            .description("HTTP requests by method, route template and status")
            .tags("method", key.method(), "route", key.route(), "status", Integer.toString(key.status()))
            .publishPercentileHistogram()
            // Fewer buckets per series than the default 1 ns to 30 s range; answers outside it land in the edge buckets.
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
    }

    /** The matched route's template, or {@value #UNMATCHED}. */
    static String route(Context ctx) {
        Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
        return matched == null ? UNMATCHED : matched.path;
    }

    /** Makes the meter binder of one Kafka client, polling its metrics on {@code scheduler} every {@code refresh}. */
    @FunctionalInterface
    public interface KafkaBinder {
        MeterBinder create(ScheduledExecutorService scheduler, Duration refresh);
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable binder : binders) {
            try {
                binder.close();
            } catch (Exception e) {
                LOG.warn("Could not close the metrics binder {}", binder.getClass().getSimpleName(), e);
            }
        }
        binders.clear();
        kafkaScheduler.shutdownNow();
        try {
            kafkaScheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        registry.close();
    }
}
