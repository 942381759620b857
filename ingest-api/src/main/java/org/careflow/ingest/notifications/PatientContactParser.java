package org.careflow.ingest.notifications;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.careflow.events.notifications.Channel;
import org.careflow.events.notifications.ConsentSource;
import org.careflow.events.notifications.MessagingConsent;
import org.careflow.events.notifications.PatientContact;
import org.careflow.validation.JsonReader;
import org.careflow.http.ProblemException;
import org.careflow.rules.TimeZoneRule;

/**
 * Turns {@code PUT /v1/patients/{patientId}/contact} into a {@link PatientContact}, or a 400 naming every bad field by
 * JSON pointer (the path's id as {@code patientId}, without a slash). The body is the patient's whole contact record:
 * it replaces the previous one. The format and every rule are described in this module's README.
 */
public final class PatientContactParser {

    public static final int MAX_EMAIL_LENGTH = 254;
    /** BCP 47 asks implementations to support tags of at least 35 characters. */
    public static final int MAX_LANGUAGE_LENGTH = 35;

    static final String ID_MESSAGE = "must be 1-128 letters, digits or . _ : - starting with a letter or digit";

    private static final List<String> FIELDS = List.of("phone", "email", "preferredChannel", "language", "timeZone", "consent");
    private static final List<String> CONSENT_FIELDS = List.of("granted", "at", "source");
    private static final List<Channel> PATIENT_CHANNELS = List.of(Channel.WHATSAPP, Channel.SMS, Channel.EMAIL);
    private static final List<ConsentSource> CLIENT_SOURCES = List.of(ConsentSource.API, ConsentSource.STAFF);
    /** A sane address, not RFC 5322: one @, no spaces, a local part of at most 64 characters and a dotted domain. */
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s.]+(\\.[^@\\s.]+)+");
    private static final Pattern LANGUAGE_SUBTAG = Pattern.compile("[a-z]{2,3}");

    private final Clock clock;
    private final Duration maxClockSkew;

    /** @param maxClockSkew how far in the future a client's {@code consent.at} may lie (its clock may run ahead) */
    public PatientContactParser(Clock clock, Duration maxClockSkew) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxClockSkew = Objects.requireNonNull(maxClockSkew, "maxClockSkew");
    }

    /**
     * Parses and validates {@code body} as the whole contact record of {@code patientId} (from the request path); throws
     * {@link ProblemException} (400) listing every problem. The event gets a new id and the clock's time.
     */
    public PatientContact parse(String patientId, JsonNode body) {
        Objects.requireNonNull(patientId, "patientId");
        JsonReader in = new JsonReader();
        if (!JsonReader.ID.matcher(patientId).matches()) {
            in.error("patientId", ID_MESSAGE);
        }
        if (body == null || !body.isObject()) {
            in.error("", "the body must be a JSON object");
            throw ProblemException.invalid(in.errors());
        }
        in.rejectUnknown(body, "", FIELDS);
        Instant now = clock.instant();
        String phone = phone(in, body);
        String email = email(in, body);
        if (!body.hasNonNull("phone") && !body.hasNonNull("email")) {
            in.error("", "give a phone, an email or both: a contact record needs an address");
        }
        Channel preferredChannel = preferredChannel(in, body);
        String language = language(in, body);
        String timeZone = timeZone(in, body);
        MessagingConsent consent = consent(in, body, now);
        if (!in.errors().isEmpty()) {
            throw ProblemException.invalid(in.errors());
        }
        return PatientContact.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setOccurredAt(now)
            .setPatientId(patientId)
            .setPhone(phone)
            .setEmail(email)
            .setPreferredChannel(preferredChannel)
            .setLanguage(language)
            .setTimeZone(timeZone)
            .setConsent(consent)
            .build();
    }

    /**
     * Exactly E.164, as sent: spaces and punctuation are refused rather than stripped, so the number stored is the one
     * the client holds and a patient's replies, which arrive in E.164, match it.
     */
    private static String phone(JsonReader in, JsonNode body) {
        JsonNode node = body.get("phone");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            in.error("/phone", "must be a string");
            return null;
        }
        if (!Phones.isE164(node.textValue())) {
            in.error("/phone", Phones.E164_MESSAGE);
            return null;
        }
        return node.textValue();
    }

    private static String email(JsonReader in, JsonNode body) {
        String email = in.text(body, "email", "/email", false, MAX_EMAIL_LENGTH);
        if (email != null && !EMAIL.matcher(email).matches()) {
            in.error("/email", "must be an email address such as patient@example.org");
            return null;
        }
        return email;
    }

    /** Optional; a channel the patient is reached on, and one whose address the record holds. */
    private static Channel preferredChannel(JsonReader in, JsonNode body) {
        String name = in.text(body, "preferredChannel", "/preferredChannel", false, 64);
        if (name == null) {
            return null;
        }
        Channel channel = PATIENT_CHANNELS.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
        if (channel == null) {
            in.error("/preferredChannel", Channel.WEBHOOK.name().equals(name)
                ? "must not be WEBHOOK: it delivers to another system, never to a patient; use one of " + PATIENT_CHANNELS
                : "must be one of " + PATIENT_CHANNELS);
            return null;
        }
        String address = channel == Channel.EMAIL ? "email" : "phone";
        if (!body.hasNonNull(address)) {
            in.error("/preferredChannel", "is " + channel + " but no " + address + " is given: give the " + address
                + " or choose another channel");
            return null;
        }
        return channel;
    }

    /** A BCP 47 tag with an ISO 639 language, written as Java writes it back (so {@code en_GB} and {@code english} fail). */
    private static String language(JsonReader in, JsonNode body) {
        String tag = in.text(body, "language", "/language", true, MAX_LANGUAGE_LENGTH);
        if (tag == null) {
            return null;
        }
        Locale locale = Locale.forLanguageTag(tag);
        String canonical = locale.toLanguageTag();
        if (!LANGUAGE_SUBTAG.matcher(locale.getLanguage()).matches() || !canonical.equalsIgnoreCase(tag)) {
            in.error("/language", "must be a BCP 47 language tag such as en-GB or cy-GB");
            return null;
        }
        return canonical;
    }

    /**
     * An IANA region id. Fixed offsets ({@code +02:00}, {@code UTC+2}, {@code Etc/GMT-2}) are refused: the times shown to
     * the patient must follow their daylight-saving rules, which an offset does not know. UTC itself is accepted.
     */
    private static String timeZone(JsonReader in, JsonNode body) {
        String id = in.text(body, "timeZone", "/timeZone", true, 64);
        if (id == null) {
            return null;
        }
        Optional<String> problem = TimeZoneRule.problem(id, "times shown to the patient follow daylight-saving rules");
        problem.ifPresent(message -> in.error("/timeZone", message));
        return problem.isPresent() ? null : id;
    }

    /**
     * The patient's decision and when they made it. {@code at} is required so that a client re-sending an old consent
     * cannot override a later STOP the patient sent: the later decision wins downstream.
     */
    private MessagingConsent consent(JsonReader in, JsonNode body, Instant now) {
        JsonNode consent = in.object(body, "consent", "/consent", true);
        if (consent == null) {
            return null;
        }
        in.rejectUnknown(consent, "/consent", CONSENT_FIELDS);
        Boolean granted = in.bool(consent, "granted", "/consent/granted", true);
        Instant at = in.instant(consent, "at", "/consent/at", true);
        if (at != null && at.isAfter(now.plus(maxClockSkew))) {
            in.error("/consent/at", "lies in the future: give the time the patient gave or withdrew consent");
            at = null;
        }
        ConsentSource source = consentSource(in, consent);
        if (granted == null || at == null) {
            return null;
        }
        return MessagingConsent.newBuilder()
            .setGranted(granted)
            .setSource(source != null ? source : ConsentSource.API)
            .setConsentedAt(granted ? at : null)
            .setRevokedAt(granted ? null : at)
            .build();
    }

    private static ConsentSource consentSource(JsonReader in, JsonNode consent) {
        String name = in.text(consent, "source", "/consent/source", false, 64);
        if (name == null) {
            return null;
        }
        ConsentSource source = CLIENT_SOURCES.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
        if (source == null) {
            in.error("/consent/source", ConsentSource.PATIENT_MESSAGE.name().equals(name)
                ? "must not be PATIENT_MESSAGE: only careflow records a patient's STOP or START; use one of " + CLIENT_SOURCES
                : "must be one of " + CLIENT_SOURCES);
        }
        return source;
    }
}
