package org.careflow.query.metrics;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;
import org.careflow.security.EndpointClass;
import org.careflow.topics.BusinessMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus metrics of one careflow app: a registry whose every series carries the tag {@code app}, JVM and
 * process metrics, the Kafka clients' own metrics (bound with {@link #bind(KafkaStreams)} and {@link #bind(Producer)}),
 * the HTTP timer {@value #HTTP_REQUESTS} per route template, and the business counters of {@link BusinessMetrics}.
 * Served as Prometheus text at {@code GET /metrics} ({@link EndpointClass#OPS}) by a server that
 * {@link #install(JavalinConfig) installs} it. Several apps in one JVM (the local stack) each have their own.
 */
public final class AppMetrics implements BusinessMetrics, AutoCloseable {

    /** The timer of every HTTP request: {@code careflow_http_requests_seconds_{count,sum,bucket}}. */
    public static final String HTTP_REQUESTS = "careflow.http.requests";
    public static final String ASSESSMENTS = "careflow.triage.assessments";
    public static final String FORM_WAITS = "careflow.triage.form.waits";
    public static final String BOOKINGS = "careflow.bookings";
    public static final String SCHEDULING_REFUSALS = "careflow.scheduling.refusals";
    public static final String REMINDERS = "careflow.reminders";
    public static final String DEAD_LETTERS = "careflow.dead.letters";
    public static final String CONTACT_DECISIONS = "careflow.contact.decisions";
    public static final String ONCALL_ALERTS = "careflow.oncall.alerts";
    public static final String SENDS_IN_DOUBT = "careflow.notification.sends.in.doubt";
    public static final String UNRECORDED_SENDS = "careflow.notification.unrecorded.send";
    /** The route label of a request that matched no route: its path is never a label, it may hold identifiers. */
    public static final String UNMATCHED = "unmatched";
    public static final String PATH = "/metrics";
    /** How often the Kafka binders look for metrics that appeared since (new stream threads, tasks, stores). */
    public static final Duration DEFAULT_KAFKA_REFRESH = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(AppMetrics.class);
    private static final String NONE = "none";

    private final PrometheusMeterRegistry registry;
    private final Duration kafkaRefresh;
    private final ScheduledExecutorService kafkaScheduler;
    private final List<AutoCloseable> binders = new ArrayList<>();

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

    /** Adds the Kafka Streams client, thread, task, state-store (RocksDB) and embedded producer/consumer metrics. */
    public synchronized void bind(KafkaStreams streams) {
        KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams, Tags.empty(), kafkaScheduler, kafkaRefresh);
        binder.bindTo(registry);
        binders.add(binder);
    }

    /**
     * Counts what waits on the dead-letter {@code topics} ({@value DeadLetterBacklog#WAITING}), sampled in the background
     * with a consumer of {@code clientConfig}'s settings until these metrics close.
     */
    public synchronized void watchDeadLetters(java.util.Map<String, Object> clientConfig, java.util.Collection<String> topics) {
        binders.add(DeadLetterBacklog.start(clientConfig, topics, registry, DeadLetterBacklog.DEFAULT_INTERVAL));
    }

    /** Adds a producer's metrics ({@code kafka_producer_...}). */
    public synchronized void bind(Producer<?, ?> producer) {
        KafkaClientMetrics binder = new KafkaClientMetrics(producer, Tags.empty(), kafkaScheduler, kafkaRefresh);
        binder.bindTo(registry);
        binders.add(binder);
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
        Timer.builder(HTTP_REQUESTS)
            .description("HTTP requests by method, route template and status")
            .tags("method", ctx.method().name(), "route", route(ctx), "status", Integer.toString(ctx.statusCode()))
            .publishPercentileHistogram()
            // Fewer buckets per series than the default 1 ns to 30 s range; answers outside it land in the edge buckets.
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry)
            .record(Duration.ofNanos((long) (millis.doubleValue() * 1_000_000d)));
    }

    /** The matched route's template, or {@value #UNMATCHED}. */
    static String route(Context ctx) {
        Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
        return matched == null ? UNMATCHED : matched.path;
    }

    @Override
    public void assessment(String band) {
        Counter.builder(ASSESSMENTS).description("Triage assessments published, by final risk band")
            .tag("band", label(band)).register(registry).increment();
    }

    @Override
    public void formWait(String outcome) {
        Counter.builder(FORM_WAITS).description("Triage submissions that waited for their form version, by outcome")
            .tag("outcome", outcome).register(registry).increment();
    }

    @Override
    public void booking(String status, String reason) {
        Counter.builder(BOOKINGS).description("Booking outcomes published, by status and rejection reason")
            .tags("status", label(status), "reason", reason == null ? NONE : reason).register(registry).increment();
    }

    @Override
    public void schedulingRefusal(String kind, String reason) {
        Counter.builder(SCHEDULING_REFUSALS).description("Scheduling requests refused (nothing changed), by request kind and reason")
            .tags("kind", label(kind), "reason", label(reason)).register(registry).increment();
    }

    @Override
    public void reminder(String outcome) {
        Counter.builder(REMINDERS).description("Notifications to patients (confirmations, reminders) by outcome")
            .tag("outcome", label(outcome)).register(registry).increment();
    }

    @Override
    public void onCallAlert(String outcome) {
        Counter.builder(ONCALL_ALERTS).description("Deterioration alerts routed to on-call staff, by outcome (PAGED or why nobody was)")
            .tag("outcome", label(outcome)).register(registry).increment();
    }

    @Override
    public void deadLetter(String topic) {
        Counter.builder(DEAD_LETTERS).description("Records written to a dead-letter topic, by topic")
            .tag("topic", label(topic)).register(registry).increment();
    }

    @Override
    public void sendInDoubt(String resolution) {
        Counter.builder(SENDS_IN_DOUBT).description("Notifications whose fate was unknown, by how that was resolved (reported_sent or sent_again)")
            .tag("resolution", label(resolution)).register(registry).increment();
    }

    @Override
    public void unrecordedSend(Duration window) {
        Timer.builder(UNRECORDED_SENDS).description("From the start of an accepted send until Kafka acknowledged its SENT status: "
                + "the window in which a stopped dispatcher leaves a message in doubt")
            .publishPercentiles(0.5, 0.99).register(registry).record(window);
    }

    @Override
    public void contactDecision(String status, String reason) {
        Counter.builder(CONTACT_DECISIONS).description("Contact writes and phone verifications decided, by status and reason")
            .tags("status", label(status), "reason", label(reason)).register(registry).increment();
    }

    private static String label(String value) {
        return value == null ? NONE : value;
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
