package org.careflow.scheduling.topology;

import java.util.ArrayList;
import java.util.List;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.events.scheduling.SchedulingDecision;
import org.careflow.state.scheduling.SchedulingCommand;

/**
 * What one step of the booking saga sends on, passed between processors of one task (never serialized):
 * outcomes for clients, commands for the patient step or the provider step, decisions on the requests it took or
 * refused, and the bookings whose retention ran out (a tombstone on booking-outcomes each).
 */
public record Emissions(List<BookingOutcome> outcomes, List<SchedulingCommand> toPatient, List<SchedulingCommand> toProvider,
                        List<SchedulingDecision> decisions, List<String> expired) {

    public static Emissions empty() {
        return new Emissions(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }

    public boolean isEmpty() {
        return outcomes.isEmpty() && toPatient.isEmpty() && toProvider.isEmpty() && decisions.isEmpty() && expired.isEmpty();
    }
}
