package org.careflow.ingest.facilities;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.careflow.events.facilities.Facility;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.Topics;

/** Registered facilities for route tests: the ids the tests name, active and accepting patient self-triage. */
public final class TestFacilities {

    /** Every facility id the ingest tests write for. */
    public static final List<String> IDS = List.of("f-1", "f-2", "f-9", "F1", "F2");

    private TestFacilities() {
    }

    /** An active facility accepting self-triage, with no on-call contacts. */
    public static Facility facility(String id, boolean acceptsSelfTriage) {
        return Facility.newBuilder().setEventId("facility-" + id).setOccurredAt(Instant.parse("2026-11-01T00:00:00Z"))
            .setFacilityId(id).setName("Facility " + id).setActive(true).setAcceptsSelfTriage(acceptsSelfTriage).build();
    }

    /**
     * Registers {@link #IDS} as a deployment would, by writing them to the {@code facilities} topic (acknowledged), so
     * that an ingest API started afterwards knows them.
     */
    public static void publish(String bootstrapServers, String registryUrl) {
        RegistryEventSerdes serdes = new RegistryEventSerdes(registryUrl, false);
        Map<String, Object> props = new HashMap<>(serdes.clientConfig());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, Facility> producer = new KafkaProducer<>(props, new StringSerializer(),
            serdes.valueSerde(Topics.FACILITIES).serializer())) {
            for (String id : IDS) {
                producer.send(new ProducerRecord<>(Topics.FACILITIES.name(), id, facility(id, true))).get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not register the test facilities", e.getCause());
        }
    }

    /** A catalog holding {@link #IDS}. */
    public static FacilityCatalog catalog() {
        return catalog(IDS.toArray(String[]::new));
    }

    /** A catalog holding exactly {@code ids}. */
    public static FacilityCatalog catalog(String... ids) {
        return FacilityCatalog.fixed(Arrays.stream(ids).map(id -> facility(id, true)).toList());
    }
}
