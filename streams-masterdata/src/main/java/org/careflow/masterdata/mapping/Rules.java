package org.careflow.masterdata.mapping;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.careflow.masterdata.cdc.CdcRow;
import org.careflow.validation.JsonReader;
import org.careflow.rules.TimeZoneRule;

/**
 * The ingest API's rules for the values both it and master data write, so that an event is exactly as valid whatever
 * its origin. The ingest API's own copies are private to it (ingest-api is no dependency of a streams app): a change
 * there must be made here too.
 */
final class Rules {

    static final String ID_MESSAGE = "must be 1-128 letters, digits or . _ : - starting with a letter or digit";
    /** {@code +}, a country code not starting with 0, and 7 to 15 digits in all; no spaces or punctuation (ingest's Phones.E164). */
    static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    static final String E164_MESSAGE =
        "must be an E.164 number: + then the country code and number, digits only, no spaces or punctuation (such as +447700900123)";
    /** A sane address, not RFC 5322 (ingest's PatientContactParser.EMAIL). */
    static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s.]+(\\.[^@\\s.]+)+");
    static final int MAX_EMAIL_LENGTH = 254;
    static final int MAX_LANGUAGE_LENGTH = 35;
    static final int MAX_TIME_ZONE_LENGTH = 64;
    private static final Pattern LANGUAGE_SUBTAG = Pattern.compile("[a-z]{2,3}");

    private Rules() {
    }

    static boolean isId(String value) {
        return value != null && JsonReader.ID.matcher(value).matches();
    }

    /** An identifier column, exactly as stored; null (with a problem) when absent or not an id. */
    static String id(CdcRow row, String column, String value) {
        if (value == null) {
            return null;
        }
        if (!isId(value)) {
            row.problem(column, ID_MESSAGE);
            return null;
        }
        return value;
    }

    /**
     * An IANA region id, or UTC. Fixed offsets ({@code +02:00}, {@code Etc/GMT-2}) are refused: hours and message
     * times follow daylight-saving rules, which an offset does not know.
     */
    static String timeZone(CdcRow row, String column, String id) {
        if (id == null) {
            return null;
        }
        if (id.length() > MAX_TIME_ZONE_LENGTH) {
            row.problem(column, "must be at most " + MAX_TIME_ZONE_LENGTH + " characters");
            return null;
        }
        Optional<String> problem = TimeZoneRule.problem(id, "times follow daylight-saving rules");
        problem.ifPresent(message -> row.problem(column, message));
        return problem.isPresent() ? null : id;
    }

    /** A BCP 47 tag with an ISO 639 language, returned as Java writes it back (so {@code en_GB} and {@code english} fail). */
    static String language(CdcRow row, String column, String tag) {
        if (tag == null) {
            return null;
        }
        if (tag.length() > MAX_LANGUAGE_LENGTH) {
            row.problem(column, "must be at most " + MAX_LANGUAGE_LENGTH + " characters");
            return null;
        }
        Locale locale = Locale.forLanguageTag(tag);
        String canonical = locale.toLanguageTag();
        if (!LANGUAGE_SUBTAG.matcher(locale.getLanguage()).matches() || !canonical.equalsIgnoreCase(tag)) {
            row.problem(column, "must be a BCP 47 language tag such as en-GB or cy-GB");
            return null;
        }
        return canonical;
    }

    static String phone(CdcRow row, String column, String phone) {
        if (phone == null) {
            return null;
        }
        if (!E164.matcher(phone).matches()) {
            row.problem(column, E164_MESSAGE);
            return null;
        }
        return phone;
    }

    static String email(CdcRow row, String column, String email) {
        if (email == null) {
            return null;
        }
        if (email.length() > MAX_EMAIL_LENGTH) {
            row.problem(column, "must be at most " + MAX_EMAIL_LENGTH + " characters");
            return null;
        }
        if (!EMAIL.matcher(email).matches()) {
            row.problem(column, "must be an email address such as patient@example.org");
            return null;
        }
        return email;
    }
}
