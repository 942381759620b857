package org.careflow.ingest.forms;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.careflow.config.CommonConfig;
import org.careflow.events.triage.FormDefinition;
import org.careflow.forms.BuiltInForms;
import org.careflow.forms.FormKey;
import org.careflow.ingest.IngestConfig;
import org.careflow.ingest.catalog.CompactedTopicReader;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.RegistryLogin;
import org.careflow.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every published triage form version, in memory: the {@code triage-forms} topic read from the beginning on a
 * daemon thread ({@link CompactedTopicReader}), plus the built-in forms. The ingest API checks submissions against it
 * and refuses to overwrite a published version. The topic is small and compacted (one record per version), so every
 * instance holds it all. Forms handed out are shared: callers must not change them.
 */
public final class FormCatalog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FormCatalog.class);

    private final ConcurrentMap<String, NavigableMap<Integer, FormDefinition>> forms = new ConcurrentHashMap<>();
    private final String topic;
    private final CompactedTopicReader<FormDefinition> reader;

    /** A catalog fed by {@code consumer} from {@code topic}; call {@link #start()} to read it. */
    FormCatalog(Consumer<String, FormDefinition> consumer, String topic) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.reader = new CompactedTopicReader<>("form catalog", Objects.requireNonNull(consumer, "consumer"), topic,
            this::apply, forms::size);
    }

    private FormCatalog(Collection<FormDefinition> fixed) {
        this.topic = Topics.TRIAGE_FORMS.name();
        this.reader = new CompactedTopicReader<>("form catalog", null, topic, this::apply, forms::size);
        fixed.forEach(this::put);
    }

    /** A catalog reading the {@code triage-forms} topic through the schema registry, as {@code config} says; not started. */
    public static FormCatalog create(IngestConfig config) {
        RegistryEventSerdes serdes = new RegistryEventSerdes(config.getString(CommonConfig.REGISTRY_URL_CONFIG),
            config.getBoolean(CommonConfig.REGISTRY_AUTO_REGISTER_CONFIG), RegistryLogin.of(
                config.getString(CommonConfig.REGISTRY_CLIENT_ID_CONFIG), CommonConfig.registryClientSecret(config)));
        return new FormCatalog(new KafkaConsumer<>(consumerConfig(config, serdes.clientConfig())), Topics.TRIAGE_FORMS.name());
    }

    /** The consumer settings of {@link #create}: {@code serdesConfig}, the app's Kafka security settings and reading settings. */
    static Map<String, Object> consumerConfig(IngestConfig config, Map<String, ?> serdesConfig) {
        return CompactedTopicReader.consumerConfig(config, serdesConfig, "forms");
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
    public FormCatalog start() {
        reader.start();
        return this;
    }

    /** Waits at most {@code timeout} for {@link #caughtUp()}; returns whether it is. */
    public boolean awaitCaughtUp(Duration timeout) {
        return reader.awaitCaughtUp(timeout);
    }

    /**
     * True once the catalog has read the topic up to where it ended when reading started: from then on, a form
     * it does not know was not published before this instance started. It stays true.
     */
    public boolean caughtUp() {
        return reader.caughtUp();
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

    /** One step of the reader thread, failures included: how long to pause before the next step (zero: none). */
    Duration step() {
        return reader.step();
    }

    /** One read of the topic; false when it does not exist (yet). */
    boolean pollOnce() {
        return reader.pollOnce();
    }

    /** Stops reading and closes the consumer. */
    @Override
    public void close() {
        reader.close();
    }
}
