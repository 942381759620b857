package org.careflow.bench.drain;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The work streams-triage does per submission, as sizes measured from its own topics in the same run: what the same-shape
 * app reproduces with bytes it does not decode. Measured rather than assumed, so that the ceiling follows streams-triage
 * when its stores and topology change.
 *
 * @param patientStateBytes      average value on the changelog of streams-triage's patient history store: a patient's state
 * @param assessmentBytes        average value on {@code triage-assessments}: one output record
 * @param repartitionBytes       average value on streams-triage's repartition by facility
 * @param repartitionPartitions  partitions of that repartition topic
 * @param facilities             distinct facility keys the repartition spreads over
 */
public record WorkShape(int patientStateBytes, int assessmentBytes, int repartitionBytes, int repartitionPartitions, int facilities) {

    public WorkShape {
        if (patientStateBytes < 1 || assessmentBytes < 1 || repartitionBytes < 1 || repartitionPartitions < 1 || facilities < 1) {
            throw new IllegalArgumentException("Every size and count of a work shape is positive: " + patientStateBytes + ", "
                + assessmentBytes + ", " + repartitionBytes + ", " + repartitionPartitions + ", " + facilities);
        }
    }

    /** For the report. */
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("patientStateBytes", patientStateBytes);
        out.put("assessmentBytes", assessmentBytes);
        out.put("repartitionBytes", repartitionBytes);
        out.put("repartitionPartitions", repartitionPartitions);
        out.put("facilities", facilities);
        return out;
    }
}
