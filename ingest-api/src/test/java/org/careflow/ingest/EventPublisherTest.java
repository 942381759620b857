package org.careflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventPublisherTest {

    private final Serializer<SpecificRecord> noopSerializer = (topic, value) -> new byte[0];
    private final MockProducer<String, SpecificRecord> producer = new MockProducer<>(false, null, new StringSerializer(), noopSerializer);
    private final EventPublisher publisher = new EventPublisher(producer, Duration.ofSeconds(2));

    @AfterEach
    void close() {
        publisher.close(Duration.ofSeconds(1));
    }

    /** Acknowledges the oldest record from a thread standing in for the producer's I/O thread. */
    private void acknowledgeOnIoThread(Runnable acknowledgement) throws InterruptedException {
        Thread io = new Thread(acknowledgement, "kafka-producer-network-thread | test");
        io.start();
        io.join(TimeUnit.SECONDS.toMillis(5));
    }

    @Test
    void shouldCompleteThePublishFutureOnAnAnswerThreadWhenKafkaAcknowledgesOnItsIoThread() throws Exception {
        // Given a published record whose future has an answer chained to it
        CompletableFuture<?> published = publisher.publish(Topics.TRIAGE_SUBMISSIONS, "patient-1", new TriageSubmission());
        CompletableFuture<String> answeredOn = published.thenApply(metadata -> Thread.currentThread().getName());

        // When Kafka acknowledges it on the I/O thread
        acknowledgeOnIoThread(producer::completeNext);

        // Then the answer ran on an answer thread, not on the I/O thread
        assertThat(answeredOn.get(5, TimeUnit.SECONDS)).startsWith("ingest-answer-");
    }

    @Test
    void shouldAcknowledgeEachSendOnceWithItsOutcomeWhenOneSucceedsAndOneTimesOut() throws Exception {
        // Given two records sent without futures
        AtomicReference<Object> first = new AtomicReference<>();
        AtomicReference<Object> second = new AtomicReference<>();
        publisher.send(Topics.TRIAGE_SUBMISSIONS, "patient-1", new TriageSubmission(),
            (metadata, failure) -> first.set(failure == null ? metadata : failure));
        publisher.send(Topics.TRIAGE_SUBMISSIONS, "patient-2", new TriageSubmission(),
            (metadata, failure) -> second.set(failure == null ? metadata : failure));

        // When Kafka acknowledges the first and the second times out after the producer held it
        acknowledgeOnIoThread(() -> {
            producer.completeNext();
            producer.errorNext(new TimeoutException("delivery timed out"));
        });

        // Then the first carries its offset, the second an outcome-unknown failure (it may have been written)
        assertThat(first.get()).isInstanceOf(org.apache.kafka.clients.producer.RecordMetadata.class);
        assertThat(second.get()).isInstanceOfSatisfying(WriteFailure.class,
            failure -> assertThat(failure.outcome()).isEqualTo(WriteFailure.Outcome.UNKNOWN));
        assertThat(publisher.healthy()).isFalse();
    }
}
