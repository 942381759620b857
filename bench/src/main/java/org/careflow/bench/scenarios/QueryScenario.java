package org.careflow.bench.scenarios;

import org.careflow.query.StreamsHttpApp;
import org.careflow.bench.BenchSettings;
import org.careflow.bench.infra.BenchApps;
import org.careflow.bench.infra.BenchStack;
import org.careflow.bench.infra.CpuClock;
import org.careflow.bench.infra.MeasuredProcesses;
import org.careflow.bench.infra.StreamsRuns;
import org.careflow.bench.report.Metric;
import org.careflow.bench.report.Progress;
import org.careflow.bench.report.ScenarioResult;
import org.careflow.bench.report.Stats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.topics.Topics;
import org.careflow.triage.TriageApp;
import org.careflow.triage.TriageConfig;
import org.careflow.triage.query.TriageQueryRoutes;
import org.careflow.triage.topology.TriageTopology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Interactive queries against two instances of streams-triage (one application id, a state directory and HTTP port
 * each, in this JVM): point lookups of a patient's latest assessment ({@code GET /v1/patients/{id}/triage}, one
 * {@code get} on the patient-history store), sent either to the instance that owns the key (local) or to the other one,
 * which forwards it to the owner (forwarded). Queries/s and latency percentiles per level of concurrency, for each.
 * Every answer is checked: 200 and the assessment of the patient asked for.
 */
public final class QueryScenario implements Scenario {

    /** Target ratios of the issue: local queries to the bare store route, forwarded to local. */
    static final double TARGET_LOCAL_OF_FLOOR = 0.6;
    static final double TARGET_FORWARDED_OF_LOCAL = 0.7;

    private static final Logger LOG = LoggerFactory.getLogger(QueryScenario.class);

    public static final String NAME = "queries";
    static final String UNIT = "queries/s";
    /** Index of the first synthetic submission written: apart from the pipeline's (0 on) and ingest's (1e9 on). */
    static final long FIRST_INDEX = 4_000_000_000L;
    /** Submissions written before measuring, per mode: they give the patients looked up (about 8,600 of 10,000 at 20k). */
    static final int FULL_SUBMISSIONS = 20_000;
    static final int QUICK_SUBMISSIONS = 3_000;
    static final int SMOKE_SUBMISSIONS = 200;
    /** The target: p99 below these at this rate or more. */
    static final double TARGET_P99_LOCAL_MS = 5;
    static final double TARGET_P99_FORWARDED_MS = 15;
    static final double TARGET_QUERIES_PER_SECOND = 10_000;
    /** The floor's metrics: {@code bare c=16}, {@code bare p99 c=16}. */
    static final String FLOOR_LABEL = "bare";
    static final String CPU_UNIT = "µs/query";
    private static final String FLOOR_SUFFIX = "-bare";

    private static final String HOST = "127.0.0.1";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration START_DEADLINE = Duration.ofMinutes(2);
    private static final Duration ANSWER_DEADLINE = Duration.ofMinutes(2);
    private static final int WARMUP_CONCURRENCY = 8;
    /** Clients checking, before measuring, that every key is answered. */
    private static final int CHECK_CLIENTS = 4;

    /** Where a lookup goes: to the key's owner, or to the other instance, which forwards it. */
    enum Route {
        LOCAL("local"), FORWARDED("forwarded");

        private final String label;

        Route(String label) {
            this.label = label;
        }
    }

    static String throughputMetric(Route route, int concurrency) {
        return route.label + " c=" + concurrency;
    }

    static String latencyMetric(Route route, double percentile, int concurrency) {
        return route.label + " " + IngestScenario.latencyMetric(percentile, concurrency);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "interactive queries on two streams-triage instances: a patient's latest assessment, looked up on the owner (local) "
            + "and on the other instance (forwarded), queries/s and latency at rising concurrency";
    }

    @Override
    public ScenarioResult run(BenchContext context, BenchSettings settings) throws Exception {
        long begin = System.nanoTime();
        BenchStack stack = context.stack();
        String applicationId = context.uniqueName("bench-queries");
        int submissions = submissions(settings);
        List<Instance> instances = new ArrayList<>();
        BareQueryFloor floor = null;
        try {
            // Only this scenario's submissions are processed: the group starts at the topics' current end, not at
            // whatever earlier scenarios wrote.
            StreamsRuns.startAtEnd(stack, applicationId, List.of(Topics.TRIAGE_SUBMISSIONS.name(), Topics.TRIAGE_DISPOSITIONS.name()));
            try (Progress.Task task = context.progress().timed("starting two streams-triage instances", Duration.ofSeconds(10))) {
                for (String suffix : List.of("a", "b")) {
                    instances.add(Instance.start(stack, applicationId, suffix));
                }
                awaitBothActive(instances);
                task.finish("both RUNNING, on ports " + instances.get(0).port() + " and " + instances.get(1).port());
            }
            List<String> keys = prefill(context, submissions);
            Owners owners = owners(instances, keys);
            awaitAnswers(context, instances, keys);

            Answers answers = fetchAnswers(context, instances, owners);
            floor = BareQueryFloor.start(stack, HOST, applicationId + FLOOR_SUFFIX, applicationId + FLOOR_SUFFIX + "-answers",
                stack.partitions(Topics.TRIAGE_SUBMISSIONS.name()), answers.bodies(), answers.contentType());
            BareQueryFloor bareFloor = floor;
            Targets floorTargets = new Targets(owners.keys(), bareFloor::uri);
            CpuClock cpu = MeasuredProcesses.clock(stack, Map.of());

            List<Metric> metrics = new ArrayList<>();
            Map<String, Object> levels = new LinkedHashMap<>();
            boolean warm = settings.warmupRounds() > 0;
            if (warm) {
                int level = Math.min(WARMUP_CONCURRENCY, settings.concurrency().stream().mapToInt(Integer::intValue).max().orElse(1));
                try (HttpLoad load = load(context, floorTargets, level, settings.seed())) {
                    load.round("queries warm-up bare c=" + level, settings.warmupDuration().dividedBy(2));
                }
                for (Route route : Route.values()) {
                    try (HttpLoad load = load(context, new Targets(instances, owners, route), level, settings.seed())) {
                        load.round("queries warm-up " + route.label + " c=" + level, settings.warmupDuration().dividedBy(2));
                    }
                }
            }
            for (int concurrency : settings.concurrency()) {
                LevelRounds bare = new LevelRounds(FLOOR_LABEL + " c=" + concurrency, UNIT, IngestScenario.PERCENTILES,
                    p -> FLOOR_LABEL + " " + IngestScenario.latencyMetric(p, concurrency), CPU_UNIT);
                Map<Route, LevelRounds> measured = new LinkedHashMap<>();
                Map<Route, HttpLoad> loads = new LinkedHashMap<>();
                HttpLoad floorLoad = null;
                try {
                    floorLoad = load(context, floorTargets, concurrency, settings.seed() + concurrency).measuringCpu(cpu);
                    if (warm) {
                        floorLoad.round("queries bare c=" + concurrency + " warm-up", settings.warmupDuration().dividedBy(5));
                    }
                    for (Route route : Route.values()) {
                        measured.put(route, new LevelRounds(throughputMetric(route, concurrency), UNIT, IngestScenario.PERCENTILES,
                            p -> latencyMetric(route, p, concurrency), CPU_UNIT));
                        loads.put(route, load(context, new Targets(instances, owners, route), concurrency, settings.seed() + concurrency)
                            .measuringCpu(cpu));
                        if (warm) {
                            loads.get(route).round("queries " + route.label + " c=" + concurrency + " warm-up",
                                settings.warmupDuration().dividedBy(5));
                        }
                    }
                    // The floor's, local and forwarded rounds alternate, so that a drifting machine affects all alike.
                    for (int r = 0; r < settings.rounds(); r++) {
                        bare.add(floorLoad.round(String.format(Locale.ROOT, "queries bare c=%d round %d/%d", concurrency, r + 1,
                            settings.rounds()), settings.roundDuration()));
                        for (Route route : Route.values()) {
                            HttpLoad.RoundResult result = loads.get(route).round(String.format(Locale.ROOT, "queries %s c=%d round %d/%d",
                                route.label, concurrency, r + 1, settings.rounds()), settings.roundDuration());
                            measured.get(route).add(result);
                        }
                    }
                } finally {
                    if (floorLoad != null) {
                        floorLoad.close();
                    }
                    loads.values().forEach(HttpLoad::close);
                }
                Map<String, Object> level = new LinkedHashMap<>();
                metrics.add(bare.throughput());
                metrics.addAll(bare.latencies());
                metrics.addAll(bare.cpu(NAME, null));
                level.put(FLOOR_LABEL, describe(bare, Double.NaN));
                measured.forEach((route, figures) -> {
                    // local against the floor, forwarded against local.
                    LevelRounds reference = route == Route.LOCAL ? bare : measured.get(Route.LOCAL);
                    // The targets: local at 60% or more of the bare store route, forwarded at 70% or more of local.
                    metrics.add(figures.throughput().comparedWith(NAME, reference.throughputName(),
                        route == Route.LOCAL ? TARGET_LOCAL_OF_FLOOR : TARGET_FORWARDED_OF_LOCAL));
                    metrics.addAll(figures.latencies());
                    metrics.addAll(figures.cpu(NAME, reference));
                    level.put(route.label, describe(figures, route == Route.LOCAL ? TARGET_P99_LOCAL_MS : TARGET_P99_FORWARDED_MS));
                });
                for (Map.Entry<String, Object> entry : level.entrySet()) {
                    Map<?, ?> figures = (Map<?, ?>) entry.getValue();
                    if ((Long) figures.get("errors") > 0) {
                        LOG.warn("{} {} queries at concurrency {} were not answered right: statuses {}", figures.get("errors"),
                            entry.getKey(), concurrency, figures.get("errorsByStatus"));
                    }
                }
                levels.put("c=" + concurrency, level);
            }
            int moved = owners.changedSince(instances);
            if (moved > 0) {
                LOG.warn("{} of {} keys changed owner while queries were measured (a rebalance): their figures mix local and forwarded",
                    moved, keys.size());
            }

            Map<String, Object> details = new LinkedHashMap<>();
            details.put("instances", 2);
            details.put("endpoint", "GET " + TriageQueryRoutes.PATIENT_TRIAGE_PATH + ": one get on " + TriageTopology.PATIENT_HISTORY_STORE
                + ", the newest assessment rendered as JSON");
            details.put("routing", "each key's owner from KafkaStreams#queryMetadataForKey; local: sent to the owner; forwarded: sent to "
                + "the other instance, which forwards it once over its shared HTTP client");
            details.put("floor", "a Kafka Streams app holding each patient's answer bytes (fetched once from the owner) in a "
                + "persistent, cached key-value store, served by a bare GET route of the same server factory: one get, the bytes as "
                + "they are; rounds alternate floor, local, forwarded; local is compared with the floor, forwarded with local");
            details.put("cpuProcesses", "CPU µs per right answer of each process (bench: the bench's JVM, holding clients, "
                + "instances, floor and broker)");
            details.put("check", "status 200 and the answer's patientId is the key asked for; anything else is an error");
            details.put("http", "HTTP/1.1 keep-alive, one java.net.http.HttpClient (one connection) per client thread, closed loop");
            details.put("submissions", submissions);
            details.put("keys", keys.size());
            details.put("keysOwnedByInstance", owners.countByInstance());
            details.put("keysThatChangedOwner", moved);
            details.put("target", String.format(Locale.ROOT, "p99 < %.0f ms local and < %.0f ms forwarded at >= %,.0f queries/s",
                TARGET_P99_LOCAL_MS, TARGET_P99_FORWARDED_MS, TARGET_QUERIES_PER_SECOND));
            details.put("levels", levels);
            details.put("errors", levels.values().stream()
                .flatMap(l -> ((Map<?, ?>) l).values().stream())
                .mapToLong(r -> (Long) ((Map<?, ?>) r).get("errors")).sum());
            return new ScenarioResult(NAME, description(), metrics, details, (System.nanoTime() - begin) / 1e9);
        } finally {
            if (floor != null) {
                floor.close();
                stack.deleteDirectory("streams/" + applicationId + FLOOR_SUFFIX);
            }
            for (Instance instance : instances) {
                instance.app().close();
            }
            for (Instance instance : instances) {
                stack.deleteDirectory(instance.directory());
            }
            stack.deleteTopicsStartingWith(applicationId + "-");
        }
    }

    static int submissions(BenchSettings settings) {
        return switch (settings.mode()) {
            case "smoke" -> SMOKE_SUBMISSIONS;
            case "quick" -> QUICK_SUBMISSIONS;
            default -> FULL_SUBMISSIONS;
        };
    }

    /** One streams-triage instance: its app, HTTP address and state directory (relative to the stack's). */
    private record Instance(StreamsHttpApp app, HostInfo host, String directory) {

        static Instance start(BenchStack stack, String applicationId, String suffix) {
            String directory = "streams/" + applicationId + "-" + suffix;
            // The advertised host, with the port the server binds, becomes application.server: what the other instance forwards to.
            Map<String, Object> props = BenchApps.streamsApp(stack, HOST, applicationId, stack.newDirectory(directory)).appConfig();
            StreamsHttpApp app = TriageApp.start(new TriageConfig(props));
            return new Instance(app, new HostInfo(HOST, app.port()), directory);
        }

        int port() {
            return host.port();
        }

        URI uri(String key) {
            return URI.create("http://" + HOST + ":" + host.port() + TriageQueryRoutes.PATIENT_TRIAGE_PATH.replace("{patientId}", key));
        }
    }

    /** Waits until both instances run and each is the active host of some partitions (the second one joined). */
    private static void awaitBothActive(List<Instance> instances) {
        long end = System.nanoTime() + START_DEADLINE.toNanos();
        while (true) {
            boolean ready = true;
            for (Instance instance : instances) {
                StreamsRuns.awaitRunning(instance.app().streams(), START_DEADLINE, "streams-triage (queries)");
                long active = instance.app().streams().metadataForAllStreamsClients().stream()
                    .filter(m -> !m.topicPartitions().isEmpty()).map(StreamsMetadata::hostInfo).distinct().count();
                ready &= active == instances.size();
            }
            if (ready && instances.stream().allMatch(i -> i.app().streams().state() == KafkaStreams.State.RUNNING)) {
                return;
            }
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException("The two streams-triage instances did not share the partitions within "
                    + START_DEADLINE.toSeconds() + " s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /** Writes this scenario's submissions and waits until every assessment is readable; returns the patients, in order. */
    private static List<String> prefill(BenchContext context, int submissions) {
        BenchStack stack = context.stack();
        SyntheticData data = context.data();
        stack.awaitNoOpenTransactions(Topics.TRIAGE_ASSESSMENTS.name(), Duration.ofMinutes(2));
        Map<TopicPartition, Long> from = stack.endOffsets(Topics.TRIAGE_ASSESSMENTS.name());
        try (Serde<TriageSubmission> serde = stack.serdes().valueSerde(Topics.TRIAGE_SUBMISSIONS)) {
            Prefill.write(context, "pre-fill " + Topics.TRIAGE_SUBMISSIONS.name() + " (queries)", FIRST_INDEX, submissions,
                serde.serializer(), i -> {
                    TriageSubmission submission = data.submission(i);
                    return new ProducerRecord<>(Topics.TRIAGE_SUBMISSIONS.name(), null, submission.getSubmittedAt().toEpochMilli(),
                        submission.getPatientId(), submission);
                });
        }
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-queries-assessment-counter");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (Progress.Task task = context.progress().start("streams-triage x2 assessing (queries)", submissions, "assessments");
             KafkaConsumer<byte[], byte[]> assessments = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            assessments.assign(from.keySet());
            from.forEach(assessments::seek);
            StreamsRuns.Watchdog watchdog = new StreamsRuns.Watchdog("streams-triage's assessments (queries)", submissions,
                System.nanoTime(), StreamsRuns.drainDeadline(submissions));
            long count = 0;
            while (count < submissions) {
                count += assessments.poll(Duration.ofMillis(50)).count();
                task.set(count);
                watchdog.check(count);
            }
            task.finish(String.format(Locale.ROOT, "%,d assessments readable", count));
        }
        Set<String> keys = new LinkedHashSet<>();
        for (long i = FIRST_INDEX; i < FIRST_INDEX + submissions; i++) {
            keys.add(data.key(i));
        }
        return List.copyOf(keys);
    }

    /** Which instance owns each key, as {@code queryMetadataForKey} says on both (they must agree). */
    private static Owners owners(List<Instance> instances, List<String> keys) {
        Map<String, Integer> owner = new HashMap<>();
        for (String key : keys) {
            int index = ownerIndex(instances, key);
            owner.put(key, index);
        }
        return new Owners(keys, owner);
    }

    private static int ownerIndex(List<Instance> instances, String key) {
        HostInfo seen = null;
        for (Instance instance : instances) {
            KeyQueryMetadata metadata = instance.app().streams().queryMetadataForKey(TriageTopology.PATIENT_HISTORY_STORE, key,
                Serdes.String().serializer());
            if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)
                || (seen != null && !seen.equals(metadata.activeHost()))) {
                throw new IllegalStateException("The instances do not agree on who owns a key (a rebalance is going on)");
            }
            seen = metadata.activeHost();
        }
        for (int i = 0; i < instances.size(); i++) {
            if (instances.get(i).host().equals(seen)) {
                return i;
            }
        }
        throw new IllegalStateException("A key is owned by " + seen + ", which is neither instance");
    }

    /** The owner of every key, and how to reach it directly or through the other instance. */
    private record Owners(List<String> keys, Map<String, Integer> owner) {

        Map<String, Long> countByInstance() {
            Map<String, Long> counts = new TreeMap<>();
            owner.values().forEach(i -> counts.merge(i == 0 ? "a" : "b", 1L, Long::sum));
            return counts;
        }

        /** How many keys another look at the metadata finds with another owner. */
        int changedSince(List<Instance> instances) {
            int moved = 0;
            for (String key : keys) {
                try {
                    if (ownerIndex(instances, key) != owner.get(key)) {
                        moved++;
                    }
                } catch (IllegalStateException e) {
                    moved++;
                }
            }
            return moved;
        }
    }

    /** Asks both instances for every key until all answer right: the stores are complete and forwarding works. */
    private static void awaitAnswers(BenchContext context, List<Instance> instances, List<String> keys) throws Exception {
        long end = System.nanoTime() + ANSWER_DEADLINE.toNanos();
        ExecutorService threads = Executors.newFixedThreadPool(CHECK_CLIENTS);
        try (Progress.Task task = context.progress().start("checking every key on both instances (queries)",
            (long) instances.size() * keys.size(), "lookups")) {
            List<Callable<Void>> slices = new ArrayList<>();
            for (int c = 0; c < CHECK_CLIENTS; c++) {
                int first = c;
                slices.add(() -> {
                    try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                        for (int k = first; k < keys.size(); k += CHECK_CLIENTS) {
                            for (Instance instance : instances) {
                                awaitAnswer(client, instance, keys.get(k), end);
                                task.add(1);
                            }
                        }
                    }
                    return null;
                });
            }
            for (Future<Void> slice : threads.invokeAll(slices)) {
                slice.get();
            }
            task.finish(String.format(Locale.ROOT, "%,d keys answered right by both", keys.size()));
        } finally {
            threads.shutdownNow();
        }
    }

    private static void awaitAnswer(HttpClient client, Instance instance, String key, long endNanos) throws Exception {
        while (true) {
            HttpResponse<String> response = client.send(request(instance.uri(key)), HttpResponse.BodyHandlers.ofString());
            if (answers(response.statusCode(), response.body(), key)) {
                return;
            }
            if (System.nanoTime() - endNanos > 0) {
                throw new IllegalStateException("A key was still answered " + response.statusCode() + " after "
                    + ANSWER_DEADLINE.toSeconds() + " s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private static HttpRequest request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).header("Accept", "application/json").GET().build();
    }

    /** 200 with the assessment of {@code key}: the view's patientId, as Jackson writes it (no spaces). */
    static boolean answers(int status, String body, String key) {
        return status == 200 && body != null && body.contains("\"patientId\":\"" + key + "\"");
    }

    private static HttpLoad load(BenchContext context, Targets targets, int concurrency, long seed) {
        AtomicInteger clients = new AtomicInteger();
        // Each client thread draws its keys from a random of its own, seeded from the run's seed.
        ThreadLocal<SplittableRandom> randoms = ThreadLocal.withInitial(() -> new SplittableRandom(seed * 31 + clients.getAndIncrement()));
        return new HttpLoad(context.progress(), "bench-query-client", concurrency, 0, UNIT, () -> targets.lookup(randoms.get()));
    }

    /** Every key with the URI it is looked up at: its owner (local) or the other instance (forwarded). */
    private static final class Targets {

        private final List<String> keys;
        private final URI[] uris;

        Targets(List<Instance> instances, Owners owners, Route route) {
            this(owners.keys(), key -> {
                int owner = owners.owner().get(key);
                return instances.get(route == Route.LOCAL ? owner : 1 - owner).uri(key);
            });
        }

        /** Every key, looked up at {@code uri}'s answer for it. */
        Targets(List<String> keys, java.util.function.Function<String, URI> uri) {
            this.keys = keys;
            // Made once, so that the clients' loops spend nothing on them.
            this.uris = new URI[keys.size()];
            for (int i = 0; i < uris.length; i++) {
                uris[i] = uri.apply(keys.get(i));
            }
        }

        /** A lookup of a random key, right only when answered 200 with that key's assessment. */
        HttpLoad.Exchange lookup(SplittableRandom random) {
            int i = random.nextInt(uris.length);
            String key = keys.get(i);
            HttpRequest request = request(uris[i]);
            return HttpLoad.Exchange.of(request, true, (status, body, answeredNanos, tally) -> {
                if (answers(status, body, key)) {
                    tally.accepted(1);
                } else {
                    tally.notAccepted(status, 1);
                }
            });
        }
    }

    /** A route's figures at one level for the report; {@code meetsTarget} only for careflow's routes (a target is given). */
    private static Map<String, Object> describe(LevelRounds figures, double targetP99Ms) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("answeredRight", figures.accepted());
        out.put("errors", figures.errors());
        out.put("errorsByStatus", figures.statuses());
        if (!Double.isNaN(targetP99Ms)) {
            double rate = figures.throughput().median();
            double p99 = figures.latencies().stream().filter(m -> m.name().contains("p99 ")).findFirst().orElseThrow().median();
            out.put("meetsTarget", figures.errors() == 0 && rate >= TARGET_QUERIES_PER_SECOND && p99 < targetP99Ms);
        }
        return out;
    }

    /** Each key's answer as its owner gave it (what the floor serves), and the answers' content type. */
    private record Answers(Map<String, byte[]> bodies, String contentType) {
    }

    /** Asks each key's owner once for its answer, already checked right by {@link #awaitAnswers}. */
    private static Answers fetchAnswers(BenchContext context, List<Instance> instances, Owners owners) throws Exception {
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        String contentType = "application/json";
        try (Progress.Task task = context.progress().start("fetching every answer for the floor (queries)", owners.keys().size(), "answers");
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            for (String key : owners.keys()) {
                HttpResponse<byte[]> response = client.send(request(instances.get(owners.owner().get(key)).uri(key)),
                    HttpResponse.BodyHandlers.ofByteArray());
                if (!answers(response.statusCode(), new String(response.body(), java.nio.charset.StandardCharsets.UTF_8), key)) {
                    throw new IllegalStateException("A key's owner no longer answered it right (" + response.statusCode() + ")");
                }
                bodies.put(key, response.body());
                contentType = response.headers().firstValue("Content-Type").orElse(contentType);
                task.add(1);
            }
            task.finish(String.format(Locale.ROOT, "%,d answers", bodies.size()));
        }
        return new Answers(bodies, contentType);
    }
}
