package org.careflow.bench.scenarios;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.careflow.bench.BenchSettings;
import org.careflow.bench.drain.DrainApp;
import org.careflow.bench.drain.DrainRoundConfig;
import org.careflow.bench.infra.BenchStack;
import org.careflow.bench.infra.StreamsRuns;
import org.careflow.bench.report.LatencySummary;
import org.careflow.bench.report.Progress;
import org.careflow.bench.report.Stats;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.topics.Topics;

/**
 * One latency round of streams-triage under exactly_once_v2 in a drain app's JVM: the app starts at the end of its input
 * topics, the bench writes submissions straight to triage-submissions at a steady rate, and each submission's latency is
 * the time from its {@code send} to its assessment being read with {@code read_committed}, both on the bench JVM's clock.
 * The first fifth of the sends is a lead-in, not measured: the app's first transactions and fetches are start-up.
 */
final class SteadyTriageLatency {

    /** Index of the first submission written: above the query scenario's range, below the scale-out's. */
    static final long FIRST_INDEX = 4_500_000_000L;
    /** After the last send, assessments not readable within this have timed out. */
    static final Duration SETTLE_DEADLINE = Duration.ofSeconds(30);
    /** A send this much later than its due time is counted as sent late (the bench could not hold the rate). */
    static final long LATE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** The producer waits this long to batch: part of every latency measured, as it would be for a real sender. */
    static final int LINGER_MS = 1;
    private static final Duration START_DEADLINE = Duration.ofMinutes(2);

    /**
     * What to run.
     *
     * @param label     for progress lines
     * @param overrides streams-triage settings over the user's, e.g. the commit interval
     * @param perSecond submissions written per second
     * @param length    how long they are written for, the lead-in included
     */
    record Plan(String label, Map<String, String> overrides, double perSecond, Duration length) {
        Plan {
            Objects.requireNonNull(label, "label");
            overrides = Map.copyOf(overrides);
            Objects.requireNonNull(length, "length");
        }

        long sends() {
            return SteadyRate.sends(perSecond, length.toMillis() / 1000.0);
        }

        /** Sends before this one (from 0) are the lead-in. */
        long leadIn() {
            return sends() / 5;
        }
    }

    /**
     * What one round measured.
     *
     * @param latency   of the measured submissions, send to read
     * @param measured  submissions sent after the lead-in
     * @param timedOut  of those, the ones whose assessment was not read in time
     * @param sentLate  sends more than {@link #LATE_NANOS} behind their due time
     * @param perSecond submissions sent per second, as achieved
     */
    record Result(LatencySummary latency, long measured, long timedOut, long sentLate, double perSecond) {
    }

    private SteadyTriageLatency() {
    }

    /** Runs {@code plan} in {@code jvm}; {@code nextIndex} gives each submission an index (and id) of its own. */
    static Result run(BenchContext context, BenchSettings settings, DrainAppJvm jvm, Plan plan, AtomicLong nextIndex) throws Exception {
        BenchStack stack = context.stack();
        String applicationId = context.uniqueName("bench-triage-latency-" + StreamsRuns.shortName(StreamsConfig.EXACTLY_ONCE_V2));
        Map<String, Object> props = PipelineScenario.triageProps(stack, settings, applicationId, "streams/" + applicationId,
            StreamsConfig.EXACTLY_ONCE_V2);
        props.putAll(plan.overrides());
        // Only this round's submissions are processed, not what earlier scenarios and rounds left in the topics.
        StreamsRuns.startAtEnd(stack, applicationId, List.of(Topics.TRIAGE_SUBMISSIONS.name(), Topics.TRIAGE_DISPOSITIONS.name()));
        stack.awaitNoOpenTransactions(Topics.TRIAGE_ASSESSMENTS.name(), Duration.ofMinutes(2));
        Tracker tracker = new Tracker();
        try (Serde<TriageAssessment> assessments = stack.serdes().valueSerde(Topics.TRIAGE_ASSESSMENTS);
             Serde<TriageSubmission> submissions = stack.serdes().valueSerde(Topics.TRIAGE_SUBMISSIONS);
             AssessmentReader reader = new AssessmentReader(stack, assessments, "bench-commit-latency-reader");
             KafkaProducer<String, TriageSubmission> producer = new KafkaProducer<>(producerProps(stack), new StringSerializer(),
                 submissions.serializer())) {
            reader.start(tracker::read);
            jvm.startRound(round -> new DrainRoundConfig(DrainApp.TRIAGE, round, DrainRounds.strings(props), null, null, null), START_DEADLINE);
            try (Progress.Task task = context.progress().start(plan.label(), plan.sends(), "sent")) {
                long[] sent = send(context.data(), producer, plan, tracker, nextIndex, () -> {
                    reader.requireAlive();
                    jvm.requireAlive();
                }, task);
                settle(tracker, reader, jvm);
                Result result = new Result(tracker.summary(), tracker.measured.get(), tracker.measured.get() - tracker.matched.get(),
                    sent[0], Stats.perSecond(plan.sends(), sent[1]));
                task.finish(String.format(Locale.ROOT, "%,.0f submissions/s; %,d of %,d measured readable, p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                    result.perSecond(), result.latency().count(), result.measured(), result.latency().p50(), result.latency().p99(),
                    result.latency().max()));
                return result;
            } finally {
                jvm.stopRound();
            }
        } finally {
            stack.deleteDirectory("streams/" + applicationId);
            stack.deleteTopicsStartingWith(applicationId + "-");
        }
    }

    /** Sends the plan's submissions at their due times; returns the sends that were late and the nanoseconds all took. */
    private static long[] send(SyntheticData data, KafkaProducer<String, TriageSubmission> producer, Plan plan, Tracker tracker,
                               AtomicLong nextIndex, Runnable check, Progress.Task task) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        long sends = plan.sends();
        long late = 0;
        long start = System.nanoTime();
        for (long n = 0; n < sends; n++) {
            long due = SteadyRate.dueNanos(start, n, plan.perSecond());
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else if (-wait > LATE_NANOS) {
                late++;
            }
            TriageSubmission submission = data.submission(nextIndex.getAndIncrement());
            long now = System.nanoTime();
            tracker.sent(submission.getSubmissionId(), now, n >= plan.leadIn());
            producer.send(new ProducerRecord<>(Topics.TRIAGE_SUBMISSIONS.name(), null, submission.getSubmittedAt().toEpochMilli(),
                submission.getPatientId(), submission), (metadata, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    }
                });
            if (n % 1_000 == 0) {
                task.set(n);
                check.run();
                if (failure.get() != null) {
                    throw new IllegalStateException("Could not write to " + Topics.TRIAGE_SUBMISSIONS.name(), failure.get());
                }
            }
        }
        long took = System.nanoTime() - start;
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("Could not write to " + Topics.TRIAGE_SUBMISSIONS.name(), failure.get());
        }
        task.set(sends);
        return new long[] {late, Math.max(1, took)};
    }

    /** Waits until every measured submission's assessment was read, or the deadline passed. */
    private static void settle(Tracker tracker, AssessmentReader reader, DrainAppJvm jvm) {
        long deadline = System.nanoTime() + SETTLE_DEADLINE.toNanos();
        while (tracker.matched.get() < tracker.measured.get() && System.nanoTime() - deadline < 0) {
            reader.requireAlive();
            jvm.requireAlive();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private static Map<String, Object> producerProps(BenchStack stack) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-commit-latency-writer");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        return props;
    }

    /** Send times of the measured submissions until their assessments are read; the histogram is guarded by itself. */
    private static final class Tracker {

        private final Map<String, Long> sentNanos = new ConcurrentHashMap<>();
        private final Histogram latency = Stats.latencyHistogram();
        final AtomicLong measured = new AtomicLong();
        final AtomicLong matched = new AtomicLong();

        /** Before the send (on the sending thread), so that a read never comes first. */
        void sent(String submissionId, long nanos, boolean measure) {
            if (measure) {
                sentNanos.put(submissionId, nanos);
                measured.incrementAndGet();
            }
        }

        /** On the reader's thread; assessments of the lead-in and of other writers are not followed. */
        void read(String submissionId, long readNanos) {
            Long sent = sentNanos.remove(submissionId);
            if (sent != null) {
                synchronized (latency) {
                    Stats.recordLatency(latency, readNanos - sent);
                }
                matched.incrementAndGet();
            }
        }

        LatencySummary summary() {
            synchronized (latency) {
                return LatencySummary.of(latency);
            }
        }
    }
}
