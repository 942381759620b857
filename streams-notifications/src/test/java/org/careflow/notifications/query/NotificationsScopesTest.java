package org.careflow.notifications.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Set;
import org.careflow.events.notifications.OutboundNotification;
import org.careflow.security.AccessPolicy;
import org.careflow.security.EndpointClass;
import org.careflow.security.Principal;
import org.careflow.security.ResourceScope;
import org.careflow.security.Role;
import org.careflow.state.notifications.BookingReminders;
import org.careflow.state.notifications.NotificationRecord;
import org.junit.jupiter.api.Test;

/** The resource scopes streams-notifications' query routes check on the owning instance, against the access policy. */
class NotificationsScopesTest {

    private static final Principal PATIENT_P1 = principal(Role.PATIENT, Set.of(), "p-1");
    private static final Principal SCHEDULER_F1 = principal(Role.SCHEDULER, Set.of("F1"), null);
    private static final Principal CLINICIAN_F1 = principal(Role.CLINICIAN, Set.of("F1"), null);
    private static final Principal OPS = principal(Role.OPS, Set.of(), null);

    @Test
    void shouldShowSchedulersOnlyTheRemindersOfBookingsAtTheirFacilitiesWhenReadingAPatientsReminders() {
        ResourceScope atF1 = NotificationsQueryRoutes.remindersScope("p-1", reminders("F1"));
        ResourceScope atF2 = NotificationsQueryRoutes.remindersScope("p-1", reminders("F2"));
        ResourceScope noFacility = NotificationsQueryRoutes.remindersScope("p-1", reminders(null));

        assertThat(allowed(SCHEDULER_F1, EndpointClass.PATIENT_REMINDERS_READ, atF1)).isTrue();
        assertThat(allowed(SCHEDULER_F1, EndpointClass.PATIENT_REMINDERS_READ, atF2)).isFalse();
        assertThat(allowed(SCHEDULER_F1, EndpointClass.PATIENT_REMINDERS_READ, noFacility)).isFalse();
        assertThat(allowed(PATIENT_P1, EndpointClass.PATIENT_REMINDERS_READ, atF2)).isTrue();
        assertThat(allowed(principal(Role.PATIENT, Set.of(), "p-2"), EndpointClass.PATIENT_REMINDERS_READ, atF1)).isFalse();
        assertThat(allowed(CLINICIAN_F1, EndpointClass.PATIENT_REMINDERS_READ, atF1)).isFalse();
    }

    @Test
    void shouldLetOnlyThePatientReadMessagesWhenStaffAsk() {
        ResourceScope messages = ResourceScope.patient("p-1");

        assertThat(allowed(PATIENT_P1, EndpointClass.PATIENT_MESSAGES_READ, messages)).isTrue();
        assertThat(allowed(SCHEDULER_F1, EndpointClass.PATIENT_MESSAGES_READ, messages)).isFalse();
        assertThat(allowed(CLINICIAN_F1, EndpointClass.PATIENT_MESSAGES_READ, messages)).isFalse();
        assertThat(allowed(OPS, EndpointClass.PATIENT_MESSAGES_READ, messages)).isFalse();
    }

    @Test
    void shouldScopeANotificationToItsFacilityAndPatientWhenStaffOrThePatientAsk() {
        ResourceScope notification = NotificationsQueryRoutes.notificationScope(record(notification("p-1", "F1")));

        assertThat(allowed(PATIENT_P1, EndpointClass.NOTIFICATION_READ, notification)).isTrue();
        assertThat(allowed(SCHEDULER_F1, EndpointClass.NOTIFICATION_READ, notification)).isTrue();
        assertThat(allowed(CLINICIAN_F1, EndpointClass.NOTIFICATION_READ, notification)).isTrue();
        assertThat(allowed(OPS, EndpointClass.NOTIFICATION_READ, notification)).isTrue();
        assertThat(allowed(principal(Role.SCHEDULER, Set.of("F2"), null), EndpointClass.NOTIFICATION_READ, notification)).isFalse();
        assertThat(allowed(principal(Role.PATIENT, Set.of(), "p-2"), EndpointClass.NOTIFICATION_READ, notification)).isFalse();
    }

    @Test
    void shouldShowAStatusOnlyRecordToOpsOnlyWhenItsNotificationHasNotArrived() {
        ResourceScope unknown = NotificationsQueryRoutes.notificationScope(record(null));

        assertThat(allowed(OPS, EndpointClass.NOTIFICATION_READ, unknown)).isTrue();
        assertThat(allowed(SCHEDULER_F1, EndpointClass.NOTIFICATION_READ, unknown)).isFalse();
        assertThat(allowed(PATIENT_P1, EndpointClass.NOTIFICATION_READ, unknown)).isFalse();
    }

    private static boolean allowed(Principal principal, EndpointClass endpointClass, ResourceScope scope) {
        return AccessPolicy.check(principal, endpointClass, scope).allowed();
    }

    private static Principal principal(Role role, Set<String> facilities, String patientId) {
        return new Principal("sub-" + role, null, role, facilities, patientId, "jti", Instant.now().plusSeconds(60));
    }

    private static BookingReminders reminders(String facilityId) {
        BookingReminders reminders = new BookingReminders();
        reminders.setBookingId("b-1");
        reminders.setFacilityId(facilityId);
        return reminders;
    }

    private static OutboundNotification notification(String patientId, String facilityId) {
        OutboundNotification notification = new OutboundNotification();
        notification.setNotificationId("n-1");
        notification.setPatientId(patientId);
        notification.setFacilityId(facilityId);
        return notification;
    }

    private static NotificationRecord record(OutboundNotification notification) {
        NotificationRecord record = new NotificationRecord();
        record.setNotificationId("n-1");
        record.setNotification(notification);
        return record;
    }
}
