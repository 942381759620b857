package org.careflow.dispatch;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.careflow.events.notifications.OutboundNotification;

/**
 * Renders a notification as a plain-text email: the deterioration alert has its own English wording for clinicians,
 * appointment messages reuse the free-form wordings of WhatsApp where one exists in the notification's language, and
 * any other template lists its parameters, so that no notification is ever unsendable for want of a wording.
 */
final class EmailMessages {

    static final String ALERT_TEMPLATE = "deterioration_alert";
    /** The alert's parameters in the order a clinician reads them, with their labels. */
    static final Map<String, String> ALERT_FIELDS = alertFields();
    static final String NOT_GIVEN = "(not given)";

    private EmailMessages() {
    }

    /** A subject and a plain-text body. */
    record Email(String subject, String body) {
    }

    static Email render(OutboundNotification notification) {
        String templateId = notification.getTemplateId();
        Map<String, String> parameters = notification.getTemplateParameters();
        String subject = subject(templateId, parameters.get("facility"));
        if (ALERT_TEMPLATE.equals(templateId)) {
            return new Email(subject, alertBody(parameters));
        }
        String body = FreeFormWordings.render(templateId, notification.getLanguage(), parameters)
            // Replies to email are not read: an email must not invite one that would seem to confirm or cancel.
            .map(text -> text.replace(FreeFormWordings.REPLY_INSTRUCTION_EN, " To change or cancel it, please contact the clinic.") + "\n")
            .orElseGet(() -> genericBody(templateId, parameters));
        return new Email(subject, body);
    }

    /** "Deterioration alert: Riverside Clinic": the template's name in words, then the facility when there is one. */
    static String subject(String templateId, String facility) {
        String subject = humanise(templateId) + (facility == null || facility.isBlank() ? "" : ": " + facility);
        // A header is one line: a line break in a parameter must not start a new header.
        return subject.replaceAll("\\s+", " ").strip();
    }

    private static String alertBody(Map<String, String> parameters) {
        StringBuilder body = new StringBuilder("A patient's early-warning score calls for a clinical review.\n\n");
        ALERT_FIELDS.forEach((name, label) -> line(body, label, parameters.get(name)));
        line(body, "Facility", parameters.get("facility"));
        new TreeMap<>(parameters).forEach((name, value) -> {
            if (!ALERT_FIELDS.containsKey(name) && !"facility".equals(name)) {
                line(body, humanise(name), value);
            }
        });
        return body.toString();
    }

    private static String genericBody(String templateId, Map<String, String> parameters) {
        StringBuilder body = new StringBuilder(humanise(templateId)).append("\n\n");
        new TreeMap<>(parameters).forEach((name, value) -> line(body, humanise(name), value));
        return body.toString();
    }

    private static void line(StringBuilder body, String label, String value) {
        body.append(label).append(": ").append(value == null || value.isBlank() ? NOT_GIVEN : value).append('\n');
    }

    /** "appointment_reminder" to "Appointment reminder". */
    static String humanise(String name) {
        String words = name.replace('_', ' ').replace('-', ' ').strip();
        if (words.isEmpty()) {
            return "Notification";
        }
        return words.substring(0, 1).toUpperCase(Locale.ROOT) + words.substring(1);
    }

    private static Map<String, String> alertFields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("patient", "Patient");
        fields.put("band", "Band");
        fields.put("score", "Score");
        fields.put("reasons", "Reasons");
        fields.put("assessment", "Assessment");
        return Collections.unmodifiableMap(fields);
    }
}
