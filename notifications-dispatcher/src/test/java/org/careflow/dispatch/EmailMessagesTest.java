package org.careflow.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.careflow.dispatch.TestNotifications.EMAIL;
import static org.careflow.dispatch.TestNotifications.onCallEmail;
import static org.careflow.dispatch.TestNotifications.reminder;

import java.util.Map;
import org.careflow.dispatch.EmailMessages.Email;
import org.junit.jupiter.api.Test;

class EmailMessagesTest {

    @Test
    void shouldRenderAlertForCliniciansWhenTemplateIsDeteriorationAlert() {
        // Given a deterioration alert with every parameter
        // When it is rendered
        Email email = EmailMessages.render(onCallEmail("n-1", EMAIL).build());

        // Then the subject names the facility and the body lists the alert in reading order
        assertThat(email.subject()).isEqualTo("Deterioration alert: Riverside Clinic");
        assertThat(email.body()).isEqualTo("""
            A patient's early-warning score calls for a clinical review.

            Patient: J. Doe
            Band: HIGH
            Score: 7
            Reasons: SpO2 93
            Assessment: a-1
            Facility: Riverside Clinic
            """);
    }

    @Test
    void shouldSayNotGivenAndKeepExtrasWhenAlertParametersAreMissingOrAdded() {
        // Given an alert without a score or a facility, and with a parameter the wording does not know
        // When it is rendered
        Email email = EmailMessages.render(onCallEmail("n-2", EMAIL)
            .setTemplateParameters(Map.of("patient", "J. Doe", "band", "HIGH", "reasons", "SpO2 93", "assessment", "a-1",
                "ward_name", "Ward 4"))
            .build());

        // Then the subject stands without a facility, and nothing is silently dropped
        assertThat(email.subject()).isEqualTo("Deterioration alert");
        assertThat(email.body()).contains("Score: (not given)\n", "Facility: (not given)\n", "Ward name: Ward 4\n");
    }

    @Test
    void shouldUseWhatsAppWordingWithoutTheReplyInstructionWhenAppointmentIsEmailed() {
        // Given an English appointment confirmation
        // When it is rendered
        Email email = EmailMessages.render(reminder("n-3").setTemplateId("appointment_confirmation").build());

        // Then it reads as the free-form text sent on WhatsApp, without inviting a reply nobody reads
        assertThat(email.subject()).isEqualTo("Appointment confirmation: Riverside Clinic");
        assertThat(email.body()).isEqualTo("Your follow-up appointment at Riverside Clinic is booked for Tue 3 Mar, 10:30. "
            + "To change or cancel it, please contact the clinic.\n");
    }

    @Test
    void shouldListParametersWhenTemplateHasNoWordingInLanguage() {
        // Given a reminder in a language without a built-in wording
        // When it is rendered
        Email email = EmailMessages.render(reminder("n-4").setLanguage("fr-FR").build());

        // Then every parameter is listed by name, in a stable order
        assertThat(email.subject()).isEqualTo("Appointment reminder: Riverside Clinic");
        assertThat(email.body()).isEqualTo("""
            Appointment reminder

            Appointment time: Tue 3 Mar, 10:30
            Appointment type: follow-up
            Facility: Riverside Clinic
            Provider: Dr Okafor
            Reminder offset: 24h
            """);
    }

    @Test
    void shouldKeepSubjectOnOneLineWhenFacilityHasLineBreak() {
        // Given a facility name with a line break, which must not start a new header
        // When the subject is made
        String subject = EmailMessages.subject("lab_result_ready", "Riverside\r\nBcc: someone@else.example");

        // Then it is one line
        assertThat(subject).isEqualTo("Lab result ready: Riverside Bcc: someone@else.example").doesNotContain("\n", "\r");
    }
}
