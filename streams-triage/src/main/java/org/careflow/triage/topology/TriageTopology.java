package org.careflow.triage.topology;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.careflow.events.triage.FormDefinition;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.state.triage.AwaitingForm;
import org.careflow.state.triage.FacilityHourStats;
import org.careflow.state.triage.PatientTriageEntry;
import org.careflow.state.triage.PatientTriageHistory;
import org.careflow.state.triage.TriageQueueEntry;
import org.careflow.topics.AppGraph;
import org.careflow.topics.BusinessMetrics;
import org.careflow.topics.EventSerdes;
import org.careflow.topics.Topics;
import org.careflow.triage.TriageConfig;

/**
 * The triage graph. Patient-keyed: submissions are de-duplicated, scored with their form version (a global
 * table of forms; a submission whose form has not arrived yet waits for it in a store), kept as each patient's
 * history at each facility (newest assessment, one entry per assessment, submission ids seen: what a submission costs
 * does not grow with the history), published, and compared for deterioration in the order careflow received them.
 * Facility-keyed, after an explicit repartition of small queue entries: each facility's queue, dispositions taking
 * patients off it, and hourly statistics in windowed stores. Only builds the graph; no I/O.
 */
public final class TriageTopology {

    public static final String FORMS_SOURCE = "triage-forms-source";
    public static final String SUBMISSIONS_SOURCE = "triage-submissions-source";
    public static final String ASSESS_PROCESSOR = "assess-submission";
    public static final String ASSESSMENT_OF_OUTCOME = "assessment-of-outcome";
    public static final String ASSESSMENTS_SINK = "triage-assessments-sink";
    public static final String OUTCOMES_WITH_ALERT = "outcomes-with-alert";
    public static final String ALERT_BY_FACILITY = "alert-by-facility";
    public static final String ALERTS_SINK = "triage-alerts-sink";
    public static final String KEY_BY_FACILITY = "key-assessment-by-facility";
    /** Repartition topic (prefixed with the application id) carrying queue entries keyed by facilityId. */
    public static final String QUEUE_REPARTITION = "triage-queue-by-facility";
    public static final String ENQUEUE_PROCESSOR = "enqueue-assessment";
    public static final String DISPOSITIONS_SOURCE = "triage-dispositions-source";
    public static final String DISPOSITION_PROCESSOR = "apply-disposition";

    /** Every published form version, keyed formId@version (global: every instance holds all). */
    public static final String FORMS_STORE = "triage-forms-store";
    /**
     * Each patient's triage state at each facility as small entries (see {@link PatientKeys}): the newest assessment with
     * the last {@value PatientHistory#MAX_SEEN_IDS} submission ids, and the newest {@value PatientHistory#MAX_HISTORY}
     * assessments one entry each. The store and changelog of the earlier layouts, whose values are moved into these
     * entries (see {@link PatientHistory}).
     */
    public static final String PATIENT_HISTORY_STORE = "triage-facility-patient-history-store";
    /** Submissions waiting for the form version they name, keyed patientId, facilityId, submissionId (see {@link TriageKeys}). */
    public static final String AWAITING_FORM_STORE = "triage-awaiting-form-store";
    /** Each facility's queue, keyed so a prefix scan reads it in order (see {@link QueueKeys}). */
    public static final String QUEUE_STORE = "triage-queue-store";
    /** Each patient's place on a facility's queue, keyed facilityId and patientId. */
    public static final String QUEUE_PATIENT_STORE = "triage-queue-patient-store";
    /** Hourly statistics per facility, in one-hour tumbling windows. */
    public static final String FACILITY_STATS_STORE = "triage-facility-stats-store";

    private TriageTopology() {
    }

    public static Topology build(TriageConfig config, EventSerdes serdes) {
        return build(config, serdes, BusinessMetrics.NONE);
    }

    /** The graph, counting each published assessment's band into {@code metrics}. */
    public static Topology build(TriageConfig config, EventSerdes serdes, BusinessMetrics metrics) {
        AppGraph graph = AppGraph.start(config, serdes);
        Objects.requireNonNull(metrics, "metrics");
        StreamsBuilder builder = graph.builder();

        builder.globalTable(Topics.TRIAGE_FORMS.name(), Topics.TRIAGE_FORMS.consumed(serdes, FORMS_SOURCE),
            Materialized.<String, FormDefinition, KeyValueStore<Bytes, byte[]>>as(FORMS_STORE)
                .withKeySerde(Serdes.String()).withValueSerde(serdes.valueSerde(Topics.TRIAGE_FORMS)));
        // Cached (statestore.cache.max.bytes): a key written again before the next commit costs one RocksDB write and
        // one changelog record, not one per update; reads see the cached writes, and the cache is flushed before each
        // commit, so exactly-once holds. The processors forward their results themselves, not through the caches.
        // What the earlier layout wrote (a PatientTriageHistory per key, through the registry) is read as an entry
        // carrying it, for the processor to move.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PATIENT_HISTORY_STORE), Serdes.String(),
            serdes.stateSerde(PatientTriageEntry.class, PatientTriageHistory.class, PatientHistory::earlierLayout)).withCachingEnabled());
        graph.keyValueStore(AWAITING_FORM_STORE, AwaitingForm.class);
        graph.cachedKeyValueStore(QUEUE_STORE, TriageQueueEntry.class);
        graph.cachedKeyValueStore(QUEUE_PATIENT_STORE, TriageQueueEntry.class);
        builder.addStateStore(Stores.windowStoreBuilder(
            Stores.persistentWindowStore(FACILITY_STATS_STORE, config.statsRetention(), FacilityStatsWriter.WINDOW, false),
            Serdes.String(), serdes.stateSerde(FacilityHourStats.class)).withCachingEnabled());

        KStream<String, TriageSubmission> submissions =
            builder.stream(Topics.TRIAGE_SUBMISSIONS.name(), Topics.TRIAGE_SUBMISSIONS.consumed(serdes, SUBMISSIONS_SOURCE));
        KStream<String, AssessmentOutcome> outcomes =
            submissions.process(() -> new AssessSubmissionProcessor(config.formWait(), metrics), Named.as(ASSESS_PROCESSOR),
                PATIENT_HISTORY_STORE, AWAITING_FORM_STORE);

        KStream<String, TriageAssessment> assessments = outcomes.mapValues(outcome -> {
            metrics.assessment(outcome.assessment().getBand().name());
            return outcome.assessment();
        }, Named.as(ASSESSMENT_OF_OUTCOME));
        assessments.to(Topics.TRIAGE_ASSESSMENTS.name(), Topics.TRIAGE_ASSESSMENTS.produced(serdes, ASSESSMENTS_SINK));

        outcomes.filter((patient, outcome) -> outcome.alert() != null, Named.as(OUTCOMES_WITH_ALERT))
            .map((patient, outcome) -> KeyValue.pair(outcome.alert().getFacilityId(), outcome.alert()), Named.as(ALERT_BY_FACILITY))
            .to(Topics.TRIAGE_ALERTS.name(), Topics.TRIAGE_ALERTS.produced(serdes, ALERTS_SINK));

        // Only what the queue and the statistics need crosses to the facility's task: a queue entry, not the assessment.
        assessments.map((patient, assessment) -> KeyValue.pair(assessment.getFacilityId(), QueueEntries.of(assessment)),
                Named.as(KEY_BY_FACILITY))
            .repartition(Repartitioned.<String, TriageQueueEntry>as(QUEUE_REPARTITION)
                .withKeySerde(Serdes.String())
                // Assessments an earlier version left in this topic are read as the queue entries they make.
                .withValueSerde(serdes.stateSerde(TriageQueueEntry.class, TriageAssessment.class, QueueEntries::of))
                // Same partitioning as the dispositions topic, whose records meet these in the queue's tasks.
                .withNumberOfPartitions(graph.partitions(Topics.TRIAGE_DISPOSITIONS)))
            .process(EnqueueAssessmentProcessor::new, Named.as(ENQUEUE_PROCESSOR), QUEUE_STORE, QUEUE_PATIENT_STORE, FACILITY_STATS_STORE);

        builder.stream(Topics.TRIAGE_DISPOSITIONS.name(), Topics.TRIAGE_DISPOSITIONS.consumed(serdes, DISPOSITIONS_SOURCE))
            .process(ApplyDispositionProcessor::new, Named.as(DISPOSITION_PROCESSOR), QUEUE_STORE, QUEUE_PATIENT_STORE, FACILITY_STATS_STORE);

        return builder.build();
    }
}
