package org.careflow.triage.topology;

import org.careflow.events.triage.DeteriorationAlert;
import org.careflow.events.triage.TriageAssessment;

/**
 * What assessing one submission produced, passed between processors of one task (never serialized).
 *
 * @param alert the deterioration alert, or null
 */
public record AssessmentOutcome(TriageAssessment assessment, DeteriorationAlert alert) {
}
