package org.careflow.bench;

import org.careflow.bench.scenarios.Scenarios;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.careflow.config.KnownKeys;
import org.careflow.triage.TriageConfig;

/** The command line of {@code ./careflow bench}, turned into {@link BenchSettings}. */
public final class BenchOptions {

    static final String USAGE = """
        usage: careflow bench [--quick] [--scenario NAME]... [--duration S] [--rate R]
                              [--records N] [--rounds N] [--warmup N] [--concurrency C,C,...] [--seed N] [--output DIR]
                              [--triage-setting KEY=VALUE]... [--rocksdb-memory BYTES] [--memory-patients N,N,...]
                              [--kafka HOST:PORT,... --registry URL [--replication-factor N]]
          --quick            short warm-up and rounds: the whole set in under 4 minutes on 2 cores
          --scenario NAME    one of %s, or all (the default); repeat or separate with commas
          --duration S       seconds of each measured round of time-based scenarios (ingest, ingest-batch, latency, queries);
                             default 10, quick 2
          --rate R           requests/s the ingest clients aim at in total; 0 (default) sends as fast as answers come back
                             (ingest only: latency chooses its own rate)
          --records N        records of each drain round (produce, consume, aggregate, pipeline); pipeline's default
                             50000, quick 5000
          --rounds N         measured rounds per metric; default 5, quick 2
          --warmup N         warm-up rounds of drain scenarios, discarded; default 2, quick 1
          --concurrency LIST concurrent HTTP clients of the ingest and queries levels; default 1,8,16,64, quick 16
                             (ingest-batch has its own: 1,4,8, quick 4)
          --seed N           seed of the synthetic data; two runs with one seed send the same events
          --output DIR       where report.json goes; default target/bench
          --triage-setting KEY=VALUE
                             a streams-triage setting for the drain scenarios' streams-triage (pipeline, commit-interval,
                             growth), e.g. rocksdb.memory.bytes=1073741824; commit.interval.ms also sets the streams
                             ceilings', statestore.cache.max.bytes the same-shape app's
          --rocksdb-memory BYTES
                             RocksDB budget (rocksdb.memory.bytes) of each app of the memory scenario; default
                             67108864 (64 MiB, what docker-compose.yml gives each streams app in 512 MiB), 0 leaves
                             RocksDB unbounded
          --memory-patients N,N,...
                             the memory scenario's sizes: patients loaded into each app, once per size; default
                             10000,100000,1000000, quick 2000
          --kafka SERVERS    bootstrap servers of an existing Kafka cluster to run on, instead of a broker of its own
          --registry URL     the existing Apicurio Registry's v3 API URL (with --kafka)
          --replication-factor N
                             replication factor of the topics the bench creates on an existing cluster; default 1""";

    private BenchOptions() {
    }

    static String usage() {
        return USAGE.formatted(String.join(", ", Scenarios.names()));
    }

    /** Parses {@code args}; throws {@link IllegalArgumentException} saying what is wrong. */
    public static BenchSettings parse(List<String> args) {
        Deque<String> rest = new ArrayDeque<>(args);
        boolean quick = rest.remove("--quick");
        BenchSettings settings = quick ? BenchSettings.quick() : BenchSettings.full();
        List<String> scenarios = new ArrayList<>();
        Map<String, String> triage = new LinkedHashMap<>();
        Integer warmup = null;
        String kafka = null;
        String registry = null;
        short replicationFactor = 1;
        Integer rounds = null;
        while (!rest.isEmpty()) {
            String option = rest.removeFirst();
            switch (option) {
                case "--scenario" -> Arrays.stream(value(rest, option).split(","))
                    .map(String::strip).filter(s -> !s.isEmpty()).forEach(scenarios::add);
                case "--duration" -> settings = settings.withDuration(Duration.ofMillis(Math.round(positive(rest, option) * 1000)));
                case "--rate" -> settings = settings.withRate(number(rest, option));
                case "--records" -> settings = settings.withRecords((int) whole(rest, option, 1));
                case "--rounds" -> rounds = (int) whole(rest, option, 1);
                case "--warmup" -> warmup = (int) whole(rest, option, 0);
                case "--concurrency" -> settings = settings.withConcurrency(levels(option, value(rest, option)));
                case "--seed" -> settings = settings.withSeed(whole(rest, option, Long.MIN_VALUE));
                case "--output" -> settings = settings.withOutputDir(Path.of(value(rest, option)));
                case "--triage-setting" -> {
                    String pair = value(rest, option);
                    int eq = pair.indexOf('=');
                    if (eq < 1) {
                        throw new IllegalArgumentException("--triage-setting takes KEY=VALUE, not '" + pair + "'");
                    }
                    triage.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
                }
                case "--rocksdb-memory" -> settings = settings.withRocksDbMemoryBytes(whole(rest, option, 0));
                case "--memory-patients" -> settings = settings.withMemoryPatients(levels(option, value(rest, option)));
                case "--kafka" -> kafka = value(rest, option);
                case "--registry" -> registry = value(rest, option);
                case "--replication-factor" -> replicationFactor = (short) Math.min(Short.MAX_VALUE, whole(rest, option, 1));
                case "--help", "-h" -> throw new IllegalArgumentException("");
                default -> throw new IllegalArgumentException("Unknown option " + option);
            }
        }
        try {
            // A misspelt setting fails here, not after the stack has started (or never, left at its default).
            KnownKeys.requireKnown(TriageConfig.CONFIG.names(), triage.keySet(), "--triage-setting");
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        settings = settings.withTarget(new BenchTarget(kafka, registry, replicationFactor));
        settings = settings.withTriageSettings(triage).withRounds(warmup != null ? warmup : settings.warmupRounds(), rounds != null ? rounds : settings.rounds());
        List<String> requested = scenarios.isEmpty() ? List.of(Scenarios.ALL) : scenarios;
        return settings.withScenarios(Scenarios.resolve(requested));
    }

    private static String value(Deque<String> rest, String option) {
        if (rest.isEmpty() || rest.peekFirst().startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return rest.removeFirst();
    }

    private static double number(Deque<String> rest, String option) {
        String text = value(rest, option);
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a number, not '" + text + "'");
        }
    }

    private static double positive(Deque<String> rest, String option) {
        double value = number(rest, option);
        if (value <= 0) {
            throw new IllegalArgumentException(option + " must be positive, was " + value);
        }
        return value;
    }

    private static long whole(Deque<String> rest, String option, long min) {
        String text = value(rest, option);
        try {
            long value = Long.parseLong(text.replace("_", ""));
            if (value < min) {
                throw new IllegalArgumentException(option + " must be at least " + min + ", was " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a whole number, not '" + text + "'");
        }
    }

    private static List<Integer> levels(String option, String text) {
        try {
            return Arrays.stream(text.split(",")).map(String::strip).map(n -> Integer.parseInt(n.replace("_", ""))).toList();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes whole numbers separated by commas, not '" + text + "'");
        }
    }
}
