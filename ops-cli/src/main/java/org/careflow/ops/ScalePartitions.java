package org.careflow.ops;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.careflow.topics.Topic;
import org.careflow.topics.TopicLayout;
import org.careflow.topics.TopicPlacement;
import org.careflow.topics.Topics;

/**
 * {@code ./careflow ops scale-partitions}: gives a topic more partitions without breaking the key-to-partition mapping
 * the stateful apps' stores rely on. Adding partitions in place would send a key's new records to another partition
 * (another task, another store) than its old ones; instead the topic (with the topics co-partitioned with it) is
 * copied to a retained backup, deleted, recreated with the new count and the same configs, and refilled from the
 * backup with the default partitioner (a provider's schedules with its provider's booking requests: {@link TopicPlacement}),
 * so every key lands in {@code hash(key) % N} in its original order. The
 * affected apps then reprocess everything under a new application id. The procedure is in docs/operations.md.
 */
final class ScalePartitions {

    /** A refusal: nothing was changed (or, after the swap began, what was and how to recover), and what to do. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    /** What the command will do. */
    record Plan(Topic<?, ?> topic, List<String> topics, int from, int to, List<OpsApps> apps, Map<String, String> oldApplicationIds,
                Map<String, String> newApplicationIds, TopicLayout layout) {
    }

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Admin admin;
    private final Map<String, Object> clientProps;
    private final Consumer<String> out;

    /** @param clientProps bootstrap servers and security settings for the consumers and producers that copy records */
    ScalePartitions(Admin admin, Map<String, Object> clientProps, Consumer<String> out) {
        this.admin = admin;
        this.clientProps = Map.copyOf(clientProps);
        this.out = out;
    }

    /** Step a: which topics grow, which apps are affected, their new application ids; refuses what cannot be done. */
    Plan plan(String topicName, int partitions, Map<String, String> applicationIds, TopicLayout layout) {
        Topic<?, ?> topic = Topics.all().stream().filter(t -> t.name().equals(topicName)).findFirst()
            .orElseThrow(() -> new Refused(topicName + " is not a careflow topic; use one of "
                + Topics.all().stream().map(Topic::name).sorted().toList()));
        List<OpsApps> apps = OpsApps.ALL.stream().filter(a -> a.topics().reads(topicName)).toList();
        Set<String> grow = new LinkedHashSet<>();
        grow.add(topicName);
        apps.forEach(a -> a.topics().groupOf(topic).forEach(t -> grow.add(t.name())));
        Map<String, Integer> counts = partitionCounts(grow);
        int from = counts.get(topicName);
        if (partitions <= from) {
            throw new Refused(topicName + " already has " + from + " partitions; scale-partitions only adds partitions: give --partitions more than "
                + from);
        }
        List<String> uneven = grow.stream().filter(n -> counts.get(n) != from).map(n -> n + " (" + counts.get(n) + ")").toList();
        if (!uneven.isEmpty()) {
            throw new Refused(topicName + " has " + from + " partitions but its co-partitioned topics " + uneven
                + " do not: fix that first, they must have equal counts");
        }
        TopicLayout after;
        try {
            // All at once: a layout with one of a co-partitioned group grown and not the others is not valid.
            after = layout.with(Topics.all().stream().filter(t -> grow.contains(t.name())).toList(), partitions);
        } catch (ConfigException e) {
            throw new Refused("The new layout is not valid: " + e.getMessage());
        }
        Map<String, String> oldIds = new LinkedHashMap<>();
        Map<String, String> newIds = new LinkedHashMap<>();
        for (OpsApps app : apps) {
            String old = applicationIds.getOrDefault(app.name(), app.defaultApplicationId());
            oldIds.put(app.name(), old);
            newIds.put(app.name(), old.replaceFirst("-p\\d+$", "") + "-p" + partitions);
        }
        return new Plan(topic, List.copyOf(grow), from, partitions, apps, oldIds, newIds, after);
    }

    /** Prints the plan. */
    void print(Plan plan) {
        out.accept("Plan: " + plan.topics() + " from " + plan.from() + " to " + plan.to() + " partitions");
        out.accept(plan.apps().isEmpty() ? "  no stateful careflow app reads " + plan.topic().name()
            : "  stateful apps reading them: " + plan.apps().stream().map(a -> a.name() + " (application.id "
                + plan.oldApplicationIds().get(a.name()) + ")").collect(Collectors.joining(", ")));
        out.accept("  1. check that the apps are stopped and nothing writes the topics");
        out.accept("  2. copy each topic to <topic>.backup-<time>, kept");
        out.accept("  3. delete each topic, recreate it with " + plan.to() + " partitions and the same configs, refill it from the backup by key");
        out.accept("  4. you restart the apps with a new application.id; they reprocess from the beginning");
    }

    /** Steps b to e; returns the names of the backup topics. */
    List<String> execute(Plan plan, Duration quietPeriod, Instant now) {
        Map<TopicPartition, Long> ends = requireStopped(plan, quietPeriod);
        String suffix = ".backup-" + STAMP.format(now);
        List<String> backups = new ArrayList<>();
        for (String name : plan.topics()) {
            String backup = name + suffix;
            createBackup(name, backup, plan.from());
            long copied = copy(name, backup, true);
            out.accept("Copied " + copied + " records of " + name + " to " + backup);
            backups.add(backup);
        }
        if (!ends.equals(endOffsets(ends.keySet()))) {
            throw new Refused("Records were written to " + plan.topics() + " while they were copied; nothing was deleted. Stop every writer "
                + "and run the command again (the backups " + backups + " can be deleted).");
        }
        for (int i = 0; i < plan.topics().size(); i++) {
            swap(plan.topics().get(i), backups.get(i), plan.to());
        }
        printNextSteps(plan, backups);
        return backups;
    }

    /** Step d alone, from an existing backup: recreates {@code topic} with {@code partitions} and refills it (recovery). */
    void restoreFromBackup(String topic, String backup, int partitions) {
        swap(topic, backup, partitions);
    }

    /** Step c: no running members in the affected apps' groups, and end offsets that do not move over the quiet period. */
    private Map<TopicPartition, Long> requireStopped(Plan plan, Duration quietPeriod) {
        List<String> running = new ArrayList<>();
        for (OpsApps app : plan.apps()) {
            String id = plan.oldApplicationIds().get(app.name());
            ConsumerGroupDescription group = group(id);
            if (group != null && !group.members().isEmpty()) {
                running.add(app.name() + " (application.id " + id + ": " + group.members().size() + " running member(s) on "
                    + group.members().stream().map(m -> m.host()).distinct().sorted().toList() + ")");
            }
        }
        if (!running.isEmpty()) {
            throw new Refused("The apps reading " + plan.topics() + " are running: " + running + ". Stop every instance of them "
                + "(and the writers: the ingest API, Connect sources, other apps writing these topics), then run the command again. "
                + "Nothing was changed.");
        }
        Set<TopicPartition> partitions = new LinkedHashSet<>();
        partitionCounts(plan.topics()).forEach((name, count) -> {
            for (int p = 0; p < count; p++) {
                partitions.add(new TopicPartition(name, p));
            }
        });
        Map<TopicPartition, Long> before = endOffsets(partitions);
        sleep(quietPeriod);
        Map<TopicPartition, Long> after = endOffsets(partitions);
        if (!before.equals(after)) {
            List<String> moved = before.keySet().stream().filter(p -> !before.get(p).equals(after.get(p))).map(TopicPartition::toString).toList();
            throw new Refused("Records are still being written to " + moved + " (end offsets moved within " + quietPeriod.toSeconds()
                + " s). Stop the writers (the ingest API answers 503 meanwhile; clients retry), then run the command again. Nothing was changed.");
        }
        return after;
    }

    private void createBackup(String name, String backup, int partitions) {
        short replication = replicationFactor(name);
        Map<String, String> configs = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
            TopicConfig.RETENTION_MS_CONFIG, "-1", TopicConfig.RETENTION_BYTES_CONFIG, "-1");
        get(() -> admin.createTopics(List.of(new NewTopic(backup, partitions, replication).configs(configs))).all().get(30, TimeUnit.SECONDS));
        awaitLeaders(backup, partitions);
    }

    /** Step d: delete, recreate with {@code partitions} and the same configs, refill from {@code backup} by key. */
    private void swap(String name, String backup, int partitions) {
        Map<String, String> configs = dynamicConfigs(name);
        short replication = replicationFactor(name);
        get(() -> admin.deleteTopics(List.of(name)).all().get(30, TimeUnit.SECONDS));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                admin.createTopics(List.of(new NewTopic(name, partitions, replication).configs(configs))).all().get(30, TimeUnit.SECONDS);
                break;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException) || System.nanoTime() > deadline) {
                    throw new Refused("Deleted " + name + " but could not create it again (" + e.getCause().getMessage() + "). Its records are "
                        + "in " + backup + ": run ./careflow ops scale-partitions --topic " + name + " --partitions " + partitions
                        + " --from-backup " + backup + " to finish.");
                }
                sleep(Duration.ofMillis(200));
            } catch (TimeoutException e) {
                throw new Refused("Timed out creating " + name + "; its records are in " + backup);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Refused("Interrupted; the records of " + name + " are in " + backup);
            }
        }
        awaitLeaders(name, partitions);
        long copied = copy(backup, name, false);
        out.accept("Recreated " + name + " with " + partitions + " partitions and refilled it with " + copied + " records from " + backup);
    }

    /**
     * Copies every record of {@code from}, partition by partition in offset order, to {@code to}: to the same partition
     * number when {@code samePartition}, else to the partition the key's topic places it in ({@link #partition}).
     */
    private long copy(String from, String to, boolean samePartition) {
        Map<String, Object> consumerProps = new HashMap<>(clientProps);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        Map<String, Object> producerProps = new HashMap<>(clientProps);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        long total = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer())) {
            int partitions = partitionCounts(List.of(from)).get(from);
            int toPartitions = samePartition ? partitions : partitionCounts(List.of(to)).get(to);
            for (int p = 0; p < partitions; p++) {
                TopicPartition tp = new TopicPartition(from, p);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long end = consumer.endOffsets(List.of(tp)).get(tp);
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (consumer.position(tp) < end) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        producer.send(new ProducerRecord<>(to, partition(to, r.key(), p, samePartition, toPartitions), r.timestamp(), r.key(),
                            r.value(), r.headers()));
                        total++;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new Refused("Reading " + tp + " stalled before its end offset " + end);
                    }
                }
                // Each partition is sent and acknowledged before the next: order within a key is the order of its partition.
                producer.flush();
            }
        }
        return total;
    }

    /**
     * The same partition number for a backup; for a refill, the partition {@link TopicPlacement} gives the key (a
     * provider's schedules go with its booking requests), else null: Kafka's partitioner of the key.
     */
    private static Integer partition(String topic, byte[] key, int from, boolean samePartition, int partitions) {
        if (samePartition) {
            return from;
        }
        if (key == null) {
            return null;
        }
        OptionalInt placed = TopicPlacement.partition(topic, new String(key, StandardCharsets.UTF_8), partitions);
        return placed.isPresent() ? placed.getAsInt() : null;
    }

    private void printNextSteps(Plan plan, List<String> backups) {
        out.accept("Done. " + plan.topics() + " now have " + plan.to() + " partitions; every key is in partition hash(key) % " + plan.to()
            + " (a provider's schedules: hash(providerId) % " + plan.to() + ", with its booking requests).");
        out.accept("Backups kept: " + backups + " (delete them once the apps are verified).");
        out.accept("Next: start every app that reads them with these settings, and every other app with the same topic.partitions:");
        String layout = String.join(",", plan.layout().toEntries());
        for (OpsApps app : plan.apps()) {
            String newId = plan.newApplicationIds().get(app.name());
            out.accept("  " + app.name() + ": application.id=" + newId + " topic.partitions=" + layout
                + "   (environment: CAREFLOW_APPLICATION_ID=" + newId + " CAREFLOW_TOPIC_PARTITIONS=" + layout + ")");
        }
        out.accept("They reprocess from the beginning; reads answer 503 until each is caught up (./careflow ops status shows lag 0).");
        out.accept("Then start the writers again, and remove the old application ids' internal topics and groups:");
        for (OpsApps app : plan.apps()) {
            out.accept("  ./careflow ops scale-partitions --cleanup-old-app-id " + plan.oldApplicationIds().get(app.name())
                + " --new-app-id " + plan.newApplicationIds().get(app.name()));
        }
    }

    /** Step e, once the new application id has caught up: deletes the old id's internal topics and its group. */
    List<String> cleanup(String oldApplicationId, String newApplicationId) {
        ConsumerGroupDescription old = group(oldApplicationId);
        if (old != null && !old.members().isEmpty()) {
            throw new Refused(oldApplicationId + " still has running members: stop them first.");
        }
        Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed = get(() -> admin
            .listConsumerGroupOffsets(newApplicationId).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS));
        if (committed.isEmpty()) {
            throw new Refused(newApplicationId + " has committed nothing yet: start the app with it and wait until it has caught up.");
        }
        // Inputs only: the app's own repartition topics end in transaction markers its idle tasks never commit past.
        Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> inputs = committed.entrySet().stream()
            .filter(e -> !e.getKey().topic().startsWith(newApplicationId + "-"))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        Map<TopicPartition, Long> ends = endOffsets(inputs.keySet());
        long lag = inputs.entrySet().stream().mapToLong(e -> Math.max(0, ends.get(e.getKey()) - e.getValue().offset())).sum();
        if (lag > 0) {
            throw new Refused(newApplicationId + " is still " + lag + " records behind: wait until ./careflow ops status shows lag 0.");
        }
        List<String> internal = get(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS)).stream()
            .filter(n -> n.startsWith(oldApplicationId + "-") && (n.endsWith("-changelog") || n.endsWith("-repartition")))
            .sorted().toList();
        if (!internal.isEmpty()) {
            get(() -> admin.deleteTopics(internal).all().get(30, TimeUnit.SECONDS));
        }
        try {
            admin.deleteConsumerGroups(List.of(oldApplicationId)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                throw new Refused("Deleted " + internal + " but not the group " + oldApplicationId + ": " + e.getCause().getMessage());
            }
        } catch (InterruptedException | TimeoutException e) {
            throw new Refused("Deleted " + internal + " but timed out deleting the group " + oldApplicationId);
        }
        out.accept("Deleted " + internal.size() + " internal topic(s) of " + oldApplicationId + " and its consumer group: " + internal);
        return internal;
    }

    /** The group's description, or null when Kafka knows no such group. */
    private ConsumerGroupDescription group(String id) {
        try {
            return admin.describeConsumerGroups(List.of(id)).all().get(30, TimeUnit.SECONDS).get(id);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return null;
            }
            throw new Refused("Could not describe group " + id + ": " + e.getCause().getMessage());
        } catch (InterruptedException | TimeoutException e) {
            throw new Refused("Could not describe group " + id + ": is Kafka reachable?");
        }
    }

    private Map<String, Integer> partitionCounts(java.util.Collection<String> names) {
        try {
            Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            Map<String, Integer> counts = new LinkedHashMap<>();
            names.forEach(n -> counts.put(n, described.get(n).partitions().size()));
            return counts;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new Refused("One of " + names + " does not exist: create the topics first (./careflow ops create-topics)");
            }
            throw new Refused("Could not describe " + names + ": " + e.getCause().getMessage());
        } catch (InterruptedException | TimeoutException e) {
            throw new Refused("Could not describe " + names + ": is Kafka reachable?");
        }
    }

    private short replicationFactor(String name) {
        TopicDescription d = get(() -> admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name));
        return (short) d.partitions().get(0).replicas().size();
    }

    /** The topic's configs set on the topic itself (not broker defaults), to recreate it alike. */
    private Map<String, String> dynamicConfigs(String name) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
        Config config = get(() -> admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource));
        return config.entries().stream().filter(e -> e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG && e.value() != null)
            .collect(Collectors.toMap(ConfigEntry::name, ConfigEntry::value));
    }

    private Map<TopicPartition, Long> endOffsets(java.util.Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> ends = new HashMap<>();
        get(() -> admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()))).all()
            .get(30, TimeUnit.SECONDS)).forEach((p, info) -> ends.put(p, info.offset()));
        return ends;
    }

    private void awaitLeaders(String name, int partitions) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                TopicDescription d = admin.describeTopics(List.of(name)).allTopicNames().get(10, TimeUnit.SECONDS).get(name);
                if (d.partitions().size() == partitions && d.partitions().stream().allMatch(p -> p.leader() != null)) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                // not visible yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Refused("Interrupted waiting for " + name);
            }
            sleep(Duration.ofMillis(100));
        }
        throw new Refused(name + " has no leader for every partition after " + TIMEOUT.toSeconds() + " s");
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused("Interrupted");
        }
    }

    /** An admin call that either answers or refuses with the reason. */
    private interface Call<T> {
        T call() throws ExecutionException, InterruptedException, TimeoutException;
    }

    private static <T> T get(Call<T> call) {
        try {
            return call.call();
        } catch (ExecutionException e) {
            throw new Refused("Kafka refused: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new Refused("Kafka did not answer in time: is it reachable?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused("Interrupted");
        }
    }
}
