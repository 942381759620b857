package org.careflow.masterdata.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.careflow.masterdata.cdc.DebeziumRows.asRead;
import static org.careflow.masterdata.cdc.DebeziumRows.contact;
import static org.careflow.masterdata.cdc.DebeziumRows.contactKey;

import java.time.Instant;
import org.careflow.events.notifications.Channel;
import org.careflow.events.notifications.ConsentSource;
import org.careflow.events.notifications.PatientContact;
import org.careflow.masterdata.cdc.InvalidMasterDataException;
import org.junit.jupiter.api.Test;

class ContactRowsTest {

    private static final Instant CHANGED = Instant.parse("2026-11-23T08:00:00Z");

    @Test
    void shouldMapEveryColumnWhenRowIsValid() {
        // Given a row as the deserializer returns it (Utf8 strings)
        var row = asRead(contact("p-1", "+447700900123").set("email", " patient@example.org ").set("language", "cy-GB").build());

        // When
        PatientContact contact = ContactRows.toContact(ContactRows.patientId(asRead(contactKey("p-1"))), row, "e-1", CHANGED);

        // Then
        assertThat(contact.getEventId()).isEqualTo("e-1");
        assertThat(contact.getOccurredAt()).isEqualTo(CHANGED);
        assertThat(contact.getPatientId()).isEqualTo("p-1");
        assertThat(contact.getPhone()).isEqualTo("+447700900123");
        assertThat(contact.getEmail()).isEqualTo("patient@example.org");
        assertThat(contact.getPreferredChannel()).isEqualTo(Channel.WHATSAPP);
        assertThat(contact.getLanguage()).isEqualTo("cy-GB");
        assertThat(contact.getTimeZone()).isEqualTo("Europe/London");
        assertThat(contact.getConsent().getGranted()).isTrue();
        assertThat(contact.getConsent().getSource()).isEqualTo(ConsentSource.STAFF);
        assertThat(contact.getConsent().getConsentedAt()).isEqualTo(Instant.parse("2026-11-20T10:00:00Z"));
        assertThat(contact.getConsent().getRevokedAt()).isNull();
    }

    @Test
    void shouldRecordRevocationWhenConsentIsNotGranted() {
        var row = contact("p-1", "+447700900123").set("consent_granted", false).set("consent_at", "2026-11-21T09:30:00.123456+01:00").build();

        PatientContact contact = ContactRows.toContact("p-1", row, "e-1", CHANGED);

        assertThat(contact.getConsent().getGranted()).isFalse();
        assertThat(contact.getConsent().getSource()).isEqualTo(ConsentSource.STAFF);
        assertThat(contact.getConsent().getConsentedAt()).isNull();
        assertThat(contact.getConsent().getRevokedAt()).isEqualTo(Instant.parse("2026-11-21T08:30:00.123Z"));
    }

    @Test
    void shouldTreatBlankOptionalColumnsAsNullAndWriteLanguageCanonically() {
        var row = contact("p-1", "  ").set("email", "patient@example.org").set("preferred_channel", " ").set("language", "en-gb").build();

        PatientContact contact = ContactRows.toContact("p-1", row, "e-1", CHANGED);

        assertThat(contact.getPhone()).isNull();
        assertThat(contact.getPreferredChannel()).isNull();
        assertThat(contact.getLanguage()).isEqualTo("en-GB");
    }

    @Test
    void shouldNameEveryBadColumnWithoutRepeatingItsValueWhenRowIsInvalid() {
        var row = contact("p-1", "+44 7700 900987").set("email", "not-an-address").set("preferred_channel", "WEBHOOK")
            .set("language", "english").set("time_zone", "Europe/Nowhere").set("consent_at", "yesterday").build();

        assertThatThrownBy(() -> ContactRows.toContact("p-1", row, "e-1", CHANGED))
            .isInstanceOfSatisfying(InvalidMasterDataException.class, e -> assertThat(e.problems()).containsExactly(
                "phone must be an E.164 number: + then the country code and number, digits only, no spaces or punctuation (such as +447700900123)",
                "email must be an email address such as patient@example.org",
                "preferred_channel must not be WEBHOOK: it delivers to another system, never to a patient; use one of [WHATSAPP, SMS, EMAIL]",
                "language must be a BCP 47 language tag such as en-GB or cy-GB",
                "time_zone must be an IANA time-zone id such as Europe/London",
                "consent_at must be an ISO-8601 timestamp with an offset, as Debezium writes timestamptz"))
            .hasMessageStartingWith("patient_contacts row is invalid: ")
            .hasMessageNotContaining("900987").hasMessageNotContaining("not-an-address").hasMessageNotContaining("p-1");
    }

    @Test
    void shouldRequireAnAddressAndOneForThePreferredChannel() {
        assertThatThrownBy(() -> ContactRows.toContact("p-1", contact("p-1", null).set("preferred_channel", null).build(), "e", CHANGED))
            .hasMessageContaining("phone or email must be given: a contact record needs an address");
        assertThatThrownBy(() -> ContactRows.toContact("p-1", contact("p-1", "+447700900123").set("preferred_channel", "EMAIL").build(), "e", CHANGED))
            .hasMessageContaining("preferred_channel is EMAIL but email is null");
    }

    @Test
    void shouldRequireAConsentTimeNoLaterThanTheChangeWhenConsentIsRecorded() {
        assertThatThrownBy(() -> ContactRows.toContact("p-1", contact("p-1", "+447700900123").set("consent_at", null).build(), "e", CHANGED))
            .hasMessageContaining("consent_at is required");
        assertThatThrownBy(() -> ContactRows.toContact("p-1", contact("p-1", "+447700900123").set("consent_at", "2026-11-23T08:06:00Z").build(),
                "e", CHANGED))
            .hasMessageContaining("consent_at lies after the change itself");

        assertThat(ContactRows.toContact("p-1", contact("p-1", "+447700900123").set("consent_at", "2026-11-23T08:05:00Z").build(), "e", CHANGED)
            .getConsent().getConsentedAt()).as("within the clock skew the ingest API allows").isEqualTo(Instant.parse("2026-11-23T08:05:00Z"));
    }

    @Test
    void shouldRefuseAKeyThatIsNoCareflowId() {
        assertThatThrownBy(() -> ContactRows.patientId(contactKey("p/1"))).isInstanceOf(InvalidMasterDataException.class)
            .hasMessageContaining("patient_id must be 1-128 letters").hasMessageNotContaining("p/1");
    }
}
