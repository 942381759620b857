package org.careflow.ingest.notifications;

import java.util.regex.Pattern;

/** Phone numbers as careflow stores them: E.164, the one spelling that lets a reply's sender be matched to a patient. */
final class Phones {

    /** {@code +}, a country code not starting with 0, and 7 to 15 digits in all; no spaces or punctuation. */
    static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

    static final String E164_MESSAGE =
        "must be an E.164 number: + then the country code and number, digits only, no spaces or punctuation (such as +447700900123)";

    private Phones() {
    }

    static boolean isE164(String value) {
        return value != null && E164.matcher(value).matches();
    }
}
