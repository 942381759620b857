package org.careflow.triage.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.events.triage.DeteriorationAlert;
import org.careflow.events.triage.FormDefinition;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.state.triage.AwaitingForm;
import org.careflow.topics.BusinessMetrics;
import org.careflow.triage.TriageConfig.FormWait;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assesses a patient's submissions (the topic is keyed by patientId). Every piece of state belongs to the facility the
 * submission was made at: history, the submission ids already seen and the deterioration comparison are kept per
 * patient and facility ({@link TriageKeys}), so one facility's submissions never hide or suppress another's.
 *
 * <p>A submission is scored with the form version it was made against. When streams-triage does not hold that version
 * yet (the form's record is still on its way), the submission is parked, never scored without it: it is scored as soon
 * as the form arrives (checked every {@link FormWait#checkInterval()}); past {@link FormWait#bound()} the patient is
 * queued for review at the top (band HIGH, review FORM_UNAVAILABLE, an alert), and the form arriving later still scores
 * the answers (the assessment is published again) while the parked entry is kept ({@link FormWait#lateRetention()}).
 *
 * <p>Assessments are compared in the order careflow received them, not by the client's {@code submittedAt}: a clock
 * running fast or slow cannot suppress a deterioration alert.
 */
public final class AssessSubmissionProcessor implements Processor<String, TriageSubmission, String, AssessmentOutcome> {

    /** Keys the background move of the earlier layout goes through per punctuation, at most. */
    static final int MIGRATION_BATCH = 2_000;

    private static final Logger LOG = LoggerFactory.getLogger(AssessSubmissionProcessor.class);

    private final FormWait formWait;
    private final BusinessMetrics metrics;
    private ProcessorContext<String, AssessmentOutcome> context;
    private PatientHistory history;
    private KeyValueStore<String, AwaitingForm> awaiting;
    private FormLookup forms;

    public AssessSubmissionProcessor(FormWait formWait, BusinessMetrics metrics) {
        this.formWait = Objects.requireNonNull(formWait, "formWait");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public void init(ProcessorContext<String, AssessmentOutcome> context) {
        this.context = context;
        this.history = new PatientHistory(context.getStateStore(TriageTopology.PATIENT_HISTORY_STORE));
        this.awaiting = context.getStateStore(TriageTopology.AWAITING_FORM_STORE);
        this.forms = new FormLookup(context.getStateStore(TriageTopology.FORMS_STORE));
        context.schedule(formWait.checkInterval(), PunctuationType.WALL_CLOCK_TIME, this::checkParked);
    }

    @Override
    public void process(Record<String, TriageSubmission> record) {
        TriageSubmission submission = record.value();
        if (record.key() == null || submission == null) {
            return;
        }
        String awaitingKey = TriageKeys.awaiting(record.key(), submission.getFacilityId(), submission.getSubmissionId());
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        PatientHistory.State state = history.state(record.key(), submission.getFacilityId());
        if (state.seen(submission.getSubmissionId()) || awaiting.get(awaitingKey) != null) {
            LOG.debug("Ignoring a repeated submission on partition {}", context.recordMetadata().map(m -> m.partition()).orElse(-1));
            return;
        }
        Optional<FormDefinition> form = forms.find(submission.getFormId(), submission.getFormVersion());
        if (form.isEmpty()) {
            LOG.info("Form version not available yet; the submission waits for it (up to {} ms)", formWait.bound().toMillis());
            awaiting.put(awaitingKey, new AwaitingForm(submission, now, false));
            metrics.formWait("parked");
            return;
        }
        publish(state, TriageAssessor.assess(submission, form.get(), now), record.timestamp());
    }

    /** Scores parked submissions whose form has arrived, queues for review those past the bound, forgets expired ones. */
    private void checkParked(long wallClockMs) {
        Instant now = Instant.ofEpochMilli(wallClockMs);
        history.migrateSome(MIGRATION_BATCH);
        Map<String, Optional<FormDefinition>> found = new HashMap<>();
        List<KeyValue<String, AwaitingForm>> parked = new ArrayList<>();
        try (KeyValueIterator<String, AwaitingForm> it = awaiting.all()) {
            it.forEachRemaining(parked::add);
        }
        for (KeyValue<String, AwaitingForm> entry : parked) {
            AwaitingForm waiting = entry.value;
            TriageSubmission submission = waiting.getSubmission();
            Optional<FormDefinition> form = found.computeIfAbsent(submission.getFormId() + "@" + submission.getFormVersion(),
                k -> forms.find(submission.getFormId(), submission.getFormVersion()));
            Duration waited = Duration.between(waiting.getParkedAt(), now);
            String patientId = submission.getPatientId();
            if (form.isPresent()) {
                awaiting.delete(entry.key);
                metrics.formWait(waiting.getProvisional() ? "scored_late" : "scored_after_wait");
                publish(history.state(patientId, submission.getFacilityId()), TriageAssessor.assess(submission, form.get(), now), wallClockMs);
            } else if (!waiting.getProvisional() && waited.compareTo(formWait.bound()) >= 0) {
                LOG.warn("Form version did not arrive within {} ms; queueing the patient for review", formWait.bound().toMillis());
                awaiting.put(entry.key, new AwaitingForm(submission, waiting.getParkedAt(), true));
                metrics.formWait("review_form_unavailable");
                publish(history.state(patientId, submission.getFacilityId()), TriageAssessor.assessForReview(submission, formWait.bound(), now),
                    wallClockMs);
            } else if (waiting.getProvisional() && waited.compareTo(formWait.bound().plus(formWait.lateRetention())) >= 0) {
                awaiting.delete(entry.key);
                metrics.formWait("expired");
            }
        }
    }

    /**
     * Keeps {@code assessment} as the newest of its patient's history at its facility ({@code state}, read just before;
     * replacing an earlier assessment of the same submission: a review superseded once the form arrived), compares it
     * with the one received before, and forwards both.
     */
    private void publish(PatientHistory.State state, TriageAssessment assessment, long timestamp) {
        TriageAssessment previous = history.append(state, assessment);
        DeteriorationAlert alert = DeteriorationDetector.detect(previous, assessment, assessment.getOccurredAt());
        context.forward(new Record<>(state.patientId(), new AssessmentOutcome(assessment, alert), timestamp));
    }
}
