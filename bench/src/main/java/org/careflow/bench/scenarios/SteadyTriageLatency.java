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
 * A lead-in, not measured, comes first: a fifth of the round's length, continued until the app has caught up with that
 * fifth (every one of its assessments read), since a new app's first fetches and transactions are start-up, not steady state.
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
    /** The lead-in may last twice the round's length, and this at least, before it ends without the app caught up. */
    static final Duration MIN_MAX_LEAD_IN = Duration.ofSeconds(5);
    private static final Duration START_DEADLINE = Duration.ofMinutes(2);

    /**
     * What to run.
     *
     * @param label     for progress lines
     * @param overrides streams-triage settings over the user's, e.g. the commit interval
     * @param perSecond submissions written per second
     * @param length    how long they are written for, a fifth of it the shortest lead-in
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

        /** The shortest lead-in, in sends. */
        long leadIn() {
            return sends() / 5;
        }

        /** The lead-in ends here even if the app has not caught up with it (the round then says so): it bounds a round's time. */
        Duration maxLeadIn() {
            Duration twice = length.multipliedBy(2);
            return twice.compareTo(MIN_MAX_LEAD_IN) > 0 ? twice : MIN_MAX_LEAD_IN;
        }

        /** Sends measured after the lead-in. */
        long measured() {
            return sends() - leadIn();
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
     * @param leadIn    sends of the lead-in
     * @param caughtUp  whether the app had read every submission of the lead-in's first fifth when measuring began
     */
    record Result(LatencySummary latency, long measured, long timedOut, long sentLate, double perSecond, long leadIn, boolean caughtUp) {
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
            try (Progress.Task task = context.progress().start(plan.label(), plan.measured(), "measured sends")) {
                Sent sent = send(context.data(), producer, plan, tracker, nextIndex, () -> {
                    reader.requireAlive();
                    jvm.requireAlive();
                }, task);
                settle(tracker, reader, jvm);
                Result result = new Result(tracker.summary(), tracker.measured.get(), tracker.measured.get() - tracker.matched.get(),
                    sent.late(), Stats.perSecond(sent.count(), sent.nanos()), sent.leadIn(), sent.caughtUp());
                task.finish(String.format(Locale.ROOT, "%,.0f submissions/s; lead-in %,d%s; %,d of %,d measured readable, p50 %.1f ms, "
                        + "p99 %.1f ms, max %.1f ms", result.perSecond(), result.leadIn(), result.caughtUp() ? "" : " (not caught up)",
                    result.latency().count(), result.measured(), result.latency().p50(), result.latency().p99(), result.latency().max()));
                return result;
            } finally {
                jvm.stopRound();
            }
        } finally {
            stack.deleteDirectory("streams/" + applicationId);
            stack.deleteTopicsStartingWith(applicationId + "-");
        }
    }

    /** What the sender did: sends in all, late ones, the nanoseconds they took, the lead-in's sends and whether the app caught up. */
    private record Sent(long count, long late, long nanos, long leadIn, boolean caughtUp) {
    }

    /**
     * Sends submissions at their due times: the lead-in until it is long enough and the app has caught up with it (or
     * {@link Plan#maxLeadIn}), then the plan's measured sends.
     */
    private static Sent send(SyntheticData data, KafkaProducer<String, TriageSubmission> producer, Plan plan, Tracker tracker,
                             AtomicLong nextIndex, Runnable check, Progress.Task task) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        long late = 0;
        long start = System.nanoTime();
        long maxLeadIn = SteadyRate.sends(plan.perSecond(), plan.maxLeadIn().toMillis() / 1000.0);
        long leadIn = -1;
        long end = Long.MAX_VALUE;
        long n = 0;
        for (; n < end; n++) {
            if (leadIn < 0 && n >= plan.leadIn() && (tracker.caughtUp() || n >= maxLeadIn)) {
                leadIn = n;
                end = n + plan.measured();
            }
            long due = SteadyRate.dueNanos(start, n, plan.perSecond());
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else if (-wait > LATE_NANOS) {
                late++;
            }
            TriageSubmission submission = data.submission(nextIndex.getAndIncrement());
            tracker.sent(submission.getSubmissionId(), System.nanoTime(), leadIn >= 0, n < plan.leadIn());
            producer.send(new ProducerRecord<>(Topics.TRIAGE_SUBMISSIONS.name(), null, submission.getSubmittedAt().toEpochMilli(),
                submission.getPatientId(), submission), (metadata, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    }
                });
            if (n % 1_000 == 0) {
                task.set(leadIn < 0 ? 0 : n - leadIn);
                check.run();
                if (failure.get() != null) {
                    throw new IllegalStateException("Could not write to " + Topics.TRIAGE_SUBMISSIONS.name(), failure.get());
                }
            }
        }
        long took = Math.max(1, System.nanoTime() - start);
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("Could not write to " + Topics.TRIAGE_SUBMISSIONS.name(), failure.get());
        }
        task.set(plan.measured());
        return new Sent(n, late, took, leadIn, leadIn < maxLeadIn);
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

    /**
     * Send times of the submissions until their assessments are read; the lead-in's are marked instead, and only its
     * first part's count, towards catching up. The histogram is guarded by itself.
     */
    private static final class Tracker {

        private static final long FIRST_LEAD_IN = Long.MIN_VALUE;
        private static final long LEAD_IN = Long.MIN_VALUE + 1;

        private final Map<String, Long> sentNanos = new ConcurrentHashMap<>();
        private final Histogram latency = Stats.latencyHistogram();
        private final AtomicLong leadInOpen = new AtomicLong();
        final AtomicLong measured = new AtomicLong();
        final AtomicLong matched = new AtomicLong();

        /** Before the send (on the sending thread), so that a read never comes first. */
        void sent(String submissionId, long nanos, boolean measure, boolean firstLeadIn) {
            if (measure) {
                sentNanos.put(submissionId, nanos);
                measured.incrementAndGet();
            } else if (firstLeadIn) {
                sentNanos.put(submissionId, FIRST_LEAD_IN);
                leadInOpen.incrementAndGet();
            } else {
                sentNanos.put(submissionId, LEAD_IN);
            }
        }

        /** On the reader's thread; assessments of other writers are not followed. */
        void read(String submissionId, long readNanos) {
            Long sent = sentNanos.remove(submissionId);
            if (sent == null) {
                return;
            }
            if (sent == FIRST_LEAD_IN) {
                leadInOpen.decrementAndGet();
                return;
            }
            if (sent == LEAD_IN) {
                return;
            }
            synchronized (latency) {
                Stats.recordLatency(latency, readNanos - sent);
            }
            matched.incrementAndGet();
        }

        /** Whether every submission of the lead-in's first part sent so far was read. */
        boolean caughtUp() {
            return leadInOpen.get() == 0;
        }

        LatencySummary summary() {
            synchronized (latency) {
                return LatencySummary.of(latency);
            }
        }
    }
}
