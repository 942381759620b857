package org.careflow.bench;

import org.careflow.bench.scenarios.Scenarios;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.careflow.config.StreamsAppConfig;

/**
 * How a benchmark run is sized: which scenarios, how many warm-up and measured rounds, how many records a drain round
 * holds, how long a time-based round lasts. {@link #full()} and {@link #quick()} are the two presets the command line
 * starts from; every value is written to the report.
 *
 * @param mode             {@code full}, {@code quick} or {@code smoke}, for the report
 * @param scenarios        scenario names in run order, dependencies included
 * @param seed             seed of the synthetic data: two runs with one seed send the same events
 * @param warmupRounds     rounds run and discarded before the measured ones (drain scenarios)
 * @param rounds           measured rounds of every metric
 * @param produceRecords   records per round of the raw producer (the raw consumer reads back all the rounds wrote)
 * @param aggregateRecords records the raw Kafka Streams aggregate drains per round
 * @param pipelineRecords  triage submissions streams-triage drains per round
 * @param roundDuration    length of a measured round of time-based scenarios (ingest)
 * @param warmupDuration   warm-up of time-based scenarios: once at start, and a fifth of it before every level
 * @param rate             requests/s the ingest clients aim at in total; 0 sends as fast as responses come back
 * @param concurrency      concurrent HTTP clients of the ingest levels, in order
 * @param valueBytes       size of a raw ceiling record's value
 * @param keys             distinct keys of the raw ceiling records
 * @param partitions       partitions of the raw ceiling topics (careflow's own topics have theirs)
 * @param outputDir        where report.json goes
 * @param triageSettings   streams-triage settings of the pipeline's app, over its defaults (e.g. rocksdb.memory.bytes)
 * @param rocksDbMemoryBytes RocksDB budget ({@code rocksdb.memory.bytes}) of every app the memory scenario runs; 0: unbounded
 * @param memoryPatients   the memory scenario's sizes: patients loaded into each app, one load per size, in order
 * @param target           the embedded stack, or an existing broker and registry
 */
public record BenchSettings(String mode, List<String> scenarios, long seed, int warmupRounds, int rounds, int produceRecords,
                            int aggregateRecords, int pipelineRecords, Duration roundDuration, Duration warmupDuration, double rate,
                            List<Integer> concurrency, int valueBytes, int keys, int partitions, Path outputDir,
                            Map<String, String> triageSettings, long rocksDbMemoryBytes, List<Integer> memoryPatients,
                            BenchTarget target) {

    public static final long DEFAULT_SEED = 20261121L;
    /**
     * The memory scenario's RocksDB budget per app unless {@code --rocksdb-memory} says otherwise: the one recommended for a
     * 512 MiB container (docker-compose.yml), 64 MiB.
     */
    public static final long DEFAULT_ROCKSDB_MEMORY_BYTES = StreamsAppConfig.SMALL_CONTAINER_ROCKSDB_MEMORY_BYTES;
    /** The most the streams apps accept for {@code rocksdb.memory.bytes}: 64 GiB. */
    static final long MAX_ROCKSDB_MEMORY_BYTES = 64L << 30;
    /** The largest memory scenario size: its patient ids have seven digits. */
    static final int MAX_MEMORY_PATIENTS = 9_999_999;

    public BenchSettings {
        Objects.requireNonNull(mode, "mode");
        scenarios = List.copyOf(scenarios);
        concurrency = List.copyOf(concurrency);
        memoryPatients = memoryPatients.stream().sorted().distinct().toList();
        Objects.requireNonNull(roundDuration, "roundDuration");
        Objects.requireNonNull(warmupDuration, "warmupDuration");
        Objects.requireNonNull(outputDir, "outputDir");
        Objects.requireNonNull(target, "target");
        triageSettings = Map.copyOf(triageSettings);
        require(warmupRounds >= 0, "warm-up rounds must be 0 or more, was " + warmupRounds);
        require(rounds >= 1, "rounds must be at least 1, was " + rounds);
        require(produceRecords >= 1 && aggregateRecords >= 1 && pipelineRecords >= 1, "record counts must be at least 1");
        require(!roundDuration.isNegative() && !roundDuration.isZero(), "--duration must be positive");
        require(rate >= 0, "--rate must be 0 (as fast as possible) or positive, was " + rate);
        require(!concurrency.isEmpty() && concurrency.stream().allMatch(c -> c >= 1), "concurrency levels must be at least 1");
        require(valueBytes >= 16 && keys >= 1 && partitions >= 1, "valueBytes >= 16, keys >= 1, partitions >= 1");
        require(rocksDbMemoryBytes >= 0 && rocksDbMemoryBytes <= MAX_ROCKSDB_MEMORY_BYTES,
            "--rocksdb-memory must be 0 (unbounded) or a budget of at most 64 GiB in bytes, was " + rocksDbMemoryBytes);
        require(!memoryPatients.isEmpty() && memoryPatients.stream().allMatch(n -> n >= 1 && n <= MAX_MEMORY_PATIENTS),
            "--memory-patients takes sizes from 1 to " + MAX_MEMORY_PATIENTS + ", was " + memoryPatients);
    }

    /** The full set: long enough for medians to settle (15-20 minutes on 2 cores). */
    public static BenchSettings full() {
        return new BenchSettings("full", Scenarios.names(), DEFAULT_SEED, 2, 5, 1_000_000, 1_000_000, 50_000,
            // 8 and 16 clients are where the issue sets its query and ingest latency targets.
            Duration.ofSeconds(10), Duration.ofSeconds(10), 0, List.of(1, 8, 16, 64), 300, 10_000, 6, defaultOutput(), Map.of(),
            DEFAULT_ROCKSDB_MEMORY_BYTES, List.of(10_000, 100_000, 1_000_000), BenchTarget.EMBEDDED);
    }

    /** Short warm-up and rounds: the whole set in under 4 minutes on 2 cores; for a first look, not for decisions. */
    public static BenchSettings quick() {
        return new BenchSettings("quick", Scenarios.names(), DEFAULT_SEED, 1, 2, 100_000, 100_000, 5_000,
            // One level (16 clients) keeps the whole set under 4 minutes with the floors' rounds.
            Duration.ofSeconds(2), Duration.ofSeconds(1), 0, List.of(16), 300, 10_000, 6, defaultOutput(), Map.of(),
            DEFAULT_ROCKSDB_MEMORY_BYTES, List.of(2_000), BenchTarget.EMBEDDED);
    }

    /** Tiny and unwarmed: every code path once, for the smoke test. The figures mean nothing. */
    public static BenchSettings smoke(Path outputDir) {
        return new BenchSettings("smoke", Scenarios.names(), DEFAULT_SEED, 0, 1, 500, 500, 300,
            Duration.ofSeconds(1), Duration.ofMillis(500), 0, List.of(1, 4), 300, 100, 6, outputDir, Map.of(),
            DEFAULT_ROCKSDB_MEMORY_BYTES, List.of(300), BenchTarget.EMBEDDED);
    }

    /** {@code target/bench}, or the system property {@code careflow.bench.output} (the launch script sets it). */
    static Path defaultOutput() {
        return Path.of(System.getProperty("careflow.bench.output", "target/bench"));
    }

    public BenchSettings withScenarios(List<String> names) {
        return new BenchSettings(mode, names, seed, warmupRounds, rounds, produceRecords, aggregateRecords, pipelineRecords,
            roundDuration, warmupDuration, rate, concurrency, valueBytes, keys, partitions, outputDir, triageSettings, rocksDbMemoryBytes, memoryPatients, target);
    }

    public BenchSettings withSeed(long value) {
        return new BenchSettings(mode, scenarios, value, warmupRounds, rounds, produceRecords, aggregateRecords, pipelineRecords,
            roundDuration, warmupDuration, rate, concurrency, valueBytes, keys, partitions, outputDir, triageSettings, rocksDbMemoryBytes, memoryPatients, target);
    }

    public BenchSettings withRounds(int warmup, int measured) {
        return new BenchSettings(mode, scenarios, seed, warmup, measured, produceRecords, aggregateRecords, pipelineRecords,
            roundDuration, warmupDuration, rate, concurrency, valueBytes, keys, partitions, outputDir, triageSettings, rocksDbMemoryBytes, memoryPatients, target);
    }

    /** One record count for every drain round (produce, consume, aggregate, pipeline). */
    public BenchSettings withRecords(int records) {
        return new BenchSettings(mode, scenarios, seed, warmupRounds, rounds, records, records, records,
            roundDuration, warmupDuration, rate, concurrency, valueBytes, keys, partitions, outputDir, triageSettings, rocksDbMemoryBytes, memoryPatients, target);
    }

    public BenchSettings withDuration(Duration value) {
        return new BenchSettings(mode, scenarios, seed, warmupRounds, rounds, produceRecords, aggregateRecords, pipelineRecords,
            value, warmupDuration, rate, concurrency, valueBytes, keys, partitions, outputDir, triageSettings, rocksDbMemoryBytes, memoryPatients, target);
    }

    public BenchSettings withRate(double value) {
        return new BenchSettings(mode, scenarios, seed, warmupRounds, rounds, produceRecords, aggregateRecords, pipelineRecords,
            roundDuration, warmupDuration, value, concurrency, valueBytes, keys, partitions, outputDir, triageSettings, rocksDbMemoryBytes, memoryPatients, target);
    }

    public BenchSettings withConcurrency(List<Integer> levels) {
        return new BenchSettings(mode, scenarios, seed, warmupRounds, rounds, produceRecords, aggregateRecords, pipelineRecords,
            roundDuration, warmupDuration, rate, levels, valueBytes, keys, partitions, outputDir, triageSettings, rocksDbMemoryBytes, memoryPatients, target);
    }

    public BenchSettings withOutputDir(Path value) {
        return new BenchSettings(mode, scenarios, seed, warmupRounds, rounds, produceRecords, aggregateRecords, pipelineRecords,
            roundDuration, warmupDuration, rate, concurrency, valueBytes, keys, partitions, value, triageSettings, rocksDbMemoryBytes, memoryPatients, target);
    }

    public BenchSettings withTriageSettings(Map<String, String> values) {
        return new BenchSettings(mode, scenarios, seed, warmupRounds, rounds, produceRecords, aggregateRecords, pipelineRecords,
            roundDuration, warmupDuration, rate, concurrency, valueBytes, keys, partitions, outputDir, values, rocksDbMemoryBytes, memoryPatients, target);
    }

    /** The memory scenario's RocksDB budget per app, in bytes; 0 leaves RocksDB unbounded. */
    public BenchSettings withTarget(BenchTarget value) {
        return new BenchSettings(mode, scenarios, seed, warmupRounds, rounds, produceRecords, aggregateRecords, pipelineRecords,
            roundDuration, warmupDuration, rate, concurrency, valueBytes, keys, partitions, outputDir, triageSettings, rocksDbMemoryBytes, memoryPatients, value);
    }

    public BenchSettings withRocksDbMemoryBytes(long value) {
        return new BenchSettings(mode, scenarios, seed, warmupRounds, rounds, produceRecords, aggregateRecords, pipelineRecords,
            roundDuration, warmupDuration, rate, concurrency, valueBytes, keys, partitions, outputDir, triageSettings, value, memoryPatients, target);
    }

    /** The memory scenario's sizes: one load of every app per size, smallest first. */
    public BenchSettings withMemoryPatients(List<Integer> sizes) {
        return new BenchSettings(mode, scenarios, seed, warmupRounds, rounds, produceRecords, aggregateRecords, pipelineRecords,
            roundDuration, warmupDuration, rate, concurrency, valueBytes, keys, partitions, outputDir, triageSettings, rocksDbMemoryBytes,
            sizes, target);
    }

    /** Every setting, for the report. */
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mode", mode);
        out.put("scenarios", scenarios);
        out.put("seed", seed);
        out.put("warmupRounds", warmupRounds);
        out.put("rounds", rounds);
        out.put("produceRecords", produceRecords);
        out.put("aggregateRecords", aggregateRecords);
        out.put("pipelineRecords", pipelineRecords);
        out.put("roundDurationSeconds", roundDuration.toMillis() / 1000.0);
        out.put("warmupDurationSeconds", warmupDuration.toMillis() / 1000.0);
        out.put("rate", rate);
        out.put("concurrency", concurrency);
        out.put("valueBytes", valueBytes);
        out.put("keys", keys);
        out.put("partitions", partitions);
        out.put("outputDir", outputDir.toAbsolutePath().toString());
        out.put("triageSettings", new java.util.TreeMap<>(triageSettings));
        out.put("rocksDbMemoryBytes", rocksDbMemoryBytes);
        out.put("memoryPatients", memoryPatients);
        out.put("target", target.existing()
            ? Map.of("kafka", target.bootstrapServers(), "registry", target.registryUrl(), "replicationFactor", target.replicationFactor())
            : Map.of("embedded", true));
        return out;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
