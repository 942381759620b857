package org.careflow.triage.topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.careflow.events.triage.DeteriorationAlert;
import org.careflow.events.triage.FormDefinition;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.forms.BuiltInForms;
import org.careflow.forms.FormKey;
import org.careflow.state.triage.PatientTriageHistory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assesses a patient's submissions (keyed by patientId): ignores a submission id already seen, scores the
 * submission with the form version it was made against, keeps the patient's recent history, and compares
 * the newest assessment with the one before it for deterioration.
 */
public final class AssessSubmissionProcessor implements Processor<String, TriageSubmission, String, AssessmentOutcome> {

    /** Assessments kept per patient for the history endpoint and deterioration checks. */
    static final int MAX_HISTORY = 20;
    /** Submission ids remembered per patient, so that a client's retry is recognised. */
    static final int MAX_SEEN_IDS = 100;

    private static final Logger LOG = LoggerFactory.getLogger(AssessSubmissionProcessor.class);
    private static final Comparator<TriageAssessment> NEWEST_FIRST =
        Comparator.comparing(TriageAssessment::getSubmittedAt).reversed();

    private ProcessorContext<String, AssessmentOutcome> context;
    private KeyValueStore<String, PatientTriageHistory> history;
    private KeyValueStore<String, ValueAndTimestamp<FormDefinition>> forms;

    @Override
    public void init(ProcessorContext<String, AssessmentOutcome> context) {
        this.context = context;
        this.history = context.getStateStore(TriageTopology.PATIENT_HISTORY_STORE);
        this.forms = context.getStateStore(TriageTopology.FORMS_STORE);
    }

    @Override
    public void process(Record<String, TriageSubmission> record) {
        TriageSubmission submission = record.value();
        if (record.key() == null || submission == null) {
            return;
        }
        PatientTriageHistory past = Optional.ofNullable(history.get(record.key()))
            .orElseGet(() -> new PatientTriageHistory(new ArrayList<>(), new ArrayList<>()));
        if (past.getSeenSubmissionIds().contains(submission.getSubmissionId())) {
            LOG.debug("Ignoring a repeated submission on partition {}", context.recordMetadata().map(m -> m.partition()).orElse(-1));
            return;
        }
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        FormDefinition form = findForm(submission.getFormId(), submission.getFormVersion()).orElse(null);
        if (form == null) {
            LOG.warn("Form version not available yet; scoring NEWS2 only");
        }
        TriageAssessment assessment = TriageAssessor.assess(submission, form, now);

        List<TriageAssessment> assessments = new ArrayList<>(past.getAssessments());
        TriageAssessment previous = assessments.isEmpty() ? null : assessments.get(0);
        boolean newest = previous == null || !assessment.getSubmittedAt().isBefore(previous.getSubmittedAt());
        assessments.add(assessment);
        assessments.sort(NEWEST_FIRST);
        List<String> seen = new ArrayList<>(past.getSeenSubmissionIds());
        seen.add(0, submission.getSubmissionId());
        history.put(record.key(), new PatientTriageHistory(
            new ArrayList<>(assessments.subList(0, Math.min(MAX_HISTORY, assessments.size()))),
            new ArrayList<>(seen.subList(0, Math.min(MAX_SEEN_IDS, seen.size())))));

        // Only the newest assessment is compared: a late retry of an older submission says nothing new.
        DeteriorationAlert alert = newest ? DeteriorationDetector.detect(previous, assessment, now) : null;
        context.forward(record.withValue(new AssessmentOutcome(assessment, alert)));
    }

    private Optional<FormDefinition> findForm(String formId, Integer version) {
        Optional<FormDefinition> builtIn = BuiltInForms.find(formId, version);
        if (builtIn.isPresent()) {
            return builtIn;
        }
        if (version != null) {
            return Optional.ofNullable(forms.get(FormKey.of(formId, version))).map(ValueAndTimestamp::value);
        }
        FormDefinition latest = null;
        try (KeyValueIterator<String, ValueAndTimestamp<FormDefinition>> it =
                 forms.prefixScan(formId + "@", new org.apache.kafka.common.serialization.StringSerializer())) {
            while (it.hasNext()) {
                ValueAndTimestamp<FormDefinition> candidate = it.next().value;
                if (candidate != null && (latest == null || candidate.value().getVersion() > latest.getVersion())) {
                    latest = candidate.value();
                }
            }
        }
        return Optional.ofNullable(latest);
    }
}
