package org.careflow.notifications.topology;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.careflow.events.notifications.Channel;
import org.careflow.events.notifications.MessageDirection;
import org.careflow.events.notifications.MessageLogEntry;
import org.careflow.events.notifications.OutboundNotification;
import org.careflow.events.notifications.PatientContact;
import org.careflow.events.notifications.RecipientKind;
import org.careflow.events.notifications.ReminderKind;
import org.careflow.state.notifications.BookingReminders;
import org.careflow.state.notifications.Direction;
import org.careflow.state.notifications.MessageEntry;
import org.careflow.state.notifications.PatientMessages;
import org.careflow.state.notifications.ReminderEntry;

/** Builds the messages careflow sends patients, and keeps their conversation log. */
final class Messages {

    static final String CONFIRMATION_TEMPLATE = "appointment_confirmation";
    static final String REMINDER_TEMPLATE = "appointment_reminder";
    static final String ALERT_TEMPLATE = "deterioration_alert";
    /** WhatsApp's customer-service window: free-form messages are allowed this long after the patient's last message. */
    static final Duration SESSION_WINDOW = Duration.ofHours(24);

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEE d MMM yyyy, HH:mm");

    private Messages() {
    }

    /** Where to reach the patient: the preferred channel when it has an address, else WhatsApp, SMS, email; null: nowhere. */
    static Channel channel(PatientContact contact) {
        Channel preferred = contact.getPreferredChannel();
        if (preferred != null && address(contact, preferred) != null) {
            return preferred;
        }
        for (Channel c : List.of(Channel.WHATSAPP, Channel.SMS, Channel.EMAIL)) {
            if (address(contact, c) != null) {
                return c;
            }
        }
        return null;
    }

    static String address(PatientContact contact, Channel channel) {
        return switch (channel) {
            case WHATSAPP, SMS -> contact.getPhone();
            case EMAIL -> contact.getEmail();
            case WEBHOOK -> null;
        };
    }

    /** The notification for a due confirmation or reminder. */
    static OutboundNotification forReminder(BookingReminders booking, ReminderEntry entry, String patientId, PatientContact contact,
                                            Channel channel, PatientMessages log, Instant now) {
        String language = contact.getLanguage();
        Locale locale = Locale.forLanguageTag(language);
        ZoneId zone = ZoneId.of(contact.getTimeZone());
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("appointment_time", WHEN.withLocale(locale).format(booking.getSlotStart().atZone(zone)) + " (" + zone.getId() + ")");
        parameters.put("appointment_type", booking.getAppointmentType());
        parameters.put("facility", booking.getFacilityId() == null ? "" : booking.getFacilityId());
        parameters.put("provider", booking.getProviderId());
        if (entry.getKind() == ReminderKind.REMINDER) {
            parameters.put("reminder_offset", entry.getOffsetLabel());
        }
        String idempotencyKey = "reminder:" + entry.getReminderId();
        Instant windowEnds = log == null || log.getLastInboundAt() == null ? null : log.getLastInboundAt().plus(SESSION_WINDOW);
        return OutboundNotification.newBuilder()
            .setEventId(Ids.derived("outbound-event", idempotencyKey))
            .setOccurredAt(now)
            .setNotificationId(Ids.derived("notification", idempotencyKey))
            .setIdempotencyKey(idempotencyKey)
            .setRecipientKind(RecipientKind.PATIENT)
            .setPatientId(patientId)
            .setFacilityId(booking.getFacilityId())
            .setRecipientAddress(address(contact, channel))
            .setChannel(channel)
            .setTemplateId(entry.getKind() == ReminderKind.CONFIRMATION ? CONFIRMATION_TEMPLATE : REMINDER_TEMPLATE)
            .setLanguage(language)
            .setTemplateParameters(parameters)
            .setRelatedBookingId(booking.getBookingId())
            .setExpiresAt(booking.getSlotStart())
            .setSessionWindowEndsAt(windowEnds != null && windowEnds.isAfter(now) ? windowEnds : null)
            .build();
    }

    /** Adds {@code entry} to the log, dropping the oldest beyond {@code maxEntries}. */
    static PatientMessages append(PatientMessages log, String patientId, MessageEntry entry, int maxEntries) {
        PatientMessages next = log != null ? PatientMessages.newBuilder(log).build() : PatientMessages.newBuilder().setPatientId(patientId).build();
        List<MessageEntry> entries = new ArrayList<>(next.getEntries());
        entries.add(entry);
        if (entries.size() > maxEntries) {
            entries = new ArrayList<>(entries.subList(entries.size() - maxEntries, entries.size()));
        }
        next.setEntries(entries);
        if (entry.getDirection() == Direction.INBOUND && (next.getLastInboundAt() == null || entry.getAt().isAfter(next.getLastInboundAt()))) {
            next.setLastInboundAt(entry.getAt());
        }
        return next;
    }

    /** The entry as an event for the message-log topic: its id and status make the event id, so a replay repeats it. */
    static org.apache.kafka.streams.KeyValue<String, MessageLogEntry> logEvent(String patientId, MessageEntry e, Instant now) {
        MessageLogEntry event = MessageLogEntry.newBuilder()
            .setEventId(Ids.derived("message-log", e.getId() + ":" + e.getStatus() + ":" + e.getAction()))
            .setOccurredAt(now).setMessageId(e.getId()).setPatientId(patientId)
            .setDirection(MessageDirection.valueOf(e.getDirection().name())).setChannel(e.getChannel()).setAt(e.getAt())
            .setTemplateId(e.getTemplateId()).setText(e.getText()).setIntent(e.getIntent() == null ? null : e.getIntent().name())
            .setAction(e.getAction()).setBookingId(e.getBookingId()).setInReplyTo(e.getInReplyTo())
            .setProviderMessageId(e.getProviderMessageId()).setStatus(e.getStatus() == null ? null : e.getStatus().name())
            .build();
        return org.apache.kafka.streams.KeyValue.pair(e.getId(), event);
    }

    static MessageEntry outboundEntry(OutboundNotification n) {
        return MessageEntry.newBuilder().setDirection(Direction.OUTBOUND).setId(n.getNotificationId()).setAt(n.getOccurredAt())
            .setChannel(n.getChannel()).setTemplateId(n.getTemplateId()).setBookingId(n.getRelatedBookingId()).build();
    }
}
