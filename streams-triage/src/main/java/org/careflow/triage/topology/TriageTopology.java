package org.careflow.triage.topology;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.topics.EventSerdes;
import org.careflow.topics.Topics;
import org.careflow.triage.TriageConfig;

/**
 * The triage graph: submissions (keyed by patient) are scored, every assessment is published, and each
 * patient's latest one is kept in a RocksDB store for queries. Only builds the graph; no I/O.
 */
public final class TriageTopology {

    public static final String SUBMISSIONS_SOURCE = "triage-submissions-source";
    public static final String SCORE_PROCESSOR = "score-submission";
    public static final String ASSESSMENTS_SINK = "triage-assessments-sink";
    public static final String LATEST_PROCESSOR = "keep-latest-assessment";
    /** Each patient's latest assessment, keyed by patientId; queried by the HTTP layer. */
    public static final String LATEST_ASSESSMENT_STORE = "triage-latest-assessment-store";

    private TriageTopology() {
    }

    public static Topology build(TriageConfig config, EventSerdes serdes) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(serdes, "serdes");
        StreamsBuilder builder = new StreamsBuilder();

        StoreBuilder<KeyValueStore<String, TriageAssessment>> latest = Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(LATEST_ASSESSMENT_STORE), Serdes.String(), serdes.internalValueSerde(TriageAssessment.class));
        builder.addStateStore(latest);

        KStream<String, TriageSubmission> submissions =
            builder.stream(Topics.TRIAGE_SUBMISSIONS.name(), Topics.TRIAGE_SUBMISSIONS.consumed(serdes, SUBMISSIONS_SOURCE));
        KStream<String, TriageAssessment> assessments =
            submissions.processValues(ScoreSubmissionProcessor::new, Named.as(SCORE_PROCESSOR));
        assessments.to(Topics.TRIAGE_ASSESSMENTS.name(), Topics.TRIAGE_ASSESSMENTS.produced(serdes, ASSESSMENTS_SINK));
        assessments.process(LatestAssessmentProcessor::new, Named.as(LATEST_PROCESSOR), LATEST_ASSESSMENT_STORE);

        return builder.build();
    }
}
