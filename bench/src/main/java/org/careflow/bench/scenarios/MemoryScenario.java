package org.careflow.bench.scenarios;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.careflow.bench.BenchSettings;
import org.careflow.bench.infra.BenchApps;
import org.careflow.bench.infra.BenchStack;
import org.careflow.bench.infra.NativeMemory;
import org.careflow.bench.infra.ProcessMemory;
import org.careflow.bench.report.Metric;
import org.careflow.bench.report.ScenarioResult;
import org.careflow.config.ConfigSources;
import org.careflow.notifications.NotificationsApp;
import org.careflow.notifications.NotificationsConfig;
import org.careflow.notifications.topology.NotificationsTopology;
import org.careflow.platform.embedded.ChildJvm;
import org.careflow.scheduling.SchedulingApp;
import org.careflow.scheduling.SchedulingConfig;
import org.careflow.scheduling.topology.SchedulingTopology;
import org.careflow.topics.EventSerdes;
import org.careflow.topics.Topic;
import org.careflow.topics.Topics;
import org.careflow.triage.TriageApp;
import org.careflow.triage.TriageConfig;
import org.careflow.triage.topology.TriageTopology;

/**
 * Resident memory (RSS) and load time of each streams app (streams-triage, streams-scheduling, streams-notifications)
 * holding many patients in its state (10k, 100k and 1M in full mode), with the memory settings the README recommends
 * ({@link #JVM_OPTIONS}, {@link #ENVIRONMENT}, {@code rocksdb.memory.bytes}). At each size every app runs alone, in a
 * JVM of its own, fed through its real input topics (streams-notifications also reads what the other two emitted, as
 * in production); once it has consumed all its input (consumer-group lag 0) and its RSS has settled, VmRSS and VmHWM
 * are read from {@code /proc/PID/status} and the JVM's own parts from its Native Memory Tracking summary. What is
 * neither heap nor anything else NMT tracks is outside the JVM's accounting: RocksDB's block cache and memtables and
 * the C library's malloc arenas. The targets: under {@value #TARGET_RSS_MIB} MiB per app, and 1M patients
 * loaded in under {@value #TARGET_LOAD_SECONDS} s.
 */
public final class MemoryScenario implements Scenario {

    public static final String NAME = "memory";
    static final String UNIT = "MiB";
    static final String SECONDS = "s";
    /** What issue #7 asks of each streams app with 1M patients. */
    static final long TARGET_RSS_MIB = 512;
    /** What issue #18 asks of loading 1M patients into each app. */
    static final long TARGET_LOAD_SECONDS = 600;

    /** The recommended heap of a streams app in 512 MiB (the README's memory budget): about twice its live set. */
    static final String HEAP = "160m";
    /**
     * The JVM options the README recommends for a streams app in 512 MiB: a fixed heap, resident from the start (so that
     * the container's limit is met or missed at start, not under load one day); the serial collector, whose own
     * structures take a few MiB where G1's take tens (and which the JVM picks by itself in a container this small); upper
     * bounds on metaspace and the code cache; and no cached NIO buffer above 1 MiB per thread (a large fetch response
     * would otherwise keep its temporary direct buffer).
     */
    static final List<String> JVM_OPTIONS = List.of("-Xms" + HEAP, "-Xmx" + HEAP, "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC", "-XX:MaxMetaspaceSize=128m",
        "-XX:ReservedCodeCacheSize=64m", "-Djdk.nio.maxCachedBufferSize=1048576", "-XX:+ExitOnOutOfMemoryError");
    /** The environment the README recommends: at most two malloc arenas, where RocksDB's allocations fragment least. */
    static final Map<String, String> ENVIRONMENT = Map.of("MALLOC_ARENA_MAX", "2");
    /** Log configuration of the apps (in the bench's resources): their own log goes to their stdout, that is the log file. */
    static final String CHILD_LOG_CONFIGURATION = "log4j2-bench-app.xml";
    /** Only in smoke mode: C1 alone, which starts the apps faster; it changes their memory, so never where figures count. */
    static final String SMOKE_JIT_OPTION = "-XX:TieredStopAtLevel=1";
    /** Share of the RocksDB budget the memtables may take: the apps' own default, set explicitly so the report says it. */
    static final int WRITE_BUFFER_PERCENT = 25;

    /** What was found about one app at one size. */
    private record Measured(ProcessMemory memory, boolean settled, double settleSeconds, double loadSeconds, long stateBytes,
                            long changelogBytes, double cpuSeconds, Optional<NativeMemory> nativeMemory) {

        double heapMiB() {
            return nativeMemory.map(n -> n.committed("Java Heap") / 1024.0).orElse(Double.NaN);
        }

        double jvmOtherMiB() {
            return nativeMemory.map(n -> (n.totalCommittedKiB() - n.committed("Java Heap")) / 1024.0).orElse(Double.NaN);
        }

        double outsideJvmMiB() {
            return nativeMemory.map(n -> memory.rssMiB() - n.totalCommittedKiB() / 1024.0).orElse(Double.NaN);
        }

        /** Outside the JVM, less the mapped files: RocksDB's allocations and malloc's overhead. */
        double outsideJvmAllocatedMiB() {
            return outsideJvmMiB() - memory.fileMiB();
        }
    }

    public static String rssMetric(String app, int patients) {
        return app + " RSS, " + patientsLabel(patients);
    }

    public static String peakMetric(String app, int patients) {
        return app + " peak RSS, " + patientsLabel(patients);
    }

    public static String loadMetric(String app, int patients) {
        return app + " load time, " + patientsLabel(patients);
    }

    static String patientsLabel(int patients) {
        return String.format(Locale.ROOT, "%,d patients", patients);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "resident memory (RSS, with the JVM's own parts and what lies outside them) and load time of streams-triage, "
            + "streams-scheduling and streams-notifications, each alone in its own JVM, with every patient in state";
    }

    static List<String> jvmOptions(BenchSettings settings) {
        List<String> options = new ArrayList<>(JVM_OPTIONS);
        options.add(NativeMemory.JVM_OPTION);
        options.addAll(ChildJvm.quietJvmOptions());
        if ("smoke".equals(settings.mode())) {
            // The smoke test's figures mean nothing; cold JVMs compiling with C2 cost it most of its time.
            options.add(SMOKE_JIT_OPTION);
        }
        // A profiler, for one: the same variable as the drain apps'.
        options.addAll(DrainAppJvm.extraOptions(System.getenv(DrainAppJvm.APP_JVM_OPTS)));
        return options;
    }

    @Override
    public ScenarioResult run(BenchContext context, BenchSettings settings) throws Exception {
        long begin = System.nanoTime();
        Map<String, Object> details = new LinkedHashMap<>();
        if (!ProcessMemory.available()) {
            // Loading a million patients would be for nothing: there is no /proc to read their RSS from.
            details.put("rss", "unavailable: no /proc/PID/status on " + System.getProperty("os.name"));
            context.progress().say("  memory: skipped, resident memory is only read on Linux (/proc/PID/status)");
            return new ScenarioResult(NAME, description(), List.of(), details, (System.nanoTime() - begin) / 1e9);
        }
        List<String> jvmOptions = jvmOptions(settings);
        List<Metric> metrics = new ArrayList<>();
        Map<String, Object> sizes = new LinkedHashMap<>();
        for (int patients : settings.memoryPatients()) {
            Map<String, Object> size = new LinkedHashMap<>();
            Map<String, Measured> measured = load(context, settings, patients, jvmOptions, size);
            Map<String, Object> perApp = new LinkedHashMap<>();
            measured.forEach((app, m) -> {
                metrics.add(Metric.of(rssMetric(app, patients), UNIT, List.of(m.memory().rssMiB())));
                metrics.add(Metric.of(peakMetric(app, patients), UNIT, List.of(m.memory().peakMiB())));
                if (m.nativeMemory().isPresent()) {
                    metrics.add(Metric.of(app + " heap committed, " + patientsLabel(patients), UNIT, List.of(m.heapMiB())));
                    metrics.add(Metric.of(app + " JVM besides heap (NMT), " + patientsLabel(patients), UNIT, List.of(m.jvmOtherMiB())));
                    // Not a metric: with little state it can be at or below zero (committed JVM memory not yet touched is not resident).
                    context.progress().say(String.format(Locale.ROOT, "  %s, %s: RSS %.0f MiB = heap %.0f + JVM besides heap %.0f"
                        + " + outside the JVM %.0f (mapped files, the libraries mostly, %.0f; RocksDB and malloc %.0f); loaded in %.1f s",
                        app, patientsLabel(patients), m.memory().rssMiB(), m.heapMiB(), m.jvmOtherMiB(), m.outsideJvmMiB(),
                        m.memory().fileMiB(), m.outsideJvmAllocatedMiB(), m.loadSeconds()));
                }
                metrics.add(Metric.of(loadMetric(app, patients), SECONDS, List.of(m.loadSeconds())));
                perApp.put(app, describe(m, patients, settings, app));
            });
            size.put("apps", perApp);
            sizes.put(String.valueOf(patients), size);
        }
        details.put("patients", settings.memoryPatients());
        details.put("sizes", sizes);
        details.put("rocksDbMemoryBytes", settings.rocksDbMemoryBytes());
        details.put("rocksDbBudget", settings.rocksDbMemoryBytes() == 0 ? "unbounded (RocksDB's defaults per store)"
            : "rocksdb.memory.bytes=" + settings.rocksDbMemoryBytes() + " shared by every store of each app, memtables up to "
                + WRITE_BUFFER_PERCENT + "% of it");
        details.put("jvmOptions", jvmOptions);
        details.put("environment", ENVIRONMENT);
        details.put("targetRssMiB", TARGET_RSS_MIB);
        details.put("targetLoadSeconds", TARGET_LOAD_SECONDS);
        details.put("rounds", "one per size: loading the patients takes minutes, and a loaded app's RSS varies little");
        details.put("measuredFrom", "at each size, smallest first, the three apps run one after the other (streams-triage, "
            + "streams-scheduling, streams-notifications), each alone in a JVM of its own started by the bench and stopped once "
            + "measured; each app's consumer group starts at the end of the topics as they were before the size's input was written; "
            + "loaded = the app's group at lag 0 on all its source and repartition topics in " + MemoryLoad.CAUGHT_UP_LOOKS
            + " consecutive looks " + MemoryLoad.POLL.toMillis() + " ms apart; loadSeconds = from the app's JVM start to its lag "
            + "reaching 0 for good (JVM start-up included); then RSS (VmRSS of /proc/PID/status) is sampled every "
            + MemoryLoad.POLL.toMillis() + " ms until " + MemoryLoad.SETTLED_SAMPLES + " samples lie within "
            + MemoryLoad.SETTLED_TOLERANCE_BYTES / (1024 * 1024) + " MiB (at most " + MemoryLoad.SETTLE_DEADLINE.toSeconds()
            + " s); RSS = the last sample, peak = VmHWM (the highest RSS since the JVM started, loading included); heap and "
            + "'JVM besides heap' = committed memory from the JVM's Native Memory Tracking summary (jcmd VM.native_memory "
            + "summary), read right after the RSS; 'outside the JVM' = RSS minus NMT's total committed: RocksDB's block cache, "
            + "memtables and table readers and the C library's malloc overhead, which NMT does not see (committed but untouched "
            + "JVM memory is not resident, so this part is a lower bound); mappedFilesMiB = the resident pages of mapped files "
            + "(RssFile + RssShmem: the JVM's and RocksDB's libraries mostly), part of RSS and of a container's limit; "
            + "outsideJvmAllocatedMiB = outside the JVM less those: RocksDB's allocations and malloc's overhead; stateDirBytes = the app's state directory on disk, "
            + "changelogBytes = its changelog topics on the broker (before compaction); cpuSeconds = CPU time of the app's JVM");
        return new ScenarioResult(NAME, description(), metrics, details, (System.nanoTime() - begin) / 1e9);
    }

    private static Map<String, Object> describe(Measured m, int patients, BenchSettings settings, String app) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("rssMiB", round1(m.memory().rssMiB()));
        d.put("peakRssMiB", round1(m.memory().peakMiB()));
        d.put("underTarget", m.memory().rssMiB() < TARGET_RSS_MIB && m.memory().peakMiB() < TARGET_RSS_MIB);
        m.nativeMemory().ifPresent(n -> {
            d.put("heapCommittedMiB", round1(m.heapMiB()));
            d.put("jvmBesidesHeapMiB", round1(m.jvmOtherMiB()));
            Map<String, Double> parts = new LinkedHashMap<>();
            n.committedKiB().forEach((category, kib) -> parts.put(category, round1(kib / 1024.0)));
            d.put("nmtCommittedMiB", parts);
            d.put("outsideJvmMiB", round1(m.outsideJvmMiB()));
            d.put("outsideJvmAllocatedMiB", round1(m.outsideJvmAllocatedMiB()));
        });
        d.put("mappedFilesMiB", round1(m.memory().fileMiB()));
        d.put("loadSeconds", round1(m.loadSeconds()));
        d.put("patientsPerSecond", Math.round(patients / m.loadSeconds()));
        // At this size's rate (start-up included), how long a million patients would take: the target's measure.
        double perMillion = m.loadSeconds() * 1_000_000.0 / patients;
        d.put("secondsPerMillionAtThisRate", round1(perMillion));
        d.put("loadUnderTarget", perMillion < TARGET_LOAD_SECONDS);
        d.put("settled", m.settled());
        d.put("settleSeconds", round1(m.settleSeconds()));
        d.put("stateDirBytes", m.stateBytes());
        d.put("changelogBytes", m.changelogBytes());
        d.put("cpuSeconds", round1(m.cpuSeconds()));
        d.put("log", logFile(settings, app, patients).toAbsolutePath().toString());
        return d;
    }

    private static Path logFile(BenchSettings settings, String app, int patients) {
        return settings.outputDir().resolve("memory-" + app + "-" + patients + ".log");
    }

    /** Loads one size into every app in turn, each alone, and measures it; {@code details} gets the size's own. */
    private static Map<String, Measured> load(BenchContext context, BenchSettings settings, int patients, List<String> jvmOptions,
                                              Map<String, Object> details) throws Exception {
        BenchStack stack = context.stack();
        List<MemoryApp> apps = apps(context, settings, patients);
        Map<String, Measured> measured = new LinkedHashMap<>();
        try {
            // Each app starts after everything earlier scenarios and sizes wrote to the shared topics: only this size's patients count.
            Map<String, Map<TopicPartition, Long>> startOffsets = new LinkedHashMap<>();
            for (MemoryApp app : apps) {
                startOffsets.put(app.name(), MemoryLoad.commitEndOffsets(stack.admin(), app));
            }
            long prefillBegin = System.nanoTime();
            MemoryInputs.prefill(context, patients);
            details.put("prefillSeconds", round1((System.nanoTime() - prefillBegin) / 1e9));
            details.put("inputs", MemoryInputs.describe(patients));
            for (MemoryApp app : apps) {
                measured.put(app.name(), measure(context, settings, patients, jvmOptions, app, startOffsets.get(app.name())));
            }
        } finally {
            for (MemoryApp app : apps) {
                stack.deleteDirectory("memory/" + app.applicationId());
                stack.deleteTopicsStartingWith(app.applicationId() + "-");
            }
        }
        return measured;
    }

    /** Starts one app alone, waits until it has loaded its input and its RSS has settled, reads its memory, stops it. */
    private static Measured measure(BenchContext context, BenchSettings settings, int patients, List<String> jvmOptions, MemoryApp app,
                                    Map<TopicPartition, Long> startOffsets) throws Exception {
        ChildJvm child = ChildJvm.builder(app.name(), app.mainClass()).jvmOptions(jvmOptions).environment(ENVIRONMENT)
            .args(List.of("--config", app.configFile().toString())).logFile(logFile(settings, app.name(), patients))
            .logConfiguration(CHILD_LOG_CONFIGURATION).withoutEnvironment(ConfigSources.ENV_PREFIX).build().start();
        try {
            double loadSeconds = MemoryLoad.awaitCaughtUp(context, List.of(app), List.of(child), Map.of(app.name(), startOffsets))
                .get(app.name());
            MemoryLoad.Settling settled = MemoryLoad.settle(context, List.of(child)).get(child.name());
            child.requireAlive();
            Optional<NativeMemory> nativeMemory = NativeMemory.of(child.pid());
            // The peak is read last, so that it covers the settling too.
            ProcessMemory now = ProcessMemory.of(child.pid()).orElseThrow(() -> new IllegalStateException("Cannot read the RSS of " + app.name()));
            return new Measured(new ProcessMemory(settled.last(), now.peakBytes(), now.fileBytes()), settled.settled(), settled.seconds(), loadSeconds,
                MemoryLoad.directorySize(app.stateDir()), MemoryLoad.changelogBytes(context.stack().admin(), app), child.cpuSeconds(),
                nativeMemory);
        } finally {
            MemoryLoad.stopAll(List.of(child));
        }
    }

    /** The three apps, with their configuration written, and the topics each reads (from its topology). */
    private static List<MemoryApp> apps(BenchContext context, BenchSettings settings, int patients) {
        BenchStack stack = context.stack();
        EventSerdes serdes = stack.serdes();
        List<MemoryApp> apps = new ArrayList<>();
        apps.add(app(context, settings, "streams-triage", TriageApp.class, "bench-memory-triage-" + patients, Map.of(),
            props -> TriageTopology.build(new TriageConfig(props), serdes)));
        apps.add(app(context, settings, "streams-scheduling", SchedulingApp.class, "bench-memory-scheduling-" + patients, Map.of(),
            props -> SchedulingTopology.build(new SchedulingConfig(props), serdes)));
        // No dispatcher (its own app): it would send through WhatsApp and webhooks, which is not what is measured here.
        apps.add(app(context, settings, "streams-notifications", NotificationsApp.class, "bench-memory-notifications-" + patients, Map.of(),
            props -> NotificationsTopology.build(new NotificationsConfig(props), serdes)));
        return apps;
    }

    private static MemoryApp app(BenchContext context, BenchSettings settings, String name, Class<?> mainClass, String idPrefix,
                           Map<String, String> own, Function<Map<String, Object>, Topology> topology) {
        BenchStack stack = context.stack();
        String applicationId = context.uniqueName(idPrefix);
        Path stateDir = stack.newDirectory("memory/" + applicationId + "/state");
        Map<String, Object> props = BenchApps.streamsApp(stack, "127.0.0.1", applicationId, stateDir)
            .rocksDbMemory(settings.rocksDbMemoryBytes(), WRITE_BUFFER_PERCENT)
            .overrides(own)
            .appConfig();
        Path configFile = ChildServers.writeConfig(props, stack.newDirectory("memory/" + applicationId).resolve(name + ".properties"));
        Set<String> catalogue = new LinkedHashSet<>(Topics.all().stream().map(Topic::name).toList());
        Set<String> external = new LinkedHashSet<>();
        Set<String> internal = new LinkedHashSet<>();
        for (TopologyDescription.Subtopology sub : topology.apply(props).describe().subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
                    for (String topic : source.topicSet()) {
                        if (catalogue.contains(topic)) {
                            external.add(topic);
                        } else {
                            // A repartition topic: the description names it without the application id.
                            internal.add(applicationId + "-" + topic);
                        }
                    }
                }
            }
        }
        return new MemoryApp(name, mainClass.getName(), applicationId, stateDir, configFile, external, internal);
    }

    private static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
