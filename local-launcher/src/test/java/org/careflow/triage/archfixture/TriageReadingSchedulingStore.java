package org.careflow.triage.archfixture;

import org.careflow.scheduling.topology.SchedulingTopology;

/** Breaks the app-independence rule on purpose (see LayeringTest): triage reaching into scheduling's topology. */
public final class TriageReadingSchedulingStore {

    public Class<?> schedulingTopology() {
        return SchedulingTopology.class;
    }
}
