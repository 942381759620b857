package org.careflow.scheduling.topology;

import java.time.Instant;
import java.util.List;
import org.careflow.events.scheduling.BookingCancellation;
import org.careflow.events.scheduling.BookingRequest;
import org.careflow.events.scheduling.DecisionStatus;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.scheduling.RefusalReason;
import org.careflow.events.scheduling.SchedulingDecision;
import org.careflow.events.scheduling.SchedulingRequestKind;

/** Builds the decision records the deciding processors publish: one per request, taken or refused. */
final class Decisions {

    private Decisions() {
    }

    static SchedulingDecision of(BookingRequest r, RefusalReason reason, Instant at) {
        return base(r.getEventId(), SchedulingRequestKind.BOOKING, reason, r.getBookingId(), at)
            .setFacilityId(r.getFacilityId()).setPatientId(r.getPatientId()).setCallerFacilityIds(copy(r.getCallerFacilityIds()))
            .build();
    }

    static SchedulingDecision of(BookingCancellation c, RefusalReason reason, Instant at) {
        return base(c.getEventId(), SchedulingRequestKind.CANCELLATION, reason, c.getBookingId(), at)
            .setPatientId(c.getPatientId()).setCallerFacilityIds(copy(c.getCallerFacilityIds()))
            .build();
    }

    static SchedulingDecision of(String providerId, ProviderSchedule s, RefusalReason reason, Instant at) {
        return base(s.getEventId(), SchedulingRequestKind.SCHEDULE, reason, providerId, at).setFacilityId(s.getFacilityId()).build();
    }

    private static SchedulingDecision.Builder base(String requestId, SchedulingRequestKind kind, RefusalReason reason, String subjectId, Instant at) {
        DecisionStatus status = reason == null ? DecisionStatus.ACCEPTED : DecisionStatus.REFUSED;
        return SchedulingDecision.newBuilder()
            .setEventId(requestId + ":" + status.name().toLowerCase())
            .setOccurredAt(at)
            .setRequestId(requestId)
            .setKind(kind)
            .setStatus(status)
            .setReason(reason)
            .setSubjectId(subjectId);
    }

    private static List<String> copy(List<String> ids) {
        return ids == null ? null : List.copyOf(ids);
    }
}
