package org.careflow.query;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.careflow.events.security.DataAccessAudit;
import org.careflow.topics.EventSerdes;
import org.careflow.topics.Topics;

/**
 * Writes {@link DataAccessAudit} events to {@link Topics#AUDIT_EVENTS}, keyed by eventId, through an idempotent
 * producer with {@code acks=all}: a read of patient data is answered only once its audit event is acknowledged
 * (see {@link InteractiveQueryService}). A disabled publisher (authentication off: tests and benchmarks) records nothing.
 */
public final class AuditPublisher implements AutoCloseable {

    private static final AuditPublisher DISABLED = new AuditPublisher(null, Duration.ofSeconds(5));

    private final Producer<String, DataAccessAudit> producer;
    private final Duration ackTimeout;

    /**
     * @param producer the producer to write with (a {@code MockProducer} in tests); null records nothing
     * @param ackTimeout how long an audited read waits for the acknowledgement before it is answered 503
     */
    public AuditPublisher(Producer<String, DataAccessAudit> producer, Duration ackTimeout) {
        this.producer = producer;
        this.ackTimeout = Objects.requireNonNull(ackTimeout, "ackTimeout");
    }

    /** A publisher that records nothing: for apps running with authentication off, where no caller is known. */
    public static AuditPublisher disabled() {
        return DISABLED;
    }

    /**
     * A publisher writing through the registry serdes.
     *
     * @param kafkaClientConfig at least {@code bootstrap.servers}, plus any client security settings
     */
    public static AuditPublisher create(Map<String, Object> kafkaClientConfig, EventSerdes serdes, Duration ackTimeout) {
        Map<String, Object> props = new HashMap<>(kafkaClientConfig);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "careflow-audit-" + java.util.UUID.randomUUID());
        // A broker that cannot be reached must not hold a reader longer than the ack timeout.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ackTimeout.toMillis());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new AuditPublisher(new KafkaProducer<>(props, new StringSerializer(),
            serdes.valueSerde(Topics.AUDIT_EVENTS).serializer()), ackTimeout);
    }

    public boolean enabled() {
        return producer != null;
    }

    public Duration ackTimeout() {
        return ackTimeout;
    }

    /** Sends {@code event}; the future completes when the broker acknowledged it, or fails. */
    public CompletableFuture<Void> record(DataAccessAudit event) {
        Objects.requireNonNull(event, "event");
        if (producer == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> acked = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(Topics.AUDIT_EVENTS.name(), event.getEventId(), event), (metadata, e) -> {
                if (e == null) {
                    acked.complete(null);
                } else {
                    acked.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
        return acked;
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
