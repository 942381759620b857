package org.careflow.bench.infra;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/** What the drain scenarios do around a Kafka Streams instance: wait until it runs, and tidy up after it. */
public final class StreamsRuns {

    private static final long POLL_NANOS = 1_000_000;

    private StreamsRuns() {
    }

    /**
     * Waits until {@code streams} is RUNNING (partitions assigned, stores restored: processing starts now) and returns
     * {@link System#nanoTime()} at that moment, to within a millisecond.
     */
    public static long awaitRunning(KafkaStreams streams, Duration deadline, String what) {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            KafkaStreams.State state = streams.state();
            if (state == KafkaStreams.State.RUNNING) {
                return System.nanoTime();
            }
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
                || state == KafkaStreams.State.NOT_RUNNING || state == KafkaStreams.State.PENDING_SHUTDOWN) {
                throw new IllegalStateException(what + " stopped (" + state + ") before it ran; see the log above");
            }
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException(what + " was not running after " + deadline.toSeconds() + " s (state " + state + ")");
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /**
     * Commits the current end of {@code topics} for the consumer group of {@code applicationId}, before its first start:
     * the app then reads only what is written from now on, not what earlier scenarios or rounds left in those topics.
     */
    public static void startAtEnd(BenchStack stack, String applicationId, List<String> topics) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (String topic : topics) {
            stack.endOffsets(topic).forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset)));
        }
        try {
            stack.admin().alterConsumerGroupOffsets(applicationId, offsets).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot set the start offsets of " + applicationId + " on " + topics, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while setting the start offsets of " + applicationId, e);
        }
    }

    /** Fails if {@code streams} died while a scenario waited for its output. */
    public static void requireAlive(KafkaStreams streams, String what) {
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR || state == KafkaStreams.State.NOT_RUNNING) {
            throw new IllegalStateException(what + " stopped (" + state + ") before it was done; see the log above");
        }
    }

    /** Leaves the group (the next round's application id is a new one anyway) and waits for the threads to stop. */
    public static void close(KafkaStreams streams) {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(Duration.ofSeconds(30)));
    }

    /** {@code eos} or {@code alos}, for application ids. */
    public static String shortName(String guarantee) {
        return StreamsConfig.EXACTLY_ONCE_V2.equals(guarantee) ? "eos" : "alos";
    }

    /** A deadline for draining {@code records}: generous, as a safety net for a stuck run, not a measurement. */
    public static Duration drainDeadline(long records) {
        return Duration.ofSeconds(600 + records / 100);
    }

    /** A drain that has not moved for this long is stuck, whatever its deadline. */
    static final Duration STALL = Duration.ofSeconds(90);

    /** Fails when a drain is past its deadline or has not moved for {@link #STALL}; call after each look at its count. */
    public static final class Watchdog {

        private final String what;
        private final long expected;
        private final long deadlineNanos;
        private long lastCount = -1;
        private long lastMoveNanos;

        public Watchdog(String what, long expected, long startNanos, Duration deadline) {
            this.what = what;
            this.expected = expected;
            this.deadlineNanos = startNanos + deadline.toNanos();
            this.lastMoveNanos = startNanos;
        }

        public void check(long count) {
            long now = System.nanoTime();
            if (count != lastCount) {
                lastCount = count;
                lastMoveNanos = now;
            }
            if (now - lastMoveNanos > STALL.toNanos()) {
                throw new IllegalStateException(what + " has not moved for " + STALL.toSeconds() + " s at " + count + " of " + expected);
            }
            if (now - deadlineNanos > 0) {
                throw new IllegalStateException(what + " had done " + count + " of " + expected + " at its deadline");
            }
        }
    }
}
