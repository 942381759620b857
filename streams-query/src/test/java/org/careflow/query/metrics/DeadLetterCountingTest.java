package org.careflow.query.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;
import org.careflow.http.health.DependencyHealth;
import org.careflow.topics.RegistryProbe;
import org.careflow.topics.BusinessMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The deserialization handler tells a registry that does not serve the app (read again) from an unreadable record (dead letter). */
class DeadLetterCountingTest {

    private static final ConsumerRecord<byte[], byte[]> RECORD = new ConsumerRecord<>("triage-submissions", 2, 41L, "k".getBytes(), "v".getBytes());

    private final AtomicInteger registryStatus = new AtomicInteger(503);
    private final DependencyHealth health = new DependencyHealth();
    private HttpServer registry;
    private DeadLetterCounting.CountingDeserializationHandler handler;

    @BeforeEach
    void start() throws Exception {
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/", exchange -> {
            exchange.sendResponseHeaders(registryStatus.get(), -1);
            exchange.close();
        });
        registry.start();
        Map<String, Object> configs = new HashMap<>();
        configs.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "triage-dead-letters");
        configs.put(DeadLetterCounting.METRICS_CONFIG, BusinessMetrics.NONE);
        // Every probe asks again (the apps keep an answer 5 s), and the handler does not wait (the apps wait 20 s).
        configs.put(DeadLetterCounting.REGISTRY_PROBE_CONFIG, RegistryProbe.create("http://127.0.0.1:" + registry.getAddress().getPort()
            + "/apis/registry/v3", "careflow-streams", "secret", Duration.ZERO));
        configs.put(DeadLetterCounting.DEPENDENCY_HEALTH_CONFIG, health);
        configs.put(DeadLetterCounting.TRANSIENT_WAIT_CONFIG, Duration.ZERO);
        handler = new DeadLetterCounting.CountingDeserializationHandler();
        handler.configure(configs);
    }

    @AfterEach
    void stop() {
        registry.stop(0);
    }

    @Test
    void shouldFailTheThreadToReadTheRecordAgainAndReportTheRegistryWhenItDoesNotServeTheApp() {
        DeserializationExceptionHandler.Response response = handler.handleError(context(), RECORD, new SerializationException("no registry"));

        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).as("a registry outage is not poison").isEmpty();
        assertThat(health.current()).containsOnlyKeys(DeadLetterCounting.REGISTRY);
    }

    @Test
    void shouldDeadLetterTheRecordWhenTheRegistryServesTheAppAndStillCannotReadIt() {
        registryStatus.set(200);

        DeserializationExceptionHandler.Response response = handler.handleError(context(), RECORD, new SerializationException("unknown id"));

        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(r -> assertThat(r.topic()).isEqualTo("triage-dead-letters"));
        assertThat(health.current()).isEmpty();
    }

    @Test
    void shouldReportTheRegistryUpAgainOnceItServesTheApp() {
        handler.handleError(context(), RECORD, new SerializationException("no registry"));
        assertThat(health.current()).isNotEmpty();

        registryStatus.set(200);

        assertThat(health.current()).isEmpty();
    }

    private static ErrorHandlerContext context() {
        return new ErrorHandlerContext() {
            @Override public String topic() { return RECORD.topic(); }
            @Override public int partition() { return RECORD.partition(); }
            @Override public long offset() { return RECORD.offset(); }
            @Override public Headers headers() { return new RecordHeaders(); }
            @Override public String processorNodeId() { return "read-submissions"; }
            @Override public TaskId taskId() { return new TaskId(0, RECORD.partition()); }
            @Override public long timestamp() { return 0L; }
            @Override public byte[] sourceRawKey() { return RECORD.key(); }
            @Override public byte[] sourceRawValue() { return RECORD.value(); }
        };
    }
}
