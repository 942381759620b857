package org.careflow.notifications.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.careflow.events.facilities.Facility;
import org.careflow.events.facilities.OnCallAlertRouted;
import org.careflow.events.facilities.OnCallContact;
import org.careflow.events.facilities.OnCallRouting;
import org.careflow.events.notifications.OutboundNotification;
import org.careflow.events.notifications.RecipientKind;
import org.careflow.events.triage.DeteriorationAlert;
import org.careflow.notifications.reminders.OnCallContacts;
import org.careflow.state.notifications.AwaitingFacility;
import org.careflow.topics.BusinessMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a deterioration alert (keyed by facilityId) into one notification per on-call contact of the facility, as the
 * facility's record on the {@code facilities} topic (a global store) names them; the operator's
 * {@code alerts.oncall.contacts} only stand in for a registered, active facility that names none. Nobody is paged for
 * a facility that is not registered or not active, or that has no contact: that is a decision, recorded as an
 * {@link OnCallAlertRouted} with its outcome and counted, never a dead letter and never a page to a fallback.
 * Every alert gets exactly one {@code OnCallAlertRouted}, PAGED ones included, so the outcome topic is the audit trail.
 * An alert for a facility this instance's global store does not hold yet waits for the record
 * ({@code alerts.facility.wait.ms}): a registration racing the first alert never drops the alert.
 */
final class AlertToNotificationProcessor extends ContextualProcessor<String, DeteriorationAlert, String, Emissions> {

    private static final Logger LOG = LoggerFactory.getLogger(AlertToNotificationProcessor.class);
    /** How often (wall clock) alerts waiting for their facility's record are checked. */
    static final Duration CHECK_INTERVAL = Duration.ofMillis(500);

    private final OnCallContacts operatorDefaults;
    private final String language;
    private final BusinessMetrics metrics;
    private final Duration facilityWait;
    private KeyValueStore<String, ValueAndTimestamp<Facility>> facilities;
    private KeyValueStore<String, AwaitingFacility> awaiting;

    /** @param facilityWait how long an alert for a facility not held yet waits for its record before it is FACILITY_UNKNOWN */
    AlertToNotificationProcessor(OnCallContacts operatorDefaults, String language, BusinessMetrics metrics, Duration facilityWait) {
        this.operatorDefaults = Objects.requireNonNull(operatorDefaults, "operatorDefaults");
        this.language = Objects.requireNonNull(language, "language");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.facilityWait = Objects.requireNonNull(facilityWait, "facilityWait");
    }

    @Override
    public void init(ProcessorContext<String, Emissions> context) {
        super.init(context);
        this.facilities = context.getStateStore(NotificationsTopology.FACILITIES_STORE);
        this.awaiting = context.getStateStore(NotificationsTopology.ALERTS_AWAITING_FACILITY_STORE);
        context.schedule(CHECK_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::checkWaiting);
    }

    @Override
    public void process(Record<String, DeteriorationAlert> record) {
        DeteriorationAlert alert = record.value();
        if (alert == null) {
            return;
        }
        if (facilityOf(alert) == null && !facilityWait.isZero()) {
            // The facility's record may still be on its way to the global store: a clinical alert waits for it.
            awaiting.put(alert.getEventId(), new AwaitingFacility(alert, Instant.ofEpochMilli(context().currentSystemTimeMs())));
            return;
        }
        route(alert, record.timestamp());
    }

    /** Routes waiting alerts whose facility has arrived, and records FACILITY_UNKNOWN for those past the bound. */
    private void checkWaiting(long wallClockMs) {
        List<KeyValue<String, AwaitingFacility>> waiting = new ArrayList<>();
        try (KeyValueIterator<String, AwaitingFacility> it = awaiting.all()) {
            it.forEachRemaining(waiting::add);
        }
        Instant now = Instant.ofEpochMilli(wallClockMs);
        for (KeyValue<String, AwaitingFacility> entry : waiting) {
            DeteriorationAlert alert = entry.value.getAlert();
            if (facilityOf(alert) != null || !now.isBefore(entry.value.getParkedAt().plus(facilityWait))) {
                awaiting.delete(entry.key);
                route(alert, wallClockMs);
            }
        }
    }

    private Facility facilityOf(DeteriorationAlert alert) {
        ValueAndTimestamp<Facility> stored = alert.getFacilityId() == null ? null : facilities.get(alert.getFacilityId());
        return stored == null ? null : stored.value();
    }

    private void route(DeteriorationAlert alert, long timestamp) {
        String facilityId = alert.getFacilityId();
        Facility facility = facilityOf(alert);
        List<OnCallContact> contacts = List.of();
        OnCallRouting outcome;
        if (facility == null) {
            outcome = OnCallRouting.FACILITY_UNKNOWN;
        } else if (!facility.getActive()) {
            outcome = OnCallRouting.FACILITY_INACTIVE;
        } else {
            contacts = contactsOf(facility);
            outcome = contacts.isEmpty() ? OnCallRouting.NO_CONTACTS : OnCallRouting.PAGED;
        }
        Instant now = Instant.ofEpochMilli(context().currentSystemTimeMs());
        Emissions out = new Emissions();
        List<String> notificationIds = new ArrayList<>();
        for (int i = 0; i < contacts.size(); i++) {
            OutboundNotification notification = notification(alert, contacts.get(i), i, now);
            notificationIds.add(notification.getNotificationId());
            out.outbound.add(KeyValue.pair(notification.getNotificationId(), notification));
        }
        String routedKey = "alert-routed:" + alert.getEventId();
        out.alertOutcomes.add(KeyValue.pair(facilityId, OnCallAlertRouted.newBuilder()
            .setEventId(Ids.derived("oncall-alert-routed", routedKey))
            .setOccurredAt(now)
            .setAlertEventId(alert.getEventId())
            .setFacilityId(facilityId == null ? "" : facilityId)
            .setOutcome(outcome)
            .setNotificationIds(notificationIds)
            .setRelatedAssessmentId(alert.getCurrent() == null ? null : alert.getCurrent().getSubmissionId())
            .build()));
        if (outcome != OnCallRouting.PAGED) {
            // Facility ids are not patient data; the alert's patient is never logged.
            LOG.warn("Deterioration alert {} for facility {} paged nobody: {}", alert.getEventId(), facilityId, outcome);
        }
        metrics.onCallAlert(outcome.name());
        context().forward(new Record<>(null, out, timestamp));
    }

    /** The facility's own contacts; when it names none, the operator's default for it (its own entry, else {@code *}). */
    private List<OnCallContact> contactsOf(Facility facility) {
        if (!facility.getOnCallContacts().isEmpty()) {
            return facility.getOnCallContacts();
        }
        return operatorDefaults.forFacility(facility.getFacilityId())
            .map(c -> List.of(OnCallContact.newBuilder().setChannel(c.channel()).setAddress(c.address()).setLabel("operator default").build()))
            .orElse(List.of());
    }

    private OutboundNotification notification(DeteriorationAlert alert, OnCallContact contact, int index, Instant now) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("facility", alert.getFacilityId());
        parameters.put("patient", alert.getPatientId());
        parameters.put("band", alert.getCurrent().getBand().name());
        parameters.put("score", Integer.toString(alert.getCurrent().getScore()));
        parameters.put("reasons", alert.getReasons().stream().map(Enum::name).collect(Collectors.joining(", ")));
        parameters.put("assessment", alert.getCurrent().getSubmissionId());
        // The first contact keeps the key an alert always had, so a notification sent before contacts were a list is
        // the same notification when the alert is read again.
        String key = index == 0 ? "alert:" + alert.getEventId() : "alert:" + alert.getEventId() + "/" + index;
        return OutboundNotification.newBuilder()
            .setEventId(Ids.derived("outbound-event", key))
            .setOccurredAt(now)
            .setNotificationId(Ids.derived("notification", key))
            .setIdempotencyKey(key)
            .setRecipientKind(RecipientKind.ON_CALL)
            .setFacilityId(alert.getFacilityId())
            .setRecipientAddress(contact.getAddress())
            .setChannel(contact.getChannel())
            .setTemplateId(Messages.ALERT_TEMPLATE)
            .setLanguage(language)
            .setTemplateParameters(parameters)
            .setRelatedAssessmentId(alert.getCurrent().getSubmissionId())
            .build();
    }
}
