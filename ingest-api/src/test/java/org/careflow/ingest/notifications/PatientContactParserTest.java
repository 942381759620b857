package org.careflow.ingest.notifications;

import org.careflow.validation.FieldError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.careflow.events.notifications.Channel;
import org.careflow.events.notifications.ConsentSource;
import org.careflow.events.notifications.PatientContact;
import org.careflow.http.HttpServerFactory;
import org.careflow.http.ProblemException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PatientContactParserTest {

    private static final String ID_MESSAGE = "must be 1-128 letters, digits or . _ : - starting with a letter or digit";
    private static final String VALID = """
        {"phone": "+447700900123", "email": "pat@example.org", "preferredChannel": "WHATSAPP", "language": "en-GB",
         "timeZone": "Europe/London", "consent": {"granted": true, "at": "2026-11-20T09:00:00Z", "source": "STAFF"}}
        """;

    private final Instant now = Instant.parse("2026-11-21T10:16:00Z");
    private final PatientContactParser parser = new PatientContactParser(Clock.fixed(now, ZoneOffset.UTC), Duration.ofMinutes(5));

    @Test
    void shouldBuildContactWhenEveryFieldIsGiven() throws Exception {
        // When
        PatientContact contact = parser.parse("p-123", json(VALID));

        // Then
        assertThat(contact.getEventId()).matches("[0-9a-f-]{36}");
        assertThat(contact.getOccurredAt()).isEqualTo(now);
        assertThat(contact.getPatientId()).isEqualTo("p-123");
        assertThat(contact.getPhone()).isEqualTo("+447700900123");
        assertThat(contact.getEmail()).isEqualTo("pat@example.org");
        assertThat(contact.getPreferredChannel()).isEqualTo(Channel.WHATSAPP);
        assertThat(contact.getLanguage()).isEqualTo("en-GB");
        assertThat(contact.getTimeZone()).isEqualTo("Europe/London");
        assertThat(contact.getConsent().getGranted()).isTrue();
        assertThat(contact.getConsent().getSource()).isEqualTo(ConsentSource.STAFF);
        assertThat(contact.getConsent().getConsentedAt()).isEqualTo(Instant.parse("2026-11-20T09:00:00Z"));
        assertThat(contact.getConsent().getRevokedAt()).isNull();
    }

    @Test
    void shouldGiveEveryContactItsOwnEventIdWhenTheSameBodyIsSentTwice() throws Exception {
        assertThat(parser.parse("p-1", json(VALID)).getEventId()).isNotEqualTo(parser.parse("p-1", json(VALID)).getEventId());
    }

    @Test
    void shouldRejectPatientIdWhenNotAnId() throws Exception {
        assertThat(errors("p 1", VALID)).containsExactly(new FieldError("patientId", ID_MESSAGE));
    }

    @Test
    void shouldRejectBodyWhenNotAnObject() throws Exception {
        assertThat(errors("p-1", "[]")).containsExactly(new FieldError("", "the body must be a JSON object"));
    }

    @Test
    void shouldRejectUnknownFieldsWhenMisspelt() throws Exception {
        // Given
        ObjectNode body = body();
        body.put("phoneNumber", "+447700900123");
        ((ObjectNode) body.get("consent")).put("when", "2026-11-20T09:00:00Z");

        // Then
        assertThat(fields(errors("p-1", body))).containsExactly("/phoneNumber", "/consent/when");
    }

    @Test
    void shouldNameEveryBadFieldWhenSeveralAreWrong() throws Exception {
        // Given
        String body = """
            {"phone": "07700 900123", "email": "no-at-sign", "preferredChannel": "WEBHOOK", "language": "english",
             "timeZone": "+02:00", "consent": {"granted": "yes", "at": "yesterday", "source": "PATIENT_MESSAGE"}}
            """;

        // Then
        assertThat(fields(errors("p 1", body))).containsExactly("patientId", "/phone", "/email", "/preferredChannel",
            "/language", "/timeZone", "/consent/granted", "/consent/at", "/consent/source");
    }

    @Nested
    class Phone {

        @ParameterizedTest
        @ValueSource(strings = {"+447700900123", "+1234567", "+123456789012345", "+15550001111"})
        void shouldAcceptPhoneWhenExactlyE164(String phone) throws Exception {
            assertThat(parser.parse("p-1", json(body().put("phone", phone))).getPhone()).isEqualTo(phone);
        }

        @ParameterizedTest
        @ValueSource(strings = {"447700900123", "+44 7700 900123", "+44-7700-900123", "+(44)7700900123", " +447700900123",
            "+447700900123 ", "+0447700900123", "+123456", "+1234567890123456", "+44770090012a", "", "+"})
        void shouldRejectPhoneWhenNotExactlyE164(String phone) throws Exception {
            assertThat(errors("p-1", body().put("phone", phone))).containsExactly(new FieldError("/phone",
                "must be an E.164 number: + then the country code and number, digits only, no spaces or punctuation "
                    + "(such as +447700900123)"));
        }

        @Test
        void shouldRejectPhoneWhenNotAString() throws Exception {
            assertThat(errors("p-1", body().put("phone", 447700900123L)))
                .containsExactly(new FieldError("/phone", "must be a string"));
        }

        @Test
        void shouldAcceptContactWhenOnlyAPhoneIsGiven() throws Exception {
            ObjectNode body = body();
            body.remove("email");

            PatientContact contact = parser.parse("p-1", json(body));

            assertThat(contact.getPhone()).isEqualTo("+447700900123");
            assertThat(contact.getEmail()).isNull();
        }
    }

    @Nested
    class Email {

        @ParameterizedTest
        @ValueSource(strings = {"pat@example.org", "pat.o'brien+careflow@mail.example.co.uk"})
        void shouldAcceptEmailWhenSane(String email) throws Exception {
            assertThat(parser.parse("p-1", json(body().put("email", email))).getEmail()).isEqualTo(email);
        }

        @ParameterizedTest
        @ValueSource(strings = {"pat", "pat@", "@example.org", "pat@example", "pat@@example.org", "pat smith@example.org",
            "pat@example..org", "pat@.example.org", "pat@example.org."})
        void shouldRejectEmailWhenNotAnAddress(String email) throws Exception {
            assertThat(errors("p-1", body().put("email", email)))
                .containsExactly(new FieldError("/email", "must be an email address such as patient@example.org"));
        }

        @Test
        void shouldRejectEmailWhenLongerThan254Characters() throws Exception {
            String email = "p@" + "e".repeat(249) + ".org";

            assertThat(email).hasSize(255);
            assertThat(errors("p-1", body().put("email", email)))
                .containsExactly(new FieldError("/email", "must be at most 254 characters"));
        }

        @Test
        void shouldAcceptContactWhenOnlyAnEmailIsGiven() throws Exception {
            ObjectNode body = body().put("preferredChannel", "EMAIL");
            body.remove("phone");

            PatientContact contact = parser.parse("p-1", json(body));

            assertThat(contact.getPhone()).isNull();
            assertThat(contact.getPreferredChannel()).isEqualTo(Channel.EMAIL);
        }

        @Test
        void shouldRequireAnAddressWhenNeitherPhoneNorEmailIsGiven() throws Exception {
            ObjectNode body = body();
            body.remove(List.of("phone", "email", "preferredChannel"));

            assertThat(errors("p-1", body))
                .containsExactly(new FieldError("", "give a phone, an email or both: a contact record needs an address"));
        }
    }

    @Nested
    class PreferredChannel {

        @Test
        void shouldHaveNoPreferenceWhenPreferredChannelIsAbsent() throws Exception {
            ObjectNode body = body();
            body.remove("preferredChannel");

            assertThat(parser.parse("p-1", json(body)).getPreferredChannel()).isNull();
        }

        @ParameterizedTest
        @ValueSource(strings = {"WHATSAPP", "SMS", "EMAIL"})
        void shouldAcceptPatientChannelWhenItsAddressIsGiven(String channel) throws Exception {
            assertThat(parser.parse("p-1", json(body().put("preferredChannel", channel))).getPreferredChannel())
                .isEqualTo(Channel.valueOf(channel));
        }

        @Test
        void shouldRefuseWebhookWhenGivenAsPreferredChannel() throws Exception {
            assertThat(errors("p-1", body().put("preferredChannel", "WEBHOOK"))).containsExactly(new FieldError(
                "/preferredChannel", "must not be WEBHOOK: it delivers to another system, never to a patient; use one of [WHATSAPP, SMS, EMAIL]"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"whatsapp", "TELEGRAM"})
        void shouldRejectPreferredChannelWhenNotAPatientChannel(String channel) throws Exception {
            assertThat(errors("p-1", body().put("preferredChannel", channel)))
                .containsExactly(new FieldError("/preferredChannel", "must be one of [WHATSAPP, SMS, EMAIL]"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"WHATSAPP", "SMS"})
        void shouldRejectPhoneChannelWhenNoPhoneIsGiven(String channel) throws Exception {
            ObjectNode body = body().put("preferredChannel", channel);
            body.remove("phone");

            assertThat(errors("p-1", body)).containsExactly(new FieldError("/preferredChannel",
                "is " + channel + " but no phone is given: give the phone or choose another channel"));
        }

        @Test
        void shouldRejectEmailChannelWhenNoEmailIsGiven() throws Exception {
            ObjectNode body = body().put("preferredChannel", "EMAIL");
            body.remove("email");

            assertThat(errors("p-1", body)).containsExactly(new FieldError("/preferredChannel",
                "is EMAIL but no email is given: give the email or choose another channel"));
        }
    }

    @Nested
    class Language {

        @ParameterizedTest
        @ValueSource(strings = {"en-GB", "cy-GB", "en", "pt-BR", "zh-Hant-TW", "es-419"})
        void shouldAcceptLanguageWhenBcp47(String tag) throws Exception {
            assertThat(parser.parse("p-1", json(body().put("language", tag))).getLanguage()).isEqualTo(tag);
        }

        @Test
        void shouldWriteLanguageInCanonicalCaseWhenSentInAnother() throws Exception {
            assertThat(parser.parse("p-1", json(body().put("language", "EN-gb"))).getLanguage()).isEqualTo("en-GB");
        }

        @ParameterizedTest
        @ValueSource(strings = {"en_GB", "english", "und", "e", "en-", "12", "en GB"})
        void shouldRejectLanguageWhenNotBcp47(String tag) throws Exception {
            assertThat(errors("p-1", body().put("language", tag)))
                .containsExactly(new FieldError("/language", "must be a BCP 47 language tag such as en-GB or cy-GB"));
        }

        @Test
        void shouldRequireLanguageWhenAbsent() throws Exception {
            ObjectNode body = body();
            body.remove("language");

            assertThat(errors("p-1", body)).containsExactly(new FieldError("/language", "is required"));
        }
    }

    @Nested
    class TimeZone {

        @ParameterizedTest
        @ValueSource(strings = {"Europe/London", "America/New_York", "UTC", "Etc/UTC"})
        void shouldAcceptTimeZoneWhenRegion(String zone) throws Exception {
            assertThat(parser.parse("p-1", json(body().put("timeZone", zone))).getTimeZone()).isEqualTo(zone);
        }

        @ParameterizedTest
        @ValueSource(strings = {"+02:00", "UTC+2", "GMT+01:00", "Etc/GMT-2", "Z"})
        void shouldRejectTimeZoneWhenFixedOffset(String zone) throws Exception {
            assertThat(errors("p-1", body().put("timeZone", zone))).containsExactly(new FieldError("/timeZone",
                "must be a region such as Europe/London, not a fixed offset: times shown to the patient follow daylight-saving "
                    + "rules (UTC is accepted)"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"Europe/Atlantis", "london"})
        void shouldRejectTimeZoneWhenUnknown(String zone) throws Exception {
            assertThat(errors("p-1", body().put("timeZone", zone)))
                .containsExactly(new FieldError("/timeZone", "must be an IANA time-zone id such as Europe/London"));
        }

        @Test
        void shouldRequireTimeZoneWhenAbsent() throws Exception {
            ObjectNode body = body();
            body.remove("timeZone");

            assertThat(errors("p-1", body)).containsExactly(new FieldError("/timeZone", "is required"));
        }
    }

    @Nested
    class Consent {

        @Test
        void shouldRecordRevocationAtTheGivenTimeWhenConsentIsNotGranted() throws Exception {
            // Given
            ObjectNode body = body();
            ((ObjectNode) body.get("consent")).put("granted", false).put("at", "2026-11-21T08:00:00Z").remove("source");

            // When
            PatientContact contact = parser.parse("p-1", json(body));

            // Then
            assertThat(contact.getConsent().getGranted()).isFalse();
            assertThat(contact.getConsent().getSource()).isEqualTo(ConsentSource.API);
            assertThat(contact.getConsent().getConsentedAt()).isNull();
            assertThat(contact.getConsent().getRevokedAt()).isEqualTo(Instant.parse("2026-11-21T08:00:00Z"));
        }

        @Test
        void shouldDefaultSourceToApiWhenAbsent() throws Exception {
            ObjectNode body = body();
            ((ObjectNode) body.get("consent")).remove("source");

            assertThat(parser.parse("p-1", json(body)).getConsent().getSource()).isEqualTo(ConsentSource.API);
        }

        @Test
        void shouldRefusePatientMessageSourceWhenAClientSendsIt() throws Exception {
            ObjectNode body = body();
            ((ObjectNode) body.get("consent")).put("source", "PATIENT_MESSAGE");

            assertThat(errors("p-1", body)).containsExactly(new FieldError("/consent/source",
                "must not be PATIENT_MESSAGE: only careflow records a patient's STOP or START; use one of [API, STAFF]"));
        }

        @Test
        void shouldRequireConsentWhenAbsent() throws Exception {
            ObjectNode body = body();
            body.remove("consent");

            assertThat(errors("p-1", body)).containsExactly(new FieldError("/consent", "is required"));
        }

        @Test
        void shouldRejectConsentWhenNotAnObject() throws Exception {
            assertThat(errors("p-1", body().put("consent", true))).containsExactly(new FieldError("/consent", "must be an object"));
        }

        @Test
        void shouldRequireGrantedAndAtWhenConsentIsEmpty() throws Exception {
            ObjectNode body = body();
            body.putObject("consent");

            assertThat(errors("p-1", body)).containsExactly(
                new FieldError("/consent/granted", "is required"),
                new FieldError("/consent/at", "is required"));
        }

        @Test
        void shouldRejectGrantedWhenNotABoolean() throws Exception {
            ObjectNode body = body();
            ((ObjectNode) body.get("consent")).put("granted", "true");

            assertThat(errors("p-1", body)).containsExactly(new FieldError("/consent/granted", "must be true or false"));
        }

        @Test
        void shouldRejectAtWhenNotAnInstant() throws Exception {
            ObjectNode body = body();
            ((ObjectNode) body.get("consent")).put("at", "2026-11-20");

            assertThat(errors("p-1", body)).containsExactly(
                new FieldError("/consent/at", "must be an ISO-8601 instant such as 2026-11-21T10:15:00Z"));
        }

        @Test
        void shouldAcceptAtWhenWithinTheClockSkew() throws Exception {
            ObjectNode body = body();
            ((ObjectNode) body.get("consent")).put("at", now.plus(Duration.ofMinutes(5)).toString());

            assertThat(parser.parse("p-1", json(body)).getConsent().getConsentedAt()).isEqualTo(now.plus(Duration.ofMinutes(5)));
        }

        @Test
        void shouldRejectAtWhenFurtherInTheFutureThanTheClockSkew() throws Exception {
            ObjectNode body = body();
            ((ObjectNode) body.get("consent")).put("at", now.plus(Duration.ofMinutes(5)).plusMillis(1).toString());

            assertThat(errors("p-1", body)).containsExactly(new FieldError("/consent/at",
                "lies in the future: give the time the patient gave or withdrew consent"));
        }
    }

    private static ObjectNode body() throws Exception {
        return (ObjectNode) json(VALID);
    }

    private static JsonNode json(String text) throws Exception {
        return HttpServerFactory.MAPPER.readTree(text);
    }

    private static JsonNode json(JsonNode node) {
        return node;
    }

    private List<FieldError> errors(String patientId, String body) throws Exception {
        return errors(patientId, json(body));
    }

    private List<FieldError> errors(String patientId, JsonNode body) {
        ProblemException e = catchThrowableOfType(ProblemException.class, () -> parser.parse(patientId, body));
        assertThat(e).as("a ProblemException").isNotNull();
        assertThat(e.problem().status()).isEqualTo(400);
        return e.problem().errors();
    }

    private static List<String> fields(List<FieldError> errors) {
        return errors.stream().map(FieldError::field).toList();
    }
}
