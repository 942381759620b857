package org.careflow.ingest.facilities;

import org.careflow.validation.FieldError;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.careflow.config.CommonConfig;
import org.careflow.events.facilities.Facility;
import org.careflow.ingest.IngestConfig;
import org.careflow.ingest.catalog.CompactedTopicReader;
import org.careflow.http.Problem;
import org.careflow.http.ProblemException;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.RegistryLogin;
import org.careflow.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every registered facility, in memory: the compacted {@code facilities} topic read from the beginning on a daemon
 * thread, as the form catalog reads the forms. The ingest API refuses a write naming a facility that is not here and
 * active ({@link #requireKnown}, 422), and refuses a patient's own triage to a facility that does not accept it.
 * While the catalog has not read the topic to its end, a facility it does not know is answered 503 (never a wrong 422).
 */
public final class FacilityCatalog implements AutoCloseable {

    /** Problem type of a write naming a facility careflow does not serve. */
    public static final String UNKNOWN_FACILITY_TYPE = "https://careflow.org/problems/unknown-facility";

    private static final Logger LOG = LoggerFactory.getLogger(FacilityCatalog.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final ConcurrentMap<String, Facility> facilities = new ConcurrentHashMap<>();
    private final String topic;
    private final CompactedTopicReader<Facility> reader;

    private FacilityCatalog(Consumer<String, Facility> consumer, String topic) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.reader = new CompactedTopicReader<>("facility catalog", consumer, topic, this::apply, facilities::size);
    }

    /** A catalog reading the {@code facilities} topic through the schema registry, as {@code config} says; not started. */
    public static FacilityCatalog create(IngestConfig config) {
        RegistryEventSerdes serdes = new RegistryEventSerdes(config.getString(CommonConfig.REGISTRY_URL_CONFIG),
            config.getBoolean(CommonConfig.REGISTRY_AUTO_REGISTER_CONFIG), RegistryLogin.of(
                config.getString(CommonConfig.REGISTRY_CLIENT_ID_CONFIG), CommonConfig.registryClientSecret(config)));
        return new FacilityCatalog(new KafkaConsumer<>(CompactedTopicReader.consumerConfig(config, serdes.clientConfig(), "facilities")),
            Topics.FACILITIES.name());
    }

    /** A catalog fed by {@code consumer} (which it closes) from {@code topic}; not started. For tests and tools. */
    public static FacilityCatalog reading(Consumer<String, Facility> consumer, String topic) {
        return new FacilityCatalog(Objects.requireNonNull(consumer, "consumer"), topic);
    }

    /** A catalog of exactly {@code facilities}, caught up from the start; for tests and tools. */
    public static FacilityCatalog fixed(Collection<Facility> facilities) {
        FacilityCatalog catalog = new FacilityCatalog(null, Topics.FACILITIES.name());
        List.copyOf(facilities).forEach(catalog::put);
        return catalog;
    }

    /** Starts reading the topic from its beginning on a daemon thread. */
    public FacilityCatalog start() {
        reader.start();
        return this;
    }

    /** Waits at most {@code timeout} for {@link #caughtUp()}; returns whether it is. */
    public boolean awaitCaughtUp(Duration timeout) {
        return reader.awaitCaughtUp(timeout);
    }

    /** True once the topic was read to where it ended at start: a facility not known then was not registered before. */
    public boolean caughtUp() {
        return reader.caughtUp();
    }

    /** The facility's record, active or not. */
    public Optional<Facility> find(String facilityId) {
        return facilityId == null ? Optional.empty() : Optional.ofNullable(facilities.get(facilityId));
    }

    /**
     * The active facility {@code facilityId}; throws 422 naming {@code pointer} when there is none (unknown and inactive
     * answer the same), or 503 while the catalog is still loading and does not know it.
     */
    public Facility requireKnown(String facilityId, String pointer) {
        Facility facility = facilities.get(facilityId);
        if (facility != null && facility.getActive()) {
            return facility;
        }
        if (!caughtUp()) {
            throw ProblemException.unavailable("The facility catalog is still loading, so facility " + facilityId
                + " cannot be checked yet. Nothing was recorded; retry shortly.", RETRY_AFTER);
        }
        String message = "names facility " + facilityId + ", which careflow does not serve: register it first "
            + "(PUT /v1/facilities/{facilityId}, ops) or name another";
        throw new ProblemException(new Problem(UNKNOWN_FACILITY_TYPE, "Unknown facility", 422,
            "The request names a facility careflow does not serve. Nothing was recorded.",
            List.of(new FieldError(pointer, message))));
    }

    /** Problem type of a patient's own triage to a facility that does not accept self-triage. */
    public static final String SELF_TRIAGE_REFUSED_TYPE = "https://careflow.org/problems/self-triage-not-accepted";

    /**
     * The facility a triage submission names, checked: known and active ({@link #requireKnown}, 422), and when the
     * submitter is the patient themselves, accepting self-triage (403 naming {@code pointer} otherwise).
     */
    public Facility requireTriageAccepted(String facilityId, String pointer, boolean selfSubmitted) {
        Facility facility = requireKnown(facilityId, pointer);
        if (selfSubmitted && !facility.getAcceptsSelfTriage()) {
            String message = "facility " + facilityId + " does not accept triage submitted by patients themselves: "
                + "contact the facility, or submit through its staff or integration";
            throw new ProblemException(new Problem(SELF_TRIAGE_REFUSED_TYPE, "Self-triage not accepted", 403,
                "The facility does not accept patient self-triage. Nothing was recorded.",
                List.of(new FieldError(pointer, message))));
        }
        return facility;
    }

    /** Adds or replaces {@code facility}; for one this instance has just published, so it is known at once. */
    public void put(Facility facility) {
        Objects.requireNonNull(facility, "facility");
        facilities.put(facility.getFacilityId(), facility);
    }

    private void apply(ConsumerRecord<String, Facility> record) {
        Facility facility = record.value();
        if (record.key() == null) {
            LOG.warn("Skipping a record of {} at partition {} offset {}: it has no key", topic, record.partition(), record.offset());
        } else if (facility == null) {
            facilities.remove(record.key());
        } else if (!facility.getFacilityId().equals(record.key())) {
            LOG.warn("Skipping a record of {} at partition {} offset {}: its key names another facility than its value",
                topic, record.partition(), record.offset());
        } else {
            put(facility);
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
