package org.careflow.notifications.topology;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.careflow.events.notifications.Channel;
import org.careflow.events.notifications.OutboundNotification;
import org.careflow.events.notifications.RecipientKind;
import org.careflow.events.triage.DeteriorationAlert;
import org.careflow.notifications.reminders.OnCallContacts;

/**
 * Turns a deterioration alert (keyed by facilityId) into a notification for the facility's on-call contact. A facility
 * with no contact still gets the notification, without an address: the dispatcher dead-letters it with that reason,
 * so an alert is never silently lost.
 */
final class AlertToNotificationProcessor extends ContextualProcessor<String, DeteriorationAlert, String, Emissions> {

    private final OnCallContacts onCall;
    private final String language;

    AlertToNotificationProcessor(OnCallContacts onCall, String language) {
        this.onCall = onCall;
        this.language = language;
    }

    @Override
    public void process(Record<String, DeteriorationAlert> record) {
        DeteriorationAlert alert = record.value();
        if (alert == null) {
            return;
        }
        OnCallContacts.Contact contact = onCall.forFacility(alert.getFacilityId()).orElse(null);
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("facility", alert.getFacilityId());
        parameters.put("patient", alert.getPatientId());
        parameters.put("band", alert.getCurrent().getBand().name());
        parameters.put("score", Integer.toString(alert.getCurrent().getScore()));
        parameters.put("reasons", alert.getReasons().stream().map(Enum::name).collect(Collectors.joining(", ")));
        parameters.put("assessment", alert.getCurrent().getSubmissionId());
        String key = "alert:" + alert.getEventId();
        OutboundNotification notification = OutboundNotification.newBuilder()
            .setEventId(Ids.derived("outbound-event", key))
            .setOccurredAt(Instant.ofEpochMilli(context().currentSystemTimeMs()))
            .setNotificationId(Ids.derived("notification", key))
            .setIdempotencyKey(key)
            .setRecipientKind(RecipientKind.ON_CALL)
            .setFacilityId(alert.getFacilityId())
            .setRecipientAddress(contact == null ? null : contact.address())
            .setChannel(contact == null ? Channel.WEBHOOK : contact.channel())
            .setTemplateId(Messages.ALERT_TEMPLATE)
            .setLanguage(language)
            .setTemplateParameters(parameters)
            .setRelatedAssessmentId(alert.getCurrent().getSubmissionId())
            .build();
        Emissions out = new Emissions();
        out.outbound.add(KeyValue.pair(notification.getNotificationId(), notification));
        context().forward(new Record<>(null, out, record.timestamp()));
    }
}
