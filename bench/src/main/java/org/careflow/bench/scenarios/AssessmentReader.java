package org.careflow.bench.scenarios;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.careflow.bench.infra.BenchStack;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.topics.Topics;

/**
 * Reads triage-assessments from its current end, as the records become readable ({@code read_committed}), on a thread of
 * its own, and hands every assessment's submission id to a listener with the bench JVM's {@link System#nanoTime()} of the
 * poll that returned it: the read side of the latency scenarios, on the same clock as their send side.
 */
final class AssessmentReader implements AutoCloseable {

    /** Bounds how late the reader sees readable records should the broker not wake its fetch at once. */
    static final int FETCH_MAX_WAIT_MS = 50;
    static final Duration POLL = Duration.ofMillis(100);

    /** Told of each assessment read, on the reader's thread. */
    @FunctionalInterface
    interface Listener {
        void read(String submissionId, long readNanos);
    }

    private final KafkaConsumer<String, TriageAssessment> consumer;
    private final String threadName;
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private volatile boolean stopping;
    private Thread thread;

    /** A reader of triage-assessments from its end now; its thread (named {@code threadName}) starts with {@link #start}. */
    AssessmentReader(BenchStack stack, Serde<TriageAssessment> serde, String threadName) {
        this.consumer = new KafkaConsumer<>(consumerProps(stack, threadName), new StringDeserializer(), serde.deserializer());
        this.threadName = threadName;
        var endOffsets = stack.endOffsets(Topics.TRIAGE_ASSESSMENTS.name());
        consumer.assign(endOffsets.keySet());
        endOffsets.forEach(consumer::seek);
    }

    /** What {@link #AssessmentReader} configures its consumer with, for the report. */
    static String describe() {
        return "polled from " + Topics.TRIAGE_ASSESSMENTS.name() + " by a consumer with isolation.level=read_committed, matched by "
            + "submissionId; fetch.max.wait.ms " + FETCH_MAX_WAIT_MS;
    }

    void start(Listener listener) {
        thread = new Thread(() -> {
            try {
                while (!stopping) {
                    var records = consumer.poll(POLL);
                    long now = System.nanoTime();
                    for (ConsumerRecord<String, TriageAssessment> record : records) {
                        if (record.value() != null) {
                            listener.read(record.value().getSubmissionId(), now);
                        }
                    }
                }
            } catch (WakeupException e) {
                if (!stopping) {
                    failure.set(e);
                }
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Fails if the reader's thread failed. */
    void requireAlive() {
        RuntimeException e = failure.get();
        if (e != null) {
            throw new IllegalStateException("The reader of " + Topics.TRIAGE_ASSESSMENTS.name() + " failed", e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        if (thread != null) {
            consumer.wakeup();
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        consumer.close(Duration.ofSeconds(10));
    }

    private static Map<String, Object> consumerProps(BenchStack stack, String clientId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS);
        return props;
    }
}
