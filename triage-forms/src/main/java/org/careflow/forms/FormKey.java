package org.careflow.forms;

import java.util.Objects;
import java.util.Optional;

/**
 * The key of one form version on the {@code triage-forms} topic, written {@code formId@version}
 * ({@code chest-pain@3}): one key per version, so compaction keeps every version a submission may refer to.
 *
 * @param formId the form's stable id; never contains {@code @} (ids are letters, digits and {@code . _ : -})
 * @param version the version, 1 or more
 */
public record FormKey(String formId, int version) {

    private static final char SEPARATOR = '@';

    public FormKey {
        Objects.requireNonNull(formId, "formId");
        if (formId.isEmpty() || formId.indexOf(SEPARATOR) >= 0) {
            throw new IllegalArgumentException("A form id is non-empty and has no '" + SEPARATOR + "', got '" + formId + "'");
        }
        if (version < 1) {
            throw new IllegalArgumentException("Form versions start at 1, got " + version);
        }
    }

    /** The topic key of {@code formId} at {@code version}: {@code formId@version}. */
    public static String of(String formId, int version) {
        return new FormKey(formId, version).key();
    }

    /** The form id and version a topic key names, or empty when {@code key} is not {@code formId@version}. */
    public static Optional<FormKey> parse(String key) {
        if (key == null) {
            return Optional.empty();
        }
        int at = key.indexOf(SEPARATOR);
        if (at <= 0 || at != key.lastIndexOf(SEPARATOR) || at == key.length() - 1) {
            return Optional.empty();
        }
        String digits = key.substring(at + 1);
        // No sign and no leading zero: a parsed key is written back exactly as it was read.
        if (digits.charAt(0) == '0' || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        try {
            return Optional.of(new FormKey(key.substring(0, at), Integer.parseInt(digits)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** This key as written on the topic. */
    public String key() {
        return formId + SEPARATOR + version;
    }

    @Override
    public String toString() {
        return key();
    }
}
