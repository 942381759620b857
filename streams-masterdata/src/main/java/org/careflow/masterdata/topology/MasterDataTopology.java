package org.careflow.masterdata.topology;

import java.util.Objects;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.scheduling.WeeklySession;
import org.careflow.events.security.DataAccessAudit;
import org.careflow.masterdata.MasterDataConfig;
import org.careflow.masterdata.cdc.CdcSerdes;
import org.careflow.topics.AppGraph;
import org.careflow.topics.EventSerdes;
import org.careflow.topics.OnCallWebhookRule;
import org.careflow.topics.ProviderScheduleKeys;
import org.careflow.topics.Topic;
import org.careflow.topics.Topics;

/**
 * The master-data graph: Debezium's changes of the providers, provider_schedules, patient_contacts and facilities
 * tables become the ProviderSchedule, PatientContact and Facility events the ingest API writes, so consumers read one stream whatever the origin.
 *
 * <pre>
 * providers (key {provider_id})    -> read-provider-rows -> masterdata-provider-rows (key providerId) --------> apply-provider-row -+
 * provider_schedules (key {id})    -> read-session-rows  -> masterdata-session-rows (key providerId|sessionId) -> apply-session-row -+-> provider-schedules
 * patient_contacts (key {patient_id}) -> map-contact-rows -> patient-contacts
 * facilities (key {facility_id})      -> map-facility-rows -> facilities
 * </pre>
 *
 * The provider's task keeps its rows and sessions and publishes the whole schedule whenever a row changes it. Invalid
 * rows throw, which sends their change records to the dead-letter topic. Only builds the graph; no I/O.
 */
public final class MasterDataTopology {

    public static final String PROVIDERS_SOURCE = "masterdata-providers-source";
    public static final String SESSIONS_SOURCE = "masterdata-sessions-source";
    public static final String CONTACTS_SOURCE = "masterdata-contacts-source";
    public static final String FACILITIES_SOURCE = "masterdata-facilities-source";
    public static final String MAP_FACILITY_ROWS = "map-facility-rows";
    public static final String FACILITIES_SINK = "facilities-sink";
    public static final String READ_PROVIDER_ROWS = "read-provider-rows";
    public static final String READ_SESSION_ROWS = "read-session-rows";
    public static final String MAP_CONTACT_ROWS = "map-contact-rows";
    public static final String APPLY_PROVIDER_ROW = "apply-provider-row";
    public static final String APPLY_SESSION_ROW = "apply-session-row";
    public static final String MERGE_SCHEDULES = "merge-schedules";
    public static final String SCHEDULES_SINK = "provider-schedules-sink";
    public static final String CONTACTS_SINK = "patient-contacts-sink";
    public static final String AUDIT_SOURCE = "audit-events-source";
    public static final String INDEX_AUDIT = "index-audit-event";
    /** The data-access audit of the last {@code audit.retention.days}, by time: answers FHIR AuditEvent searches. */
    public static final String AUDIT_STORE = "masterdata-audit-store";

    /** Repartition topics (prefixed with the application id), both placed by providerId. */
    public static final String PROVIDER_ROWS = "masterdata-provider-rows";
    public static final String SESSION_ROWS = "masterdata-session-rows";

    /** Each session's provider, keyed by session id, in the change topic's partitioning: how a tombstone finds its provider. */
    public static final String SESSION_PROVIDERS_STORE = "masterdata-session-providers-store";
    /** Each provider's row as a schedule without sessions, keyed by providerId. */
    public static final String PROVIDERS_STORE = "masterdata-providers-store";
    /** Each provider's sessions, keyed providerId|sessionId: see {@link SessionKeys}. */
    public static final String SESSIONS_STORE = "masterdata-sessions-store";
    /** The schedule last published for each provider, keyed by providerId; absent when none is in force. */
    public static final String SCHEDULES_STORE = "masterdata-schedules-store";

    private MasterDataTopology() {
    }

    /**
     * @param serdes serdes of careflow's events (outputs and stores)
     * @param cdcSerdes serdes of Debezium's generic Avro keys and values
     */
    public static Topology build(MasterDataConfig config, EventSerdes serdes, CdcSerdes cdcSerdes) {
        AppGraph graph = AppGraph.start(config, serdes);
        Objects.requireNonNull(cdcSerdes, "cdcSerdes");
        StreamsBuilder builder = graph.builder();
        int partitions = graph.partitions(Topics.PROVIDER_SCHEDULES);
        Serde<ProviderSchedule> providerSerde = serdes.stateSerde(ProviderSchedule.class);
        Serde<WeeklySession> sessionSerde = serdes.stateSerde(WeeklySession.class);

        graph.stringStore(SESSION_PROVIDERS_STORE);
        graph.keyValueStore(PROVIDERS_STORE, ProviderSchedule.class);
        graph.keyValueStore(SESSIONS_STORE, WeeklySession.class);
        graph.keyValueStore(SCHEDULES_STORE, ProviderSchedule.class);

        Topic<GenericRecord, GenericRecord> providers = config.providersTopic();
        KStream<String, ProviderSchedule> providerRows = builder.stream(providers.name(), cdcSerdes.consumed(providers, PROVIDERS_SOURCE))
            .process(ReadProviderRowsProcessor::new, Named.as(READ_PROVIDER_ROWS))
            .repartition(byProvider(PROVIDER_ROWS, providerSerde, partitions));

        Topic<GenericRecord, GenericRecord> sessions = config.providerSessionsTopic();
        KStream<String, WeeklySession> sessionRows = builder.stream(sessions.name(), cdcSerdes.consumed(sessions, SESSIONS_SOURCE))
            .process(ReadSessionRowsProcessor::new, Named.as(READ_SESSION_ROWS), SESSION_PROVIDERS_STORE)
            .repartition(byProvider(SESSION_ROWS, sessionSerde, partitions));

        KStream<String, ProviderSchedule> fromProviders = providerRows.process(PublishScheduleProcessor.ProviderRow::new,
            Named.as(APPLY_PROVIDER_ROW), PROVIDERS_STORE, SESSIONS_STORE, SCHEDULES_STORE);
        KStream<String, ProviderSchedule> fromSessions = sessionRows.process(PublishScheduleProcessor.SessionRow::new,
            Named.as(APPLY_SESSION_ROW), PROVIDERS_STORE, SESSIONS_STORE, SCHEDULES_STORE);
        fromProviders.merge(fromSessions, Named.as(MERGE_SCHEDULES))
            .to(Topics.PROVIDER_SCHEDULES.name(), Topics.PROVIDER_SCHEDULES.produced(serdes, SCHEDULES_SINK)
                .withStreamPartitioner(ProviderScheduleKeys.partitioner()));

        Topic<GenericRecord, GenericRecord> contacts = config.patientContactsTopic();
        builder.stream(contacts.name(), cdcSerdes.consumed(contacts, CONTACTS_SOURCE))
            .process(MapContactRowsProcessor::new, Named.as(MAP_CONTACT_ROWS))
            .to(Topics.PATIENT_CONTACTS.name(), Topics.PATIENT_CONTACTS.produced(serdes, CONTACTS_SINK));

        Topic<GenericRecord, GenericRecord> facilities = config.facilitiesTopic();
        OnCallWebhookRule webhooks = config.onCallWebhookRule();
        builder.stream(facilities.name(), cdcSerdes.consumed(facilities, FACILITIES_SOURCE))
            .process(() -> new MapFacilityRowsProcessor(webhooks), Named.as(MAP_FACILITY_ROWS))
            .to(Topics.FACILITIES.name(), Topics.FACILITIES.produced(serdes, FACILITIES_SINK));

        // The audit trail, searchable by time: each record by its event id at its time, so a record read twice is kept once.
        builder.addStateStore(Stores.windowStoreBuilder(
            Stores.persistentWindowStore(AUDIT_STORE, config.auditRetention(), IndexAuditProcessor.WINDOW, false),
            Serdes.String(), serdes.stateSerde(DataAccessAudit.class)));
        builder.stream(Topics.AUDIT_EVENTS.name(), Topics.AUDIT_EVENTS.consumed(serdes, AUDIT_SOURCE))
            .process(IndexAuditProcessor::new, Named.as(INDEX_AUDIT), AUDIT_STORE);

        return builder.build();
    }

    private static <V> Repartitioned<String, V> byProvider(String name, Serde<V> valueSerde, int partitions) {
        return Repartitioned.<String, V>as(name)
            .withKeySerde(Serdes.String())
            .withValueSerde(valueSerde)
            .withNumberOfPartitions(partitions)
            .withStreamPartitioner(SessionKeys.byProvider());
    }
}
