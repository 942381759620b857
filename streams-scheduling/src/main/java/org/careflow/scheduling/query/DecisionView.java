package org.careflow.scheduling.query;

import java.time.Instant;
import org.careflow.events.scheduling.SchedulingDecision;

/** The decision on one request as clients read it: ACCEPTED, or REFUSED with the reason; nothing else was changed by a refusal. */
public record DecisionView(String requestId, String kind, String status, String reason, String subjectId, Instant decidedAt) {

    static DecisionView of(SchedulingDecision d) {
        return new DecisionView(d.getRequestId(), d.getKind().name(), d.getStatus().name(),
            d.getReason() == null ? null : d.getReason().name(), d.getSubjectId(), d.getOccurredAt());
    }
}
