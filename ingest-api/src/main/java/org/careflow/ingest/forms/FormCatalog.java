package org.careflow.ingest.forms;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.careflow.config.CommonConfig;
import org.careflow.events.triage.FormDefinition;
import org.careflow.forms.BuiltInForms;
import org.careflow.forms.FormKey;
import org.careflow.ingest.IngestConfig;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every published triage form version, in memory: the {@code triage-forms} topic read from the beginning on a
 * daemon thread, plus the built-in forms. The ingest API checks submissions against it and refuses to overwrite
 * a published version. The topic is small and compacted (one record per version), so every instance holds it all.
 * Forms handed out are shared: callers must not change them.
 */
public final class FormCatalog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FormCatalog.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY_BACKOFF = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final ConcurrentMap<String, NavigableMap<Integer, FormDefinition>> forms = new ConcurrentHashMap<>();
    private final Consumer<String, FormDefinition> consumer;
    private final String topic;
    private final CountDownLatch caughtUpSignal = new CountDownLatch(1);
    private final CountDownLatch closeSignal = new CountDownLatch(1);
    private volatile boolean caughtUp;
    private volatile boolean closed;
    private Thread reader;
    /** The end offsets seen when reading started: reaching them is being caught up. Reader thread only. */
    private Map<TopicPartition, Long> startEndOffsets;
    /** Reader thread only. */
    private int consecutiveFailures;

    /** A catalog fed by {@code consumer} from {@code topic}; call {@link #start()} to read it. */
    FormCatalog(Consumer<String, FormDefinition> consumer, String topic) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.topic = Objects.requireNonNull(topic, "topic");
    }

    private FormCatalog(Collection<FormDefinition> fixed) {
        this.consumer = null;
        this.topic = Topics.TRIAGE_FORMS.name();
        fixed.forEach(this::put);
        markCaughtUp();
    }

    /** A catalog reading the {@code triage-forms} topic through the schema registry, as {@code config} says; not started. */
    public static FormCatalog create(IngestConfig config) {
        RegistryEventSerdes serdes = new RegistryEventSerdes(config.getString(CommonConfig.REGISTRY_URL_CONFIG),
            config.getBoolean(CommonConfig.REGISTRY_AUTO_REGISTER_CONFIG));
        return new FormCatalog(new KafkaConsumer<>(consumerConfig(config, serdes.clientConfig())), Topics.TRIAGE_FORMS.name());
    }

    /** The consumer settings of {@link #create}: {@code serdesConfig}, the app's Kafka security settings and reading settings. */
    static Map<String, Object> consumerConfig(IngestConfig config, Map<String, ?> serdesConfig) {
        Map<String, Object> props = new HashMap<>(serdesConfig);
        props.putAll(CommonConfig.kafkaClientSecurity(config));
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.getList(CommonConfig.KAFKA_BOOTSTRAP_SERVERS_CONFIG));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "careflow-ingest-api-forms");
        // Assigned, not subscribed: every instance reads every partition, and no offsets are committed.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, io.apicurio.registry.serde.avro.AvroKafkaDeserializer.class);
        return props;
    }

    /** A catalog fed by {@code consumer} (which it closes) from {@code topic}; not started. For tests and tools. */
    public static FormCatalog reading(Consumer<String, FormDefinition> consumer, String topic) {
        return new FormCatalog(consumer, topic);
    }

    /** A catalog of exactly {@code forms} (and the built-in ones), caught up from the start; for tests and tools. */
    public static FormCatalog fixed(Collection<FormDefinition> forms) {
        return new FormCatalog(List.copyOf(forms));
    }

    /** Starts reading the topic from its beginning on a daemon thread. */
    public synchronized FormCatalog start() {
        if (consumer == null || reader != null || closed) {
            return this;
        }
        reader = Thread.ofPlatform().daemon().name("forms-catalog").start(this::run);
        return this;
    }

    /** Waits at most {@code timeout} for {@link #caughtUp()}; returns whether it is. */
    public boolean awaitCaughtUp(Duration timeout) {
        try {
            return caughtUpSignal.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return caughtUp;
        }
    }

    /**
     * True once the catalog has read the topic up to where it ended when reading started: from then on, a form
     * it does not know was not published before this instance started. It stays true.
     */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Form {@code formId} at {@code version}, or at its latest version when {@code version} is null. */
    public Optional<FormDefinition> find(String formId, Integer version) {
        Objects.requireNonNull(formId, "formId");
        if (BuiltInForms.isBuiltIn(formId)) {
            return BuiltInForms.find(formId, version);
        }
        NavigableMap<Integer, FormDefinition> versions = forms.get(formId);
        if (versions == null) {
            return Optional.empty();
        }
        if (version == null) {
            Map.Entry<Integer, FormDefinition> latest = versions.lastEntry();
            return latest == null ? Optional.empty() : Optional.of(latest.getValue());
        }
        return Optional.ofNullable(versions.get(version));
    }

    /**
     * Adds {@code form}, replacing the same version; for a version this instance has just published, so that it
     * is known before the reader thread gets to it.
     */
    public void put(FormDefinition form) {
        Objects.requireNonNull(form, "form");
        if (BuiltInForms.isBuiltIn(form.getFormId())) {
            throw new IllegalArgumentException("Built-in forms are not published: " + form.getFormId());
        }
        forms.compute(form.getFormId(), (id, versions) -> {
            NavigableMap<Integer, FormDefinition> updated = versions == null ? new ConcurrentSkipListMap<>() : versions;
            updated.put(form.getVersion(), form);
            return updated;
        });
    }

    private void remove(FormKey key) {
        forms.computeIfPresent(key.formId(), (id, versions) -> {
            versions.remove(key.version());
            return versions.isEmpty() ? null : versions;
        });
    }

    private void run() {
        try {
            while (!closed) {
                Duration pause = step();
                if (!pause.isZero()) {
                    awaitClose(pause);
                }
            }
        } catch (RuntimeException e) {
            LOG.error("The form catalog stopped reading {}", topic, e);
        } finally {
            consumer.close(CLOSE_TIMEOUT);
        }
    }

    /**
     * One step of the reader thread, failures included: how long to pause before the next step (zero: none).
     * A record that cannot be read is retried, never skipped: a form version silently missing would turn valid
     * submissions into 422s, while a stuck catalog shows (not ready, 503) until the registry or broker is back.
     */
    Duration step() {
        try {
            if (!pollOnce()) {
                return RETRY_BACKOFF;
            }
            consecutiveFailures = 0;
            return Duration.ZERO;
        } catch (WakeupException e) {
            // close() woke the poll; the loop condition ends it.
            return Duration.ZERO;
        } catch (RecordDeserializationException e) {
            Duration pause = backoff();
            LOG.warn("Cannot read the record of {} at partition {} offset {}; retrying in {} ms: {}", topic,
                e.topicPartition().partition(), e.offset(), pause.toMillis(), rootCause(e));
            return pause;
        } catch (KafkaException e) {
            Duration pause = backoff();
            LOG.warn("Reading {} failed; retrying in {} ms: {}", topic, pause.toMillis(), rootCause(e));
            return pause;
        }
    }

    /** 1 s, 2 s, 4 s ... up to 30 s while failures last, so an outage does not flood the log. */
    private Duration backoff() {
        consecutiveFailures = Math.min(consecutiveFailures + 1, 16);
        long millis = RETRY_BACKOFF.toMillis() << (consecutiveFailures - 1);
        return Duration.ofMillis(Math.min(millis, MAX_RETRY_BACKOFF.toMillis()));
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? e.toString() : e.getClass().getSimpleName() + " caused by " + root;
    }

    /**
     * One step of the reader: assign all partitions (once), read what is there, and note when caught up.
     * False when the topic does not exist (yet).
     */
    boolean pollOnce() {
        if (startEndOffsets == null && !assignAll()) {
            return false;
        }
        for (ConsumerRecord<String, FormDefinition> record : consumer.poll(POLL_TIMEOUT)) {
            apply(record);
        }
        if (!caughtUp && startEndOffsets.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
            markCaughtUp();
            LOG.info("Form catalog caught up with {}: {} form(s)", topic, forms.size());
        }
        return true;
    }

    private boolean assignAll() {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic);
        if (partitions == null || partitions.isEmpty()) {
            LOG.warn("Topic {} not found; the form catalog waits for it to be created", topic);
            return false;
        }
        List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        startEndOffsets = Map.copyOf(consumer.endOffsets(assigned));
        LOG.info("Form catalog reading {} from the beginning ({} partition(s))", topic, assigned.size());
        return true;
    }

    private void apply(ConsumerRecord<String, FormDefinition> record) {
        Optional<FormKey> key = FormKey.parse(record.key());
        FormDefinition form = record.value();
        if (key.isEmpty() || BuiltInForms.isBuiltIn(key.get().formId())) {
            LOG.warn("Skipping a record of {} at partition {} offset {}: its key is not formId@version of a publishable form",
                topic, record.partition(), record.offset());
        } else if (form == null) {
            remove(key.get());
        } else if (!form.getFormId().equals(key.get().formId()) || form.getVersion() != key.get().version()) {
            LOG.warn("Skipping a record of {} at partition {} offset {}: its key names another form version than its value",
                topic, record.partition(), record.offset());
        } else {
            put(form);
        }
    }

    private void markCaughtUp() {
        caughtUp = true;
        caughtUpSignal.countDown();
    }

    private void awaitClose(Duration timeout) {
        try {
            closeSignal.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** Stops reading and closes the consumer. */
    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            running = reader;
        }
        closeSignal.countDown();
        if (consumer == null) {
            return;
        }
        if (running == null) {
            consumer.close(CLOSE_TIMEOUT);
            return;
        }
        consumer.wakeup();
        try {
            running.join(CLOSE_TIMEOUT.plusSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
