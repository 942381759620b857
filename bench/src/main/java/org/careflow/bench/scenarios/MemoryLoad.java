package org.careflow.bench.scenarios;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.careflow.bench.infra.ProcessMemory;
import org.careflow.bench.infra.StreamsRuns;
import org.careflow.bench.report.Progress;
import org.careflow.platform.embedded.ChildJvm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watching streams apps the memory scenario runs as child JVMs: until their consumer groups have consumed all their
 * input (lag 0), until their RSS has settled, and what they left on disk and on the broker.
 */
final class MemoryLoad {

    private static final Logger LOG = LoggerFactory.getLogger(MemoryLoad.class);

    /** How often group lag and RSS are looked at. */
    static final Duration POLL = Duration.ofMillis(500);
    /** Caught up: every app at lag 0 in this many consecutive looks. */
    static final int CAUGHT_UP_LOOKS = 2;
    /** RSS has settled when this many consecutive samples lie within {@link #SETTLED_TOLERANCE_BYTES} of each other. */
    static final int SETTLED_SAMPLES = 6;
    static final long SETTLED_TOLERANCE_BYTES = 4L * 1024 * 1024;
    /** Longest wait for RSS to settle; past it the last sample is reported, flagged as not settled. */
    static final Duration SETTLE_DEADLINE = Duration.ofSeconds(60);

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private MemoryLoad() {
    }

    /**
     * Commits, for the app's consumer group (its application id), the current end offset of every catalogue topic it
     * reads, so that it starts after what earlier scenarios wrote there. Returns those offsets.
     */
    static Map<TopicPartition, Long> commitEndOffsets(Admin admin, MemoryApp app) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (TopicDescription topic : admin.describeTopics(app.externalSources()).allTopicNames().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).values()) {
            topic.partitions().forEach(p -> request.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(request).all().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        ends.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset)));
        admin.alterConsumerGroupOffsets(app.applicationId(), commit).all().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return ends;
    }

    /**
     * Waits until every app has consumed everything on its source and repartition topics, checking that each child
     * still runs; returns, per app, seconds from its JVM's start to its lag reaching 0 for good.
     */
    static Map<String, Double> awaitCaughtUp(BenchContext context, List<MemoryApp> apps, List<ChildJvm> children,
                                                     Map<String, Map<TopicPartition, Long>> startOffsets) throws Exception {
        Admin admin = context.stack().admin();
        // The input written for this scenario; what the apps emit for each other comes on top and is not counted here.
        long input = 0;
        Map<String, Map<TopicPartition, Long>> inputEnds = new HashMap<>();
        for (MemoryApp app : apps) {
            Map<TopicPartition, Long> start = startOffsets.get(app.name());
            Map<TopicPartition, Long> ends = endOffsets(admin, start.keySet());
            inputEnds.put(app.name(), ends);
            input += ends.entrySet().stream().mapToLong(e -> e.getValue() - start.get(e.getKey())).sum();
        }
        long startNanos = System.nanoTime();
        Duration deadline = StreamsRuns.drainDeadline(input);
        StreamsRuns.Watchdog watchdog = new StreamsRuns.Watchdog("the memory scenario's apps", input, startNanos, deadline);
        Map<String, Long> zeroSince = new HashMap<>();
        Map<String, Set<TopicPartition>> partitions = new HashMap<>();
        int caughtUpLooks = 0;
        try (Progress.Task task = context.progress().start("loading the apps (memory)", input, "input records")) {
            while (true) {
                for (ChildJvm child : children) {
                    child.requireAlive();
                }
                // Committed offsets before end offsets: whatever an app committed it has written, so its output is in the ends.
                Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new HashMap<>();
                for (MemoryApp app : apps) {
                    committed.put(app.name(), admin.listConsumerGroupOffsets(app.applicationId()).partitionsToOffsetAndMetadata()
                        .get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
                }
                boolean everyTopicThere = true;
                Set<TopicPartition> all = new LinkedHashSet<>();
                for (MemoryApp app : apps) {
                    Set<TopicPartition> known = partitions.computeIfAbsent(app.name(), n -> new LinkedHashSet<>());
                    if (known.stream().map(TopicPartition::topic).distinct().count() < app.sources().size()) {
                        known.addAll(partitionsOf(admin, app.sources()));
                    }
                    everyTopicThere &= known.stream().map(TopicPartition::topic).distinct().count() == app.sources().size();
                    all.addAll(known);
                }
                Map<TopicPartition, Long> ends = endOffsets(admin, all);
                long now = System.nanoTime();
                long consumed = 0;
                long progress = 0;
                boolean allZero = everyTopicThere;
                for (MemoryApp app : apps) {
                    Map<TopicPartition, OffsetAndMetadata> offsets = committed.get(app.name());
                    long lag = 0;
                    for (TopicPartition tp : partitions.get(app.name())) {
                        OffsetAndMetadata c = offsets.get(tp);
                        long position = c == null ? 0 : c.offset();
                        lag += Math.max(0, ends.get(tp) - position);
                        consumed += position;
                        Long start = startOffsets.get(app.name()).get(tp);
                        if (start != null) {
                            progress += Math.max(0, Math.min(position, inputEnds.get(app.name()).get(tp)) - start);
                        }
                    }
                    if (lag == 0 && everyTopicThere) {
                        zeroSince.putIfAbsent(app.name(), now);
                    } else {
                        zeroSince.remove(app.name());
                        allZero = false;
                    }
                }
                task.set(progress);
                caughtUpLooks = allZero ? caughtUpLooks + 1 : 0;
                if (caughtUpLooks >= CAUGHT_UP_LOOKS) {
                    task.finish(String.format(Locale.ROOT, "%,d input records consumed by %d apps", progress, apps.size()));
                    break;
                }
                watchdog.check(consumed);
                LockSupport.parkNanos(POLL.toNanos());
            }
        }
        Map<String, Double> loadSeconds = new LinkedHashMap<>();
        for (int i = 0; i < apps.size(); i++) {
            loadSeconds.put(apps.get(i).name(), (zeroSince.get(apps.get(i).name()) - children.get(i).startedNanos()) / 1e9);
        }
        return loadSeconds;
    }

    private static Set<TopicPartition> partitionsOf(Admin admin, Set<String> topics) throws InterruptedException, TimeoutException {
        Set<TopicPartition> out = new LinkedHashSet<>();
        for (String topic : topics) {
            try {
                TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).get(topic);
                description.partitions().forEach(p -> out.add(new TopicPartition(topic, p.partition())));
            } catch (ExecutionException e) {
                // A repartition topic the app has not created yet: looked for again at the next look.
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("Cannot describe " + topic, e.getCause());
                }
            }
        }
        return out;
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, Set<TopicPartition> partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(request).all().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /** RSS samples of one child until they settled (or the deadline passed). */
    record Settling(long last, boolean settled, double seconds) {
    }

    /** Samples every child's RSS until each has settled, all at once; returns the last sample of each. */
    static Map<String, Settling> settle(BenchContext context, List<ChildJvm> children) {
        Map<String, List<Long>> samples = new LinkedHashMap<>();
        Map<String, Settling> done = new LinkedHashMap<>();
        children.forEach(c -> samples.put(c.name(), new ArrayList<>()));
        long begin = System.nanoTime();
        try (Progress.Task task = context.progress().timed("letting RSS settle (memory)", SETTLE_DEADLINE)) {
            while (done.size() < children.size()) {
                boolean late = System.nanoTime() - begin > SETTLE_DEADLINE.toNanos();
                for (ChildJvm child : children) {
                    if (done.containsKey(child.name())) {
                        continue;
                    }
                    child.requireAlive();
                    List<Long> rss = samples.get(child.name());
                    rss.add(ProcessMemory.of(child.pid()).orElseThrow(() -> new IllegalStateException("Cannot read the RSS of " + child.name())).rssBytes());
                    List<Long> window = rss.subList(Math.max(0, rss.size() - SETTLED_SAMPLES), rss.size());
                    boolean stable = window.size() == SETTLED_SAMPLES
                        && window.stream().mapToLong(Long::longValue).max().orElseThrow()
                        - window.stream().mapToLong(Long::longValue).min().orElseThrow() <= SETTLED_TOLERANCE_BYTES;
                    if (stable || late) {
                        if (!stable) {
                            LOG.warn("The RSS of {} had not settled after {} s; reporting its last sample", child.name(), SETTLE_DEADLINE.toSeconds());
                        }
                        done.put(child.name(), new Settling(rss.get(rss.size() - 1), stable, (System.nanoTime() - begin) / 1e9));
                    }
                }
                if (done.size() < children.size()) {
                    LockSupport.parkNanos(POLL.toNanos());
                }
            }
            task.finish(String.format(Locale.ROOT, "%d apps settled of %d", done.values().stream().filter(Settling::settled).count(),
                children.size()));
        }
        return done;
    }

    static void stopAll(List<ChildJvm> children) {
        // SIGTERM to all first, so that they close in parallel; each close() then waits (and kills if need be).
        children.forEach(ChildJvm::signalStop);
        for (ChildJvm child : children) {
            try {
                child.close();
            } catch (RuntimeException e) {
                LOG.warn("Could not stop {}: {}", child.name(), e.toString());
            }
        }
    }

    /** Bytes of the app's changelog topics in the broker's log directories; -1 if they cannot be read. */
    static long changelogBytes(Admin admin, MemoryApp app) {
        try {
            List<Integer> brokers = admin.describeCluster().nodes().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).stream()
                .map(node -> node.id()).toList();
            String prefix = app.applicationId() + "-";
            return admin.describeLogDirs(brokers).allDescriptions().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).values().stream()
                .flatMap(dirs -> dirs.values().stream())
                .flatMap(dir -> dir.replicaInfos().entrySet().stream())
                .filter(e -> e.getKey().topic().startsWith(prefix) && e.getKey().topic().endsWith("-changelog"))
                .mapToLong(e -> e.getValue().size())
                .sum();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Could not read the changelog sizes of {}: {}", app.name(), e.toString());
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static long directorySize(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    return 0; // a file RocksDB deleted while we walked
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not measure {}: {}", directory, e.toString());
            return -1;
        }
    }
}
