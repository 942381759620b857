package org.careflow.triage.query;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.careflow.state.triage.TriageQueueEntry;

/** One facility's queue as a clinician reads it, most urgent first. */
public record QueueView(String facilityId, Instant asOf, int waiting, List<Entry> entries) {

    /** One waiting patient; {@code position} counts from 1. */
    public record Entry(int position, String patientId, String submissionId, String band, String queueBand, int score,
                        List<String> redFlags, Instant waitingSince, long minutesWaiting) {

        static Entry of(int position, TriageQueueEntry e, Instant now) {
            return new Entry(position, e.getPatientId(), e.getSubmissionId(), e.getBand().name(), e.getQueueBand().name(),
                e.getScore(), List.copyOf(e.getRedFlags()), e.getWaitingSince(),
                Math.max(0, Duration.between(e.getWaitingSince(), now).toMinutes()));
        }
    }
}
