package org.careflow.scheduling.topology;

import java.util.ArrayList;
import java.util.List;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.state.scheduling.SchedulingCommand;

/**
 * What one step of the booking saga sends on, passed between processors of one task (never serialized):
 * outcomes for clients, and commands for the patient step or the provider step.
 */
public record Emissions(List<BookingOutcome> outcomes, List<SchedulingCommand> toPatient, List<SchedulingCommand> toProvider) {

    public static Emissions empty() {
        return new Emissions(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }

    public boolean isEmpty() {
        return outcomes.isEmpty() && toPatient.isEmpty() && toProvider.isEmpty();
    }
}
