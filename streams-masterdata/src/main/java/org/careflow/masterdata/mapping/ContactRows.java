package org.careflow.masterdata.mapping;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import org.apache.avro.generic.GenericRecord;
import org.careflow.events.notifications.Channel;
import org.careflow.events.notifications.ConsentSource;
import org.careflow.events.notifications.MessagingConsent;
import org.careflow.events.notifications.PatientContact;
import org.careflow.masterdata.cdc.CdcRow;

/**
 * Rows of the {@code patient_contacts} table: {@code patient_id} (the key), {@code phone}, {@code email},
 * {@code preferred_channel}, {@code language}, {@code time_zone}, {@code consent_granted} and {@code consent_at}. A row
 * becomes the {@link PatientContact} the ingest API would write for the same record, checked by the same rules.
 * Master data is kept by staff, so its consent decisions are recorded as {@link ConsentSource#STAFF}.
 */
public final class ContactRows {

    public static final String TABLE = "patient_contacts";
    public static final String PATIENT_ID = "patient_id";
    public static final String PHONE = "phone";
    public static final String EMAIL = "email";
    public static final String PREFERRED_CHANNEL = "preferred_channel";
    public static final String LANGUAGE = "language";
    public static final String TIME_ZONE = "time_zone";
    public static final String CONSENT_GRANTED = "consent_granted";
    public static final String CONSENT_AT = "consent_at";

    /** How far past the change a consent time may lie: the ingest API's default {@code submission.max.clock.skew.ms}. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    private static final List<Channel> PATIENT_CHANNELS = List.of(Channel.WHATSAPP, Channel.SMS, Channel.EMAIL);

    private ContactRows() {
    }

    /** The patient id of a change key {patient_id}; throws naming the problem when it is no careflow id. */
    public static String patientId(GenericRecord key) {
        CdcRow row = new CdcRow(TABLE + " key", Objects.requireNonNull(key, "key"));
        String id = Rules.id(row, PATIENT_ID, row.keyText(PATIENT_ID));
        row.throwIfInvalid();
        return id;
    }

    /**
     * The contact of {@code patientId} in row {@code value}, as event {@code eventId} written at {@code occurredAt} (the
     * change's time), or an {@link org.careflow.masterdata.cdc.InvalidMasterDataException} naming every bad column.
     * Blank optional columns count as null, as a form left empty would.
     */
    public static PatientContact toContact(String patientId, GenericRecord value, String eventId, Instant occurredAt) {
        Objects.requireNonNull(patientId, "patientId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        CdcRow row = new CdcRow(TABLE + " row", Objects.requireNonNull(value, "value"));
        String rawPhone = blankToNull(row.exactText(PHONE, false));
        String rawEmail = row.text(EMAIL, false);
        String phone = Rules.phone(row, PHONE, rawPhone);
        String email = Rules.email(row, EMAIL, rawEmail);
        if (rawPhone == null && rawEmail == null) {
            row.problem(PHONE, "or " + EMAIL + " must be given: a contact record needs an address");
        }
        Channel channel = preferredChannel(row, row.text(PREFERRED_CHANNEL, false), rawPhone != null, rawEmail != null);
        String language = Rules.language(row, LANGUAGE, row.text(LANGUAGE, true));
        String timeZone = Rules.timeZone(row, TIME_ZONE, row.text(TIME_ZONE, true));
        MessagingConsent consent = consent(row, occurredAt);
        row.throwIfInvalid();
        return PatientContact.newBuilder()
            .setEventId(eventId)
            .setOccurredAt(occurredAt)
            .setPatientId(patientId)
            .setPhone(phone)
            .setEmail(email)
            .setPreferredChannel(channel)
            .setLanguage(language)
            .setTimeZone(timeZone)
            .setConsent(consent)
            .build();
    }

    /** Optional; a channel patients are reached on (never WEBHOOK), and one whose address the row holds. */
    private static Channel preferredChannel(CdcRow row, String name, boolean hasPhone, boolean hasEmail) {
        if (name == null) {
            return null;
        }
        Channel channel = PATIENT_CHANNELS.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
        if (channel == null) {
            row.problem(PREFERRED_CHANNEL, Channel.WEBHOOK.name().equals(name)
                ? "must not be WEBHOOK: it delivers to another system, never to a patient; use one of " + PATIENT_CHANNELS
                : "must be one of " + PATIENT_CHANNELS);
            return null;
        }
        boolean email = channel == Channel.EMAIL;
        if (email ? !hasEmail : !hasPhone) {
            row.problem(PREFERRED_CHANNEL, "is " + channel + " but " + (email ? EMAIL : PHONE) + " is null: give the "
                + (email ? EMAIL : PHONE) + " or choose another channel");
            return null;
        }
        return channel;
    }

    /**
     * The decision and its time. {@code consent_at} is required, as the ingest API requires {@code consent.at}: without
     * it a decision could not be ordered against a patient's later STOP, and notifications keeps the later one.
     */
    private static MessagingConsent consent(CdcRow row, Instant changedAt) {
        Boolean granted = row.bool(CONSENT_GRANTED);
        // The event holds milliseconds (timestamp-millis); PostgreSQL keeps microseconds.
        Instant at = row.timestamp(CONSENT_AT);
        at = at == null ? null : at.truncatedTo(ChronoUnit.MILLIS);
        if (row.isNull(CONSENT_AT)) {
            row.problem(CONSENT_AT, "is required: the time the patient gave or withdrew consent");
        } else if (at != null && at.isAfter(changedAt.plus(MAX_CLOCK_SKEW))) {
            row.problem(CONSENT_AT, "lies after the change itself: give the time the patient gave or withdrew consent");
            at = null;
        }
        if (granted == null || at == null) {
            return null;
        }
        return MessagingConsent.newBuilder()
            .setGranted(granted)
            .setSource(ConsentSource.STAFF)
            .setConsentedAt(granted ? at : null)
            .setRevokedAt(granted ? null : at)
            .build();
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
