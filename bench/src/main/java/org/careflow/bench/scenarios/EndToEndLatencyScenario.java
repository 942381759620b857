package org.careflow.bench.scenarios;

import org.careflow.bench.BenchSettings;
import org.careflow.bench.infra.BenchApps;
import org.careflow.bench.infra.BenchStack;
import org.careflow.bench.infra.CommitCosts;
import org.careflow.bench.infra.StreamsRuns;
import org.careflow.bench.report.Metric;
import org.careflow.bench.report.Progress;
import org.careflow.bench.report.ScenarioResult;
import org.careflow.bench.report.Stats;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsConfig;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.ingest.IngestConfig;
import org.careflow.topics.Topics;
import org.careflow.triage.query.TriageQueryRoutes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * End-to-end latency through careflow: the ingest API and streams-triage (exactly_once_v2), each in a JVM of its own
 * ({@link LatencyApps}), warmed up by closed-loop clients until their code is compiled, the maximum rate of both together
 * probed, then events posted on an open-loop schedule at a fixed fraction of it; for each event the time from its 202 to
 * (a) its assessment being readable on {@code triage-assessments} ({@code read_committed}) and (b), for a sample of
 * events, streams-triage's query endpoint answering with it. What streams-triage's commits cost in the measured rounds
 * ({@link CommitCosts}) goes in the details: a result waits for the commit that follows it.
 */
public final class EndToEndLatencyScenario implements Scenario {

    public static final String NAME = "latency";
    /** Index of the first synthetic event posted: above the batch ingest's range, so that no submission id repeats. */
    static final long FIRST_INDEX = 3_000_000_000L;
    static final String GUARANTEE = StreamsConfig.EXACTLY_ONCE_V2;
    static final double[] PERCENTILES = {50, 99, 99.9};
    static final String TOPIC = "topic";
    static final String QUERY = "query";
    static final String RATE_METRIC = "accepted events/s";

    /** One paced client per this many events/s of the target rate (so each has 20 ms or more between sends)... */
    static final double EVENTS_PER_SECOND_PER_CLIENT = 50;
    /** ...but at least this many... */
    static final int MIN_CLIENTS = 8;
    /** ...and at most this many. */
    static final int MAX_CLIENTS = 64;
    /** Closed-loop clients of the probe that measures the maximum rate when earlier results do not give it. */
    static final int PROBE_CLIENTS = 8;
    static final Duration MIN_PROBE = Duration.ofSeconds(2);
    /** The closed-loop warm-up before the probe is this many times the settings' warm-up... */
    static final int JIT_WARMUP_FACTOR = 4;
    /** ...and at least this long. */
    static final Duration MIN_JIT_WARMUP = Duration.ofSeconds(6);
    /** At most this many events a second are followed through the query endpoint: one every N, N rising with the rate. */
    static final double MAX_QUERY_SAMPLES_PER_SECOND = 10;
    /** Threads polling the query endpoint, one per sampled event in flight. */
    static final int QUERY_THREADS = 8;
    /** Pause between two polls of one sampled event. */
    static final long QUERY_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** A sampled event whose query has not named it by then, counted from its 202, has timed out. */
    static final Duration QUERY_DEADLINE = Duration.ofSeconds(30);
    /** Assessments the history query asks for: streams-triage keeps 20 per patient. */
    static final int HISTORY_LIMIT = 20;
    /** A sample whose polling starts later than this after its 202 (all query threads busy) is counted as started late. */
    static final long QUERY_START_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** After a phase's last send, its assessments not readable within this have timed out. */
    static final Duration TOPIC_DEADLINE = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(EndToEndLatencyScenario.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static String latencyMetric(String what, double percentile) {
        return what + " " + IngestScenario.percentileName(percentile);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "end-to-end latency at " + Math.round(SteadyRate.fraction() * 100) + "% of the maximum rate: from the ingest API's 202 to "
            + "the assessment readable on triage-assessments (read_committed) and answered by streams-triage's query endpoint";
    }

    /**
     * The rate to send at and where its maximum came from.
     *
     * @param maxRate  the maximum rate, events/s
     * @param fraction the share of it sent
     * @param rate     events/s sent: {@code maxRate * fraction}
     * @param source   how the maximum was found
     */
    record RateChoice(double maxRate, double fraction, double rate, String source) {
    }

    /** Measures the maximum rate when earlier results do not give it. */
    @FunctionalInterface
    interface Probe {
        double maxRate() throws Exception;
    }

    /**
     * The smallest of the pipeline's exactly_once_v2 records/s and the ingest API's best requests/s (when this run
     * measured them) and what {@code probe} measures: the ingest API and streams-triage running together, as this
     * scenario runs them. Each alone goes faster than both sharing the machine's cores, and a rate above what both
     * sustain together would measure a growing backlog instead of latency.
     */
    static RateChoice chooseRate(OptionalDouble pipeline, OptionalDouble ingest, double fraction, Probe probe) throws Exception {
        StringBuilder source = new StringBuilder();
        double max = Double.POSITIVE_INFINITY;
        if (pipeline.isPresent()) {
            max = Math.min(max, pipeline.getAsDouble());
            source.append(String.format(Locale.ROOT, "pipeline %s %.0f records/s", GUARANTEE, pipeline.getAsDouble()));
        }
        if (ingest.isPresent()) {
            max = Math.min(max, ingest.getAsDouble());
            source.append(source.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "ingest best %.0f requests/s", ingest.getAsDouble()));
        }
        double probed = probe.maxRate();
        max = Math.min(max, probed);
        source.append(source.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "probe of both together %.0f events/s", probed));
        if (!(max > 0) || Double.isInfinite(max)) {
            throw new IllegalStateException("No maximum rate to run the latency scenario at (" + source + ")");
        }
        String how = "measured: " + source + "; the smallest";
        return new RateChoice(max, fraction, max * fraction, how);
    }

    /** The index at the end of a synthetic submission id ({@code bench-<seed>-<index>}), or -1. */
    static long indexOf(String submissionId) {
        int dash = submissionId == null ? -1 : submissionId.lastIndexOf('-');
        if (dash < 0) {
            return -1;
        }
        try {
            return Long.parseLong(submissionId.substring(dash + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Every Nth accepted event is followed through the query endpoint, so that at most {@link #MAX_QUERY_SAMPLES_PER_SECOND} are. */
    static int sampleEvery(double rate) {
        return (int) Math.max(1, Math.ceil(rate / MAX_QUERY_SAMPLES_PER_SECOND));
    }

    static int clients(double rate) {
        return (int) Math.max(MIN_CLIENTS, Math.min(MAX_CLIENTS, Math.ceil(rate / EVENTS_PER_SECOND_PER_CLIENT)));
    }

    @Override
    public ScenarioResult run(BenchContext context, BenchSettings settings) throws Exception {
        long begin = System.nanoTime();
        double fraction = SteadyRate.fraction();
        BenchStack stack = context.stack();
        SyntheticData data = context.data();
        String applicationId = context.uniqueName("bench-latency-" + StreamsRuns.shortName(GUARANTEE));
        AtomicLong nextIndex = new AtomicLong(FIRST_INDEX);
        Map<String, Object> details = new LinkedHashMap<>();
        List<Metric> metrics = new ArrayList<>();
        ExecutorService queryThreads = Executors.newFixedThreadPool(QUERY_THREADS, daemon("bench-latency-query"));
        HttpClient queryClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        stack.registerFacilities(context.data().facilityIds());
        IngestConfig ingestConfig = stack.ingestConfig();
        try (Serde<TriageAssessment> serde = stack.serdes().valueSerde(Topics.TRIAGE_ASSESSMENTS)) {
            // Only what this scenario posts is processed: the app starts at the end of triage-submissions, not its beginning.
            StreamsRuns.startAtEnd(stack, applicationId, List.of(Topics.TRIAGE_SUBMISSIONS.name()));
            Duration waited = stack.awaitNoOpenTransactions(Topics.TRIAGE_ASSESSMENTS.name(), Duration.ofMinutes(2));
            if (waited.toMillis() > 1_000) {
                LOG.warn("Waited {} ms for an open transaction on {} to end", waited.toMillis(), Topics.TRIAGE_ASSESSMENTS.name());
            }
            try (AssessmentReader reader = new AssessmentReader(stack, serde, "bench-latency-reader");
                 LatencyApps apps = startApps(context, settings, ingestConfig, triageProps(stack, applicationId))) {
                Tracker tracker = new Tracker(context, data, apps, reader, queryThreads, queryClient);
                reader.start(tracker::read);
                URI postUri = IngestRequests.singleUri(apps.ingestPort());
                tracker.warm(postUri, nextIndex, jitWarmup(settings));

                RateChoice choice = chooseRate(pipelineRate(context), ingestRate(context), fraction,
                    () -> tracker.probe(postUri, nextIndex, probeLength(settings)));
                int clients = clients(choice.rate());
                tracker.sampleEvery = sampleEvery(choice.rate());
                context.progress().say("  latency: sending {} events/s ({}% of {} events/s; {}), one event in {} followed through "
                        + "the query endpoint",
                    String.format(Locale.ROOT, "%.0f", choice.rate()), Math.round(fraction * 100),
                    String.format(Locale.ROOT, "%.0f", choice.maxRate()), choice.source(), tracker.sampleEvery);

                Counts measured = new Counts();
                Map<String, List<Double>> rounds = new LinkedHashMap<>();
                try (HttpLoad load = new HttpLoad(context.progress(), "bench-latency-client", clients, choice.rate(), "events/s",
                    IngestRequests.single(postUri, data, nextIndex, tracker::accepted))) {
                    if (settings.warmupRounds() > 0) {
                        tracker.phase(load, "latency warm-up", settings.warmupDuration(), false);
                    }
                    String metricsBefore = apps.triageMetrics();
                    CommitCosts beforeRounds = CommitCosts.of(metricsBefore);
                    for (int r = 0; r < settings.rounds(); r++) {
                        Phase phase = tracker.phase(load, String.format(Locale.ROOT, "latency round %d/%d", r + 1, settings.rounds()),
                            settings.roundDuration(), true);
                        measured.add(phase);
                        for (double p : PERCENTILES) {
                            rounds.computeIfAbsent(latencyMetric(TOPIC, p), k -> new ArrayList<>()).add(Stats.percentileMillis(phase.topic, p));
                        }
                        for (double p : PERCENTILES) {
                            rounds.computeIfAbsent(latencyMetric(QUERY, p), k -> new ArrayList<>()).add(Stats.percentileMillis(phase.query, p));
                        }
                        rounds.computeIfAbsent(RATE_METRIC, k -> new ArrayList<>()).add(phase.result.perSecond());
                    }
                    // Without Kafka Streams' own metrics in GET /metrics, every figure would read 0: say so instead.
                    Map<String, Object> commits = CommitCosts.present(metricsBefore)
                        ? CommitCosts.of(apps.triageMetrics()).since(beforeRounds)
                        : Map.of("unavailable", "streams-triage's GET /metrics has no Kafka Streams commit metrics");
                    details.put("commitCosts", commits);
                    context.progress().say("  latency: streams-triage's commits in the measured rounds: {}", commits);
                }
                rounds.forEach((name, values) -> metrics.add(Metric.of(name, name.equals(RATE_METRIC) ? "events/s" : "ms", values)));

                Map<String, Object> rate = new LinkedHashMap<>();
                rate.put("maxRate", choice.maxRate());
                rate.put("fraction", choice.fraction());
                rate.put("targetRate", choice.rate());
                rate.put("source", choice.source());
                details.put("rate", rate);
                details.put("guarantee", GUARANTEE + " (streams-triage's default); Kafka Streams' default commit interval under it, 100 ms");
                details.put("schedule", "open loop: send times fixed in advance, evenly spaced at the target rate over " + clients
                    + " clients (one HTTP/1.1 connection each); a client whose answer comes late sends its next event at once");
                details.put("clients", clients);
                details.put("plannedSends", Math.round(choice.rate() * settings.roundDuration().toMillis() / 1000.0 * settings.rounds()));
                details.put("measuredFrom", "each event's 202 as the client received it");
                details.put(TOPIC, AssessmentReader.describe());
                details.put(QUERY, "GET " + TriageQueryRoutes.PATIENT_TRIAGE_PATH + " (the patient's latest assessment) for one "
                    + "accepted event in " + tracker.sampleEvery + " (the first of each round among them), polled with "
                    + TimeUnit.NANOSECONDS.toMillis(QUERY_PAUSE_NANOS) + " ms pauses until it names the submission, at most "
                    + QUERY_DEADLINE.toSeconds() + " s; "
                    + TriageQueryRoutes.PATIENT_HISTORY_PATH + " instead once a newer submission of the same patient was assessed first");
                details.put("querySampleEvery", tracker.sampleEvery);
                details.putAll(measured.describe());
                details.put("errors", tracker.errors.get());
                details.put("unmeasured", tracker.unmeasured.describe());
                details.put("firstIndex", FIRST_INDEX);
                details.put("lastIndex", nextIndex.get() - 1);
                if (measured.errors > 0 || measured.topicTimedOut > 0 || measured.queryTimedOut > 0) {
                    LOG.warn("Latency: {} events not accepted, {} assessments not readable and {} queries not answered in time",
                        measured.errors, measured.topicTimedOut, measured.queryTimedOut);
                }
            }
        } finally {
            queryThreads.shutdownNow();
            queryClient.close();
            stack.deleteDirectory("streams/" + applicationId);
            stack.deleteTopicsStartingWith(applicationId + "-");
        }
        return new ScenarioResult(NAME, description(), metrics, details, (System.nanoTime() - begin) / 1e9);
    }

    private static OptionalDouble pipelineRate(BenchContext context) {
        return context.result(PipelineScenario.NAME).flatMap(r -> r.metric(PipelineScenario.metric(GUARANTEE)))
            .map(m -> OptionalDouble.of(m.median())).orElse(OptionalDouble.empty());
    }

    private static OptionalDouble ingestRate(BenchContext context) {
        return context.result(IngestScenario.NAME).map(IngestScenario::bestThroughput).orElse(OptionalDouble.empty());
    }

    private static Duration probeLength(BenchSettings settings) {
        return settings.warmupDuration().compareTo(MIN_PROBE) > 0 ? settings.warmupDuration() : MIN_PROBE;
    }

    /** How long closed-loop clients post before the probe, so that both apps' code is compiled when the maximum is measured. */
    static Duration jitWarmup(BenchSettings settings) {
        if ("smoke".equals(settings.mode())) {
            // The smoke test's figures mean nothing: it only runs the steps.
            return settings.warmupDuration();
        }
        Duration longer = settings.warmupDuration().multipliedBy(JIT_WARMUP_FACTOR);
        return longer.compareTo(MIN_JIT_WARMUP) > 0 ? longer : MIN_JIT_WARMUP;
    }

    private static Map<String, Object> triageProps(BenchStack stack, String applicationId) {
        // streams-triage's defaults, not the user's --triage-setting values: the latency reported is the default app's.
        return BenchApps.streamsApp(stack, ChildServers.HOST, applicationId, stack.newDirectory("streams/" + applicationId))
            .guarantee(GUARANTEE)
            .appConfig();
    }

    private static LatencyApps startApps(BenchContext context, BenchSettings settings, IngestConfig ingestConfig,
                                         Map<String, Object> triageSettings) throws Exception {
        try (Progress.Task starting = context.progress().timed("latency: starting the ingest API and streams-triage (" + GUARANTEE
            + "), each in a JVM of its own", Duration.ofSeconds(10))) {
            LatencyApps apps = LatencyApps.start(context, settings, NAME, ingestConfig.originals(), triageSettings);
            starting.finish("ready, streams-triage's queries on port " + apps.triagePort());
            return apps;
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread thread = new Thread(r, name + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** The events of one phase (probe, warm-up, measured round) and what became of them. Guarded by the tracker. */
    private static final class Phase {

        final boolean sampled;
        final Histogram topic = Stats.latencyHistogram();
        final Histogram query = Stats.latencyHistogram();
        HttpLoad.RoundResult result;
        long accepted;
        long topicMatched;
        long firstReadNanos = Long.MAX_VALUE;
        /** Assessments read in the first poll that returned any: a rate is counted from that poll on, without them. */
        long firstReadCount;
        long lastReadNanos;
        long querySampled;
        long queryMatched;
        long queryTimedOut;
        long queryViaHistory;
        long queryStartedLate;
        long queriesOpen;
        long topicTimedOut;

        Phase(boolean sampled) {
            this.sampled = sampled;
        }

        /** An assessment of this phase was read at {@code readNanos}, {@code latencyNanos} after its 202. */
        void read(long readNanos, long latencyNanos) {
            Stats.recordLatency(topic, latencyNanos);
            topicMatched++;
            if (readNanos < firstReadNanos) {
                firstReadNanos = readNanos;
                firstReadCount = 0;
            }
            if (readNanos == firstReadNanos) {
                firstReadCount++;
            }
            lastReadNanos = Math.max(lastReadNanos, readNanos);
        }
    }

    /** Counts added up over phases, for the report. */
    private static final class Counts {

        long sent;
        long accepted;
        long errors;
        final Map<Integer, Long> notAcceptedByStatus = new TreeMap<>();
        long topicMatched;
        long topicTimedOut;
        long querySampled;
        long queryMatched;
        long queryTimedOut;
        long queryViaHistory;
        long queryStartedLate;

        void add(Phase phase) {
            sent += phase.result.requests();
            accepted += phase.accepted;
            errors += phase.result.errors();
            phase.result.statuses().forEach((status, n) -> notAcceptedByStatus.merge(status, n, Long::sum));
            topicMatched += phase.topicMatched;
            topicTimedOut += phase.topicTimedOut;
            querySampled += phase.querySampled;
            queryMatched += phase.queryMatched;
            queryTimedOut += phase.queryTimedOut;
            queryViaHistory += phase.queryViaHistory;
            queryStartedLate += phase.queryStartedLate;
        }

        Map<String, Object> describe() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("sent", sent);
            out.put("accepted", accepted);
            out.put("notAccepted", errors);
            out.put("notAcceptedByStatus", notAcceptedByStatus);
            out.put("topicMatched", topicMatched);
            out.put("topicTimedOut", topicTimedOut);
            out.put("querySampled", querySampled);
            out.put("queryMatched", queryMatched);
            out.put("queryTimedOut", queryTimedOut);
            out.put("queryViaHistory", queryViaHistory);
            out.put("queryStartedLate", queryStartedLate);
            return out;
        }
    }

    /**
     * Follows every accepted event: when its 202 came, when its assessment was read, and for sampled events when the query
     * endpoint named it. Its lock guards the phases' figures and the maps.
     */
    private static final class Tracker {

        private final BenchContext context;
        private final SyntheticData data;
        private final LatencyApps apps;
        private final AssessmentReader reader;
        private final ExecutorService queryThreads;
        private final HttpClient queryClient;
        private final Map<String, Pending> pending = new HashMap<>();
        /** Assessments read before their event's 202 arrived: the 202 then completes the match. */
        private final Map<String, Long> readEarly = new HashMap<>();
        final AtomicLong errors = new AtomicLong();
        final Counts unmeasured = new Counts();
        volatile int sampleEvery = 1;
        private volatile Phase phase;

        private record Pending(Phase phase, long acceptedNanos) {
        }

        Tracker(BenchContext context, SyntheticData data, LatencyApps apps, AssessmentReader reader, ExecutorService queryThreads,
                HttpClient queryClient) {
            this.context = context;
            this.data = data;
            this.apps = apps;
            this.reader = reader;
            this.queryThreads = queryThreads;
            this.queryClient = queryClient;
        }

        /** An event was answered 202 (on a client thread). */
        void accepted(long index, long answeredNanos) {
            String id = data.submissionId(index);
            Phase current = phase;
            boolean sample;
            synchronized (this) {
                long n = current.accepted++;
                Long read = readEarly.remove(id);
                if (read != null) {
                    current.read(read, read - answeredNanos);
                } else {
                    pending.put(id, new Pending(current, answeredNanos));
                }
                sample = current.sampled && n % sampleEvery == 0;
                if (sample) {
                    current.querySampled++;
                    current.queriesOpen++;
                }
            }
            if (sample) {
                queryThreads.execute(() -> query(current, index, answeredNanos));
            }
        }

        /** An assessment was read (on the reader's thread). */
        void read(String submissionId, long readNanos) {
            synchronized (this) {
                Pending found = pending.remove(submissionId);
                if (found == null) {
                    readEarly.put(submissionId, readNanos);
                    return;
                }
                found.phase().read(readNanos, readNanos - found.acceptedNanos());
            }
        }

        /** Sends for {@code length} through {@code load}, then waits until every accepted event is matched or timed out. */
        Phase phase(HttpLoad load, String label, Duration length, boolean measured) throws Exception {
            Phase current = new Phase(true);
            phase = current;
            current.result = load.round(label, length);
            settle(current, label);
            if (!measured) {
                unmeasured.add(current);
            }
            errors.addAndGet(current.result.errors());
            return current;
        }

        /**
         * Closed-loop clients post for {@code length}, nothing measured: the apps' code is compiled (a cold JVM interprets
         * it, and every figure measured then is the interpreter's), their caches and connections warm.
         */
        void warm(URI postUri, AtomicLong nextIndex, Duration length) throws Exception {
            closedLoop(postUri, nextIndex, length, "bench-latency-warm", "latency: warming both apps up, c=" + PROBE_CLIENTS,
                "latency warm-up before the probe");
        }

        /** The probe's closed-loop clients post for {@code length}; the phase's events are followed, not measured. */
        private Phase closedLoop(URI postUri, AtomicLong nextIndex, Duration length, String threads, String label, String settleLabel)
            throws Exception {
            Phase current = new Phase(false);
            phase = current;
            try (HttpLoad load = new HttpLoad(context.progress(), threads, PROBE_CLIENTS, 0, "events/s",
                IngestRequests.single(postUri, data, nextIndex, this::accepted))) {
                current.result = load.round(label, length);
            }
            settle(current, settleLabel);
            unmeasured.add(current);
            errors.addAndGet(current.result.errors());
            return current;
        }

        /**
         * The maximum rate measured here: closed-loop clients post for {@code length}. The smaller of the API's accepted
         * events/s and the pipeline's, which is the assessments read per second from the first read to the last: while
         * streams-triage starts up (its first transactions) a backlog builds, so this is its rate draining it.
         */
        double probe(URI postUri, AtomicLong nextIndex, Duration length) throws Exception {
            Phase current = closedLoop(postUri, nextIndex, length, "bench-latency-probe",
                "latency: probing the maximum rate, c=" + PROBE_CLIENTS, "latency probe");
            double api = current.result.perSecond();
            synchronized (this) {
                if (current.topicMatched == 0) {
                    throw new IllegalStateException("No assessment of the probe's " + current.accepted + " events became readable");
                }
                if (current.lastReadNanos <= current.firstReadNanos) {
                    // Everything became readable at once: the pipeline kept up with the API.
                    return api;
                }
                double pipeline = Stats.perSecond(current.topicMatched - current.firstReadCount,
                    current.lastReadNanos - current.firstReadNanos);
                LOG.info("Latency probe: the ingest API accepted {} events/s, streams-triage made {} assessments/s readable",
                    Math.round(api), Math.round(pipeline));
                return Math.min(api, pipeline);
            }
        }

        /** Waits until the phase's events are all readable and its queries answered, or their deadlines passed. */
        private void settle(Phase current, String label) {
            long deadline = System.nanoTime() + Math.max(TOPIC_DEADLINE.toNanos(), QUERY_DEADLINE.toNanos());
            long topicDeadline = System.nanoTime() + TOPIC_DEADLINE.toNanos();
            long accepted;
            synchronized (this) {
                accepted = current.accepted;
            }
            try (Progress.Task task = context.progress().start(label + ": assessments", accepted, "readable")) {
                while (true) {
                    long matched;
                    long open;
                    synchronized (this) {
                        matched = current.topicMatched;
                        open = current.queriesOpen;
                    }
                    task.set(matched);
                    long now = System.nanoTime();
                    if ((matched >= accepted || now - topicDeadline > 0) && (open == 0 || now - deadline > 0)) {
                        break;
                    }
                    reader.requireAlive();
                    apps.requireAlive();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
                synchronized (this) {
                    for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
                        if (it.next().phase() == current) {
                            it.remove();
                        }
                    }
                    current.topicTimedOut = current.accepted - current.topicMatched;
                    task.finish(String.format(Locale.ROOT, "%,d of %,d readable, topic p50 %.1f ms, p99 %.1f ms; %d of %d queries "
                            + "answered, p50 %.1f ms, p99 %.1f ms", current.topicMatched, current.accepted,
                        Stats.percentileMillis(current.topic, 50), Stats.percentileMillis(current.topic, 99), current.queryMatched,
                        current.querySampled, Stats.percentileMillis(current.query, 50), Stats.percentileMillis(current.query, 99)));
                }
            }
        }

        /** Polls the query endpoint for one sampled event until it names it, or the deadline (on a query thread). */
        private void query(Phase current, long index, long acceptedNanos) {
            long startedLate = System.nanoTime() - acceptedNanos;
            String submissionId = data.submissionId(index);
            String patientId = data.key(index);
            URI latest = queryUri(TriageQueryRoutes.PATIENT_TRIAGE_PATH, patientId);
            URI history = queryUri(TriageQueryRoutes.PATIENT_HISTORY_PATH, patientId);
            long deadline = acceptedNanos + QUERY_DEADLINE.toNanos();
            boolean viaHistory = false;
            long answered = -1;
            try {
                while (answered < 0) {
                    HttpRequest request = HttpRequest.newBuilder(viaHistory ? history : latest).timeout(HttpLoad.REQUEST_TIMEOUT).GET().build();
                    boolean pause = true;
                    try {
                        HttpResponse<String> response = queryClient.send(request, HttpResponse.BodyHandlers.ofString());
                        long now = System.nanoTime();
                        if (response.statusCode() == 200) {
                            JsonNode body = JSON.readTree(response.body());
                            if (viaHistory) {
                                for (JsonNode assessment : body.path("assessments")) {
                                    if (submissionId.equals(assessment.path("submissionId").asText())) {
                                        answered = now;
                                    }
                                }
                            } else {
                                String shown = body.path("submissionId").asText();
                                if (submissionId.equals(shown)) {
                                    answered = now;
                                } else if (indexOf(shown) > index) {
                                    // A newer submission of this patient was assessed first: it is the latest, so look in the history.
                                    viaHistory = true;
                                    pause = false;
                                }
                            }
                        }
                    } catch (IOException e) {
                        // No answer this time (e.g. a reset connection): poll again until the deadline.
                        LOG.debug("Query poll failed: {}", e.toString());
                    }
                    if (answered < 0 && System.nanoTime() - deadline > 0) {
                        break;
                    }
                    if (answered < 0 && pause) {
                        LockSupport.parkNanos(QUERY_PAUSE_NANOS);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                synchronized (this) {
                    current.queriesOpen--;
                    if (answered >= 0) {
                        current.queryMatched++;
                        Stats.recordLatency(current.query, answered - acceptedNanos);
                    } else {
                        current.queryTimedOut++;
                    }
                    if (viaHistory) {
                        current.queryViaHistory++;
                    }
                    if (startedLate > QUERY_START_SLACK_NANOS) {
                        current.queryStartedLate++;
                    }
                }
            }
        }

        private URI queryUri(String path, String patientId) {
            return apps.triage(path.replace("{patientId}", patientId)
                + (path.equals(TriageQueryRoutes.PATIENT_HISTORY_PATH) ? "?limit=" + HISTORY_LIMIT : ""));
        }
    }
}
