package org.careflow.notifications.topology;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.careflow.events.facilities.OnCallAlertRouted;
import org.careflow.events.notifications.ConsentChange;
import org.careflow.events.notifications.ContactOutcome;
import org.careflow.events.notifications.InboundMessage;
import org.careflow.events.notifications.MessageLogEntry;
import org.careflow.events.notifications.OutboundNotification;
import org.careflow.events.notifications.ReminderCancelled;
import org.careflow.events.notifications.ReminderScheduled;
import org.careflow.events.scheduling.BookingCancellation;
import org.careflow.state.notifications.MessageStatusUpdate;
import org.careflow.state.notifications.PhoneIndexUpdate;

/**
 * Everything one step of the notifications graph sends on, by destination; the topology fans it out to the topics.
 * One value per input record keeps a step's state change and all its messages in one exactly-once commit.
 */
public final class Emissions {

    final List<KeyValue<String, ReminderScheduled>> scheduled = new ArrayList<>();
    final List<KeyValue<String, ReminderCancelled>> cancelled = new ArrayList<>();
    final List<KeyValue<String, OutboundNotification>> outbound = new ArrayList<>();
    final List<KeyValue<String, BookingCancellation>> cancellations = new ArrayList<>();
    final List<KeyValue<String, ConsentChange>> consents = new ArrayList<>();
    final List<KeyValue<String, InboundMessage>> inbox = new ArrayList<>();
    final List<KeyValue<String, InboundMessage>> replies = new ArrayList<>();
    final List<KeyValue<String, PhoneIndexUpdate>> phoneUpdates = new ArrayList<>();
    final List<KeyValue<String, MessageStatusUpdate>> statusUpdates = new ArrayList<>();
    final List<KeyValue<String, MessageLogEntry>> messageLog = new ArrayList<>();
    final List<KeyValue<String, ContactOutcome>> contactOutcomes = new ArrayList<>();
    final List<KeyValue<String, OnCallAlertRouted>> alertOutcomes = new ArrayList<>();

    public List<KeyValue<String, OnCallAlertRouted>> alertOutcomes() {
        return alertOutcomes;
    }

    public List<KeyValue<String, ReminderScheduled>> scheduled() {
        return scheduled;
    }

    public List<KeyValue<String, ReminderCancelled>> cancelled() {
        return cancelled;
    }

    public List<KeyValue<String, OutboundNotification>> outbound() {
        return outbound;
    }

    public List<KeyValue<String, BookingCancellation>> cancellations() {
        return cancellations;
    }

    public List<KeyValue<String, ConsentChange>> consents() {
        return consents;
    }

    public List<KeyValue<String, InboundMessage>> inbox() {
        return inbox;
    }

    public List<KeyValue<String, InboundMessage>> replies() {
        return replies;
    }

    public List<KeyValue<String, PhoneIndexUpdate>> phoneUpdates() {
        return phoneUpdates;
    }

    public List<KeyValue<String, MessageStatusUpdate>> statusUpdates() {
        return statusUpdates;
    }

    public List<KeyValue<String, MessageLogEntry>> messageLog() {
        return messageLog;
    }

    public List<KeyValue<String, ContactOutcome>> contactOutcomes() {
        return contactOutcomes;
    }

    public boolean isEmpty() {
        return scheduled.isEmpty() && cancelled.isEmpty() && outbound.isEmpty() && cancellations.isEmpty() && consents.isEmpty()
            && inbox.isEmpty() && replies.isEmpty() && phoneUpdates.isEmpty() && statusUpdates.isEmpty() && messageLog.isEmpty()
            && contactOutcomes.isEmpty();
    }
}
