package org.careflow.query.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.careflow.http.health.DependencyHealth;
import org.careflow.topics.RegistryProbe;
import org.careflow.topics.BusinessMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the records Kafka Streams' own dead-letter queue ({@code errors.dead.letter.queue.topic.name}) receives: the
 * careflow exception handlers (log, continue, dead-letter) with a count per dead-letter topic on top. They take the
 * {@link BusinessMetrics} from the Kafka Streams settings ({@link #METRICS_CONFIG}), put there by {@link #install}.
 *
 * <p><b>Transient is not poison.</b> A record that cannot be read while the schema registry is down, or refuses the
 * app's login, is not unreadable: with a {@link RegistryProbe} installed ({@link #REGISTRY_PROBE_CONFIG}), the
 * deserialization handler first asks whether the registry serves the app. If not, it marks the registry down in the
 * app's {@link DependencyHealth} (readiness turns DOWN and says why), waits up to {@link #TRANSIENT_WAIT} for it, and
 * fails the stream thread without dead-lettering or skipping anything: the thread is replaced and reads the record
 * again from the last commit (under exactly-once, what the failed thread had written is aborted). Only a record the
 * registry cannot make readable while it serves the app (bad bytes, an unknown schema id) is a dead letter.
 */
public final class DeadLetterCounting {

    /** The Kafka Streams setting (a {@link BusinessMetrics} instance, not a string) the handlers count into. */
    public static final String METRICS_CONFIG = "careflow.business.metrics";
    /** The Kafka Streams setting (a {@link RegistryProbe} instance) that tells a registry outage from an unreadable record. */
    public static final String REGISTRY_PROBE_CONFIG = "careflow.registry.probe";
    /** The Kafka Streams setting (a {@link DependencyHealth} instance) where a registry outage is reported. */
    public static final String DEPENDENCY_HEALTH_CONFIG = "careflow.dependency.health";
    /** How long a stream thread waits for the registry before it fails and is replaced, to read the record again. */
    public static final Duration TRANSIENT_WAIT = Duration.ofSeconds(20);
    /** The Kafka Streams setting (a {@link Duration}) replacing {@link #TRANSIENT_WAIT}, for tests. */
    public static final String TRANSIENT_WAIT_CONFIG = "careflow.registry.transient.wait";
    /** The dependency name the registry is reported under. */
    public static final String REGISTRY = "registry";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterCounting.class);

    private DeadLetterCounting() {
    }

    /**
     * Makes the handlers {@code props} names count into {@code metrics}: Kafka Streams' log-and-continue handlers are
     * replaced by their counting subclasses; any other handler is left alone.
     */
    public static Properties install(Properties props, BusinessMetrics metrics) {
        replace(props, StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class,
            CountingDeserializationHandler.class);
        replace(props, StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueProcessingExceptionHandler.class,
            CountingProcessingHandler.class);
        props.put(METRICS_CONFIG, metrics);
        return props;
    }

    /**
     * As {@link #install(Properties, BusinessMetrics)}, and makes the deserialization handler tell a registry outage
     * (reported to {@code health}, the record read again) from an unreadable record (dead-lettered), asking {@code registry}.
     */
    public static Properties install(Properties props, BusinessMetrics metrics, RegistryProbe registry, DependencyHealth health) {
        install(props, metrics);
        props.put(REGISTRY_PROBE_CONFIG, Objects.requireNonNull(registry, "registry"));
        props.put(DEPENDENCY_HEALTH_CONFIG, Objects.requireNonNull(health, "health"));
        return props;
    }

    private static void replace(Properties props, String key, Class<?> plain, Class<?> counting) {
        Object configured = props.get(key);
        if (configured == plain || plain.getName().equals(configured)) {
            props.put(key, counting);
        }
    }

    /** Polls {@code registry} once a second until it serves the app, or {@code wait} passed (a stream thread must not block long). */
    static void awaitServing(RegistryProbe registry, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!registry.serving() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static BusinessMetrics metricsOf(Map<String, ?> configs) {
        return configs.get(METRICS_CONFIG) instanceof BusinessMetrics metrics ? metrics : BusinessMetrics.NONE;
    }

    static void count(BusinessMetrics metrics, List<ProducerRecord<byte[], byte[]>> deadLetters) {
        for (ProducerRecord<byte[], byte[]> record : deadLetters) {
            metrics.deadLetter(record.topic());
        }
    }

    /** {@link LogAndContinueExceptionHandler} that counts what it sends to the dead-letter topic. */
    public static final class CountingDeserializationHandler extends LogAndContinueExceptionHandler {

        private BusinessMetrics metrics = BusinessMetrics.NONE;
        private RegistryProbe registry;
        private DependencyHealth health;
        private Duration transientWait = TRANSIENT_WAIT;

        @Override
        public void configure(Map<String, ?> configs) {
            super.configure(configs);
            metrics = metricsOf(configs);
            registry = configs.get(REGISTRY_PROBE_CONFIG) instanceof RegistryProbe probe ? probe : null;
            health = configs.get(DEPENDENCY_HEALTH_CONFIG) instanceof DependencyHealth h ? h : new DependencyHealth();
            if (configs.get(TRANSIENT_WAIT_CONFIG) instanceof Duration wait) {
                transientWait = wait;
            }
        }

        @Override
        public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
            if (registry != null && !registry.serving()) {
                health.down(REGISTRY, "the schema registry is unreachable or refuses this app's login: records wait to be read, "
                    + "none is dead-lettered", registry::serving);
                LOG.warn("Could not read the record at offset {} of {}-{} while the schema registry does not serve this app; "
                    + "waiting for it, then reading the record again", record.offset(), record.topic(), record.partition());
                awaitServing(registry, transientWait);
                return Response.fail();
            }
            Response response = super.handleError(context, record, exception);
            count(metrics, response.deadLetterQueueRecords());
            return response;
        }
    }

    /** {@link LogAndContinueProcessingExceptionHandler} that counts what it sends to the dead-letter topic. */
    public static final class CountingProcessingHandler extends LogAndContinueProcessingExceptionHandler {

        private BusinessMetrics metrics = BusinessMetrics.NONE;

        @Override
        public void configure(Map<String, ?> configs) {
            super.configure(configs);
            metrics = metricsOf(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
            Response response = super.handleError(context, record, exception);
            count(metrics, response.deadLetterQueueRecords());
            return response;
        }
    }
}
