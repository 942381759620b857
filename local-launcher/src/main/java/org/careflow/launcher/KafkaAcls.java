package org.careflow.launcher;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.careflow.connectors.ConnectorConfigs;
import org.careflow.topics.Topic;
import org.careflow.topics.Topics;

/**
 * The least-privilege ACLs of each Kafka user of the local stack: the one place that says which user may touch which
 * topic, group and transactional id. What an app reads and writes is taken from its code where the code can say it: a
 * streams app's topology ({@code describe()}: its sources, global tables and sinks) and its Streams settings (application
 * id, dead-letter topic); the Connect worker's from the connector configurations it runs. The ingest API and the
 * dispatcher write through plain clients whose topics are spelled at their call sites: they are listed here, and
 * {@code KafkaAclsTest} checks the lists against the catalogue topics their classes use.
 */
final class KafkaAcls {

    /** The catalogue topics the ingest API writes: what its routes publish (forms, facilities, webhooks included). */
    static final List<Topic<?, ?>> INGEST_WRITES = List.of(Topics.TRIAGE_SUBMISSIONS, Topics.TRIAGE_DISPOSITIONS,
        Topics.PROVIDER_SCHEDULES, Topics.BOOKING_REQUESTS, Topics.BOOKING_CANCELLATIONS, Topics.PATIENT_CONTACTS,
        Topics.FACILITIES, Topics.TRIAGE_FORMS, Topics.INBOUND_MESSAGES, Topics.NOTIFICATION_STATUSES);
    /** The catalogue topics the ingest API reads, without a consumer group: its facility and form catalogues. */
    static final List<Topic<?, ?>> INGEST_READS = List.of(Topics.FACILITIES, Topics.TRIAGE_FORMS);
    /** What the notification dispatcher (its own app and Kafka user) writes: outcomes and dead letters. */
    static final List<Topic<?, ?>> DISPATCHER_WRITES = List.of(Topics.NOTIFICATION_STATUSES, Topics.OUTBOUND_DEAD_LETTERS,
        Topics.NOTIFICATIONS_DEAD_LETTERS);
    /** What the dispatcher reads: what to send (in its group), and the status reports of a send whose fate is unknown (no group). */
    static final List<Topic<?, ?>> DISPATCHER_READS = List.of(Topics.OUTBOUND_NOTIFICATIONS, Topics.NOTIFICATION_STATUSES);
    /** Every streams app's query layer records each read of patient data here (streams-query's AuditPublisher). */
    static final Topic<?, ?> QUERY_AUDIT = Topics.AUDIT_EVENTS;

    /**
     * What Kafka Streams does on topics named {@code <application.id>-...} (its changelog and repartition topics):
     * create them, check their configuration, read and write them, and delete repartition records once processed.
     */
    private static final List<AclOperation> INTERNAL_TOPIC_OPERATIONS = List.of(AclOperation.CREATE, AclOperation.READ,
        AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS, AclOperation.DELETE);
    /** What a Connect worker does on its config, offset and status topics: create, check they are compacted, read, write. */
    private static final List<AclOperation> CONNECT_INTERNAL_OPERATIONS = List.of(AclOperation.CREATE, AclOperation.READ,
        AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);

    private KafkaAcls() {
    }

    /** The ingest API: writes its input topics, reads the two catalogues it validates requests against, nothing else. */
    static List<AclBinding> ingest(String user) {
        List<AclBinding> acls = new ArrayList<>();
        INGEST_WRITES.forEach(t -> acls.add(allow(user, ResourceType.TOPIC, t.name(), PatternType.LITERAL, AclOperation.WRITE)));
        INGEST_READS.forEach(t -> acls.add(allow(user, ResourceType.TOPIC, t.name(), PatternType.LITERAL, AclOperation.READ)));
        return acls;
    }

    /**
     * A Kafka Streams app with exactly-once: its group, internal topics and transactional ids by the prefix of its
     * {@code application.id} (the dispatcher's group {@code <application.id>-dispatcher} falls under it too), READ on
     * the topics its topology reads, WRITE on those it writes, on its dead-letter topic and on the audit topic, and READ
     * on the dead-letter topics it writes and the replay ledger (its metrics count what waits there).
     *
     * @param streamsProperties the app's Kafka Streams settings, as its config class makes them
     * @param extraWrites topics the process writes outside the topology (the dispatcher's)
     */
    static List<AclBinding> streamsApp(String user, Properties streamsProperties, Topology topology, Collection<Topic<?, ?>> extraWrites) {
        String applicationId = required(streamsProperties, StreamsConfig.APPLICATION_ID_CONFIG);
        String deadLetters = required(streamsProperties, StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        String prefix = applicationId + "-";
        TopologyTopics topics = TopologyTopics.of(topology);
        List<AclBinding> acls = new ArrayList<>();
        acls.add(allow(user, ResourceType.GROUP, applicationId, PatternType.LITERAL, AclOperation.READ));
        acls.add(allow(user, ResourceType.GROUP, prefix, PatternType.PREFIXED, AclOperation.READ));
        INTERNAL_TOPIC_OPERATIONS.forEach(op -> acls.add(allow(user, ResourceType.TOPIC, prefix, PatternType.PREFIXED, op)));
        // exactly_once_v2: each stream thread's producer is transactional, with an id <application.id>-<process>-<thread>.
        acls.add(allow(user, ResourceType.TRANSACTIONAL_ID, prefix, PatternType.PREFIXED, AclOperation.WRITE));
        topics.reads().forEach(t -> acls.add(allow(user, ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.READ)));
        Set<String> writes = new TreeSet<>(topics.writes());
        writes.add(deadLetters);
        writes.add(QUERY_AUDIT.name());
        extraWrites.forEach(t -> writes.add(t.name()));
        writes.forEach(t -> acls.add(allow(user, ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.WRITE)));
        // Its metrics count what waits on the dead-letter topics it writes: it reads them and the replay ledger (keys only).
        Set<String> deadLetterReads = new TreeSet<>();
        deadLetterReads.add(deadLetters);
        extraWrites.stream().map(Topic::name).filter(t -> t.endsWith("dead-letters")).forEach(deadLetterReads::add);
        deadLetterReads.add(Topics.DEAD_LETTER_REPLAYS.name());
        deadLetterReads.removeAll(topics.reads());
        deadLetterReads.forEach(t -> acls.add(allow(user, ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.READ)));
        return acls;
    }

    /**
     * The notifications dispatcher: its consumer group, READ on {@link #DISPATCHER_READS}, WRITE on
     * {@link #DISPATCHER_WRITES}, and READ on the dead-letter topics it writes and the replay ledger (its metrics count
     * what waits there). No transactional id and no internal topics: it writes with plain idempotent producers.
     */
    static List<AclBinding> dispatcher(String user, String groupId) {
        List<AclBinding> acls = new ArrayList<>();
        acls.add(allow(user, ResourceType.GROUP, groupId, PatternType.LITERAL, AclOperation.READ));
        Set<String> reads = new TreeSet<>();
        DISPATCHER_READS.forEach(t -> reads.add(t.name()));
        DISPATCHER_WRITES.stream().map(Topic::name).filter(t -> t.endsWith("dead-letters")).forEach(reads::add);
        reads.add(Topics.DEAD_LETTER_REPLAYS.name());
        reads.forEach(t -> acls.add(allow(user, ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.READ)));
        DISPATCHER_WRITES.forEach(t -> acls.add(allow(user, ResourceType.TOPIC, t.name(), PatternType.LITERAL, AclOperation.WRITE)));
        return acls;
    }

    /**
     * The Connect worker: its group and internal topics ({@code <group>-configs}, {@code -offsets}, {@code -status}),
     * and per connector what its configuration names: a sink's {@code topics} (READ) and its consumer group
     * {@code connect-<name>}, a dead-letter topic (WRITE), a source's change topics {@code <topic.prefix>.*} (WRITE, and
     * CREATE since the worker creates them when missing).
     */
    static List<AclBinding> connect(String user, String workerGroup, List<ConnectorConfigs.Connector> connectors) {
        List<AclBinding> acls = new ArrayList<>();
        acls.add(allow(user, ResourceType.GROUP, workerGroup, PatternType.LITERAL, AclOperation.READ));
        CONNECT_INTERNAL_OPERATIONS.forEach(op -> acls.add(allow(user, ResourceType.TOPIC, workerGroup + "-", PatternType.PREFIXED, op)));
        for (ConnectorConfigs.Connector connector : connectors) {
            Map<String, String> config = connector.config();
            if (config.containsKey("topics.regex")) {
                throw new IllegalStateException("Connector " + connector.name() + " reads topics.regex; its ACLs need the topic names: "
                    + "list them in topics");
            }
            if (config.containsKey("topics")) {
                for (String topic : config.get("topics").split(",")) {
                    acls.add(allow(user, ResourceType.TOPIC, topic.trim(), PatternType.LITERAL, AclOperation.READ));
                }
                String group = config.getOrDefault("consumer.override.group.id", "connect-" + connector.name());
                acls.add(allow(user, ResourceType.GROUP, group, PatternType.LITERAL, AclOperation.READ));
            }
            String deadLetters = config.get("errors.deadletterqueue.topic.name");
            if (deadLetters != null && !deadLetters.isBlank()) {
                acls.add(allow(user, ResourceType.TOPIC, deadLetters, PatternType.LITERAL, AclOperation.WRITE));
            }
            String prefix = config.get("topic.prefix");
            if (prefix != null && !prefix.isBlank()) {
                acls.add(allow(user, ResourceType.TOPIC, prefix + ".", PatternType.PREFIXED, AclOperation.WRITE));
                acls.add(allow(user, ResourceType.TOPIC, prefix + ".", PatternType.PREFIXED, AclOperation.CREATE));
            }
        }
        return List.copyOf(new LinkedHashSet<>(acls));
    }

    private static AclBinding allow(String user, ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
            new AccessControlEntry(principal(user), "*", operation, AclPermissionType.ALLOW));
    }

    static String principal(String user) {
        return "User:" + user;
    }

    private static String required(Properties properties, String key) {
        Object value = properties.get(key);
        if (value == null || value.toString().isBlank()) {
            throw new IllegalArgumentException("The app's Streams settings have no " + key + ": its ACLs depend on it");
        }
        return value.toString();
    }

    /**
     * The topics outside the app's own that a topology reads and writes; its internal topics fall under the app's
     * prefix. A sink whose topic a {@code TopicNameExtractor} chooses cannot be granted and is refused.
     */
    record TopologyTopics(Set<String> reads, Set<String> writes) {

        private static final Set<String> CATALOGUE = Topics.all().stream().map(Topic::name).collect(java.util.stream.Collectors.toSet());

        static TopologyTopics of(Topology topology) {
            TopologyDescription description = topology.describe();
            Set<String> sources = new TreeSet<>();
            Set<String> sinks = new TreeSet<>();
            for (TopologyDescription.Subtopology sub : description.subtopologies()) {
                for (TopologyDescription.Node node : sub.nodes()) {
                    if (node instanceof TopologyDescription.Source source) {
                        if (source.topicSet() == null) {
                            throw new IllegalStateException("Source " + source.name() + " reads a topic pattern; its ACLs need topic names");
                        }
                        sources.addAll(source.topicSet());
                    } else if (node instanceof TopologyDescription.Sink sink) {
                        if (sink.topic() == null) {
                            throw new IllegalStateException("Sink " + sink.name() + " chooses its topic per record; its ACLs need topic names");
                        }
                        sinks.add(sink.topic());
                    }
                }
            }
            description.globalStores().forEach(g -> sources.addAll(g.source().topicSet()));
            // Kafka Streams' own topics (repartition, foreign-key subscription) are written and read back by the topology
            // and are not in the catalogue; describe() names them without the application id.
            Set<String> internal = new TreeSet<>(sources);
            internal.retainAll(sinks);
            internal.removeIf(CATALOGUE::contains);
            sources.removeAll(internal);
            sinks.removeAll(internal);
            return new TopologyTopics(Set.copyOf(sources), Set.copyOf(sinks));
        }
    }
}
