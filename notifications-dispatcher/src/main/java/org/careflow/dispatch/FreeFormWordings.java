package org.careflow.dispatch;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in wordings of templates as free-form text, by language (primary subtag) and template id: what is sent
 * instead of a template inside WhatsApp's customer-service window. A template without a wording in the
 * notification's language is always sent as a template.
 */
final class FreeFormWordings {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");

    /** The English wordings' last sentence: only WhatsApp replies are read, so email leaves it out. */
    static final String REPLY_INSTRUCTION_EN = " Reply 1 to confirm you will come, or 2 to cancel.";

    private static final Map<String, Map<String, String>> BY_LANGUAGE = Map.of(
        "en", Map.of(
            "appointment_confirmation", "Your {appointment_type} appointment at {facility} is booked for {appointment_time}. "
                + "Reply 1 to confirm you will come, or 2 to cancel.",
            "appointment_reminder", "Reminder: your {appointment_type} appointment at {facility} is at {appointment_time}. "
                + "Reply 1 to confirm you will come, or 2 to cancel.",
            // Sent only inside the window the patient's own message opened: a reply that could mean several bookings.
            "which_appointment", "This phone has {appointments} upcoming appointments, so we did not act on your message. "
                + "Please reply to the message about the appointment you mean (swipe it, or press and hold and choose Reply), "
                + "then send 1 to confirm or 2 to cancel.",
            "phone_verification", "Your careflow verification code is {code}. Send it from this phone within {valid_hours} hours "
                + "to confirm this number is yours. If you did not ask for it, ignore this message."));

    private FreeFormWordings() {
    }

    /**
     * The text for {@code templateId} in {@code languageTag} with its placeholders filled in; empty when there is no
     * wording, or a placeholder has no value (a template then says it better than a half-filled text).
     */
    static Optional<String> render(String templateId, String languageTag, Map<String, String> parameters) {
        String language = Locale.forLanguageTag(languageTag).getLanguage();
        String wording = BY_LANGUAGE.getOrDefault(language, Map.of()).get(templateId);
        if (wording == null) {
            return Optional.empty();
        }
        Matcher matcher = PLACEHOLDER.matcher(wording);
        StringBuilder text = new StringBuilder();
        while (matcher.find()) {
            String value = parameters.get(matcher.group(1));
            if (value == null) {
                return Optional.empty();
            }
            matcher.appendReplacement(text, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(text);
        return Optional.of(text.toString());
    }
}
