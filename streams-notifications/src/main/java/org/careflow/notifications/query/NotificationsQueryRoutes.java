package org.careflow.notifications.query;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.careflow.events.notifications.OutboundNotification;
import org.careflow.notifications.topology.NotificationsTopology;
import org.careflow.query.InteractiveQueryService;
import org.careflow.query.InteractiveQueryService.LocalStores;
import org.careflow.query.ResourceAccess;
import org.careflow.security.EndpointClass;
import org.careflow.security.ResourceScope;
import org.careflow.state.notifications.BookingReminders;
import org.careflow.state.notifications.MessageEntry;
import org.careflow.state.notifications.NotificationRecord;
import org.careflow.state.notifications.PatientMessages;
import org.careflow.state.notifications.PatientReminders;
import org.careflow.state.notifications.ReminderEntry;
import org.careflow.state.notifications.StatusStep;

/** streams-notifications' read API: a patient's reminders and conversation, and a notification's delivery history. */
public final class NotificationsQueryRoutes {

    public static final String PATIENT_REMINDERS_PATH = "/v1/patients/{patientId}/reminders";
    public static final String PATIENT_MESSAGES_PATH = "/v1/patients/{patientId}/messages";
    public static final String NOTIFICATION_PATH = "/v1/notifications/{notificationId}";

    /** A planned message of a booking. */
    public record ReminderView(String reminderId, String kind, String offset, Instant plannedAt, Instant dueAt, String status,
                               String notificationId, String note) {
        static ReminderView of(ReminderEntry e) {
            return new ReminderView(e.getReminderId(), e.getKind().name(), e.getOffsetLabel(), e.getPlannedAt(), e.getDueAt(),
                e.getStatus().name(), e.getNotificationId(), e.getNote());
        }
    }

    /** A booking and its planned messages. */
    public record BookingRemindersView(String bookingId, String providerId, String facilityId, String appointmentType, Instant slotStart,
                                       String status, Instant attendanceConfirmedAt, List<ReminderView> reminders) {
        static BookingRemindersView of(BookingReminders b) {
            return new BookingRemindersView(b.getBookingId(), b.getProviderId(), b.getFacilityId(), b.getAppointmentType(), b.getSlotStart(),
                b.getStatus().name(), b.getAttendanceConfirmedAt(), b.getReminders().stream().map(ReminderView::of).toList());
        }
    }

    /** One message of a conversation. */
    public record MessageView(String direction, String id, Instant at, String channel, String templateId, String text, String intent,
                              String action, String bookingId, String inReplyTo, String providerMessageId, String status) {
        static MessageView of(MessageEntry e) {
            return new MessageView(e.getDirection().name(), e.getId(), e.getAt(), e.getChannel().name(), e.getTemplateId(), e.getText(),
                e.getIntent() == null ? null : e.getIntent().name(), e.getAction(), e.getBookingId(), e.getInReplyTo(),
                e.getProviderMessageId(), e.getStatus() == null ? null : e.getStatus().name());
        }
    }

    /** A status a notification reached. */
    public record StatusView(String status, Instant at, String providerMessageId, String errorCode, String errorMessage, boolean retryable) {
        static StatusView of(StatusStep s) {
            return new StatusView(s.getStatus().name(), s.getAt(), s.getProviderMessageId(), s.getErrorCode(), s.getErrorMessage(),
                s.getRetryable());
        }
    }

    private final Supplier<InteractiveQueryService> queries;

    public NotificationsQueryRoutes(Supplier<InteractiveQueryService> queries) {
        this.queries = queries;
    }

    public void register(JavalinConfig config) {
        config.routes.get(PATIENT_REMINDERS_PATH, this::reminders, EndpointClass.PATIENT_REMINDERS_READ);
        config.routes.get(PATIENT_MESSAGES_PATH, this::messages, EndpointClass.PATIENT_MESSAGES_READ);
        config.routes.get(NOTIFICATION_PATH, this::notification, EndpointClass.NOTIFICATION_READ);
    }

    private void reminders(Context ctx) {
        String patientId = ctx.pathParam("patientId");
        service().respondFromOwner(ctx, NotificationsTopology.REMINDERS_STORE, patientId, stores -> {
            PatientReminders state = NotificationsQueryRoutes.<PatientReminders>store(stores, NotificationsTopology.REMINDERS_STORE).get(patientId);
            if (state == null) {
                return null;
            }
            // Schedulers see the bookings of their facilities only (403 if none).
            List<BookingReminders> visible = ResourceAccess.filter(ctx, state.getBookings(), b -> remindersScope(patientId, b),
                ResourceScope.patient(patientId));
            return Map.of("patientId", patientId, "bookings", visible.stream().map(BookingRemindersView::of).toList());
        });
    }

    private void messages(Context ctx) {
        String patientId = ctx.pathParam("patientId");
        service().respondFromOwner(ctx, NotificationsTopology.MESSAGES_STORE, patientId, stores -> {
            PatientMessages log = NotificationsQueryRoutes.<PatientMessages>store(stores, NotificationsTopology.MESSAGES_STORE).get(patientId);
            if (log == null) {
                return null;
            }
            // Messages carry no facility: only their patient reads them.
            ResourceAccess.require(ctx, ResourceScope.patient(patientId));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("patientId", patientId);
            body.put("lastInboundAt", log.getLastInboundAt());
            body.put("messages", log.getEntries().stream().map(MessageView::of).toList());
            return body;
        });
    }

    private void notification(Context ctx) {
        String notificationId = ctx.pathParam("notificationId");
        service().respondFromOwner(ctx, NotificationsTopology.NOTIFICATIONS_STORE, notificationId, stores -> {
            NotificationRecord record = NotificationsQueryRoutes.<NotificationRecord>store(stores, NotificationsTopology.NOTIFICATIONS_STORE)
                .get(notificationId);
            if (record == null) {
                return null;
            }
            ResourceAccess.require(ctx, notificationScope(record));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("notificationId", notificationId);
            body.put("status", record.getStatus() == null ? null : record.getStatus().name());
            body.put("providerMessageId", record.getProviderMessageId());
            OutboundNotification n = record.getNotification();
            if (n != null) {
                // The recipient's address is left out: the channel and the ids say enough, and it is personal data.
                body.put("recipientKind", n.getRecipientKind().name());
                body.put("patientId", n.getPatientId());
                body.put("facilityId", n.getFacilityId());
                body.put("channel", n.getChannel().name());
                body.put("templateId", n.getTemplateId());
                // What the message said: a phone verification's code among them, which is how a verification is
                // completed by hand on a stack without WhatsApp (the code only counts when it comes from that phone).
                body.put("templateParameters", n.getTemplateParameters());
                body.put("language", n.getLanguage());
                body.put("idempotencyKey", n.getIdempotencyKey());
                body.put("relatedBookingId", n.getRelatedBookingId());
                body.put("relatedAssessmentId", n.getRelatedAssessmentId());
                body.put("createdAt", n.getOccurredAt());
                body.put("expiresAt", n.getExpiresAt());
            }
            body.put("history", record.getHistory().stream().map(StatusView::of).toList());
            return body;
        });
    }

    /** What a booking's reminders belong to: the booking's facility and the patient. */
    static ResourceScope remindersScope(String patientId, BookingReminders booking) {
        return ResourceScope.of(booking.getFacilityId(), patientId);
    }

    /**
     * What a notification belongs to: its facility and patient; a record whose notification has not arrived yet (a status
     * came first) belongs to nobody known, so only unscoped readers (ops) see it.
     */
    static ResourceScope notificationScope(NotificationRecord record) {
        OutboundNotification n = record.getNotification();
        return n == null ? new ResourceScope(java.util.Set.of(), null) : ResourceScope.of(n.getFacilityId(), n.getPatientId());
    }

    private static <V> ReadOnlyKeyValueStore<String, V> store(LocalStores stores, String name) {
        return stores.store(name, QueryableStoreTypes.<String, V>keyValueStore());
    }

    private InteractiveQueryService service() {
        return InteractiveQueryService.whenStarted(queries);
    }
}
