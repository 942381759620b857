package org.careflow.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads typed fields out of a JSON request while collecting every problem with its JSON pointer, so one
 * response can name all bad fields. Getters return null for absent or invalid fields; check
 * {@link #errors()} before using the values.
 */
public final class JsonReader {

    /** Identifiers: patient, facility, form and client ids. Letters, digits and {@code . _ : -}. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private final List<FieldError> errors = new ArrayList<>();

    public List<FieldError> errors() {
        return List.copyOf(errors);
    }

    public void error(String pointer, String message) {
        errors.add(new FieldError(pointer, message));
    }

    /** The object at {@code pointer}, or null (recording an error if it is required or not an object). */
    public JsonNode object(JsonNode parent, String name, String pointer, boolean required) {
        return object(parent.get(name), pointer, required);
    }

    /** As {@link #object(JsonNode, String, String, boolean)}, given the member's value (null when it is absent). */
    public JsonNode object(JsonNode node, String pointer, boolean required) {
        if (absent(node)) {
            if (required) {
                error(pointer, "is required");
            }
            return null;
        }
        if (!node.isObject()) {
            error(pointer, "must be an object");
            return null;
        }
        return node;
    }

    /** Records an error for each member of {@code node} not in {@code allowed}: a misspelt field is never silently dropped. */
    public void rejectUnknown(JsonNode node, String pointer, Collection<String> allowed) {
        Set<String> known = Set.copyOf(allowed);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                unknown(pointer + "/" + name, known);
            }
        }
    }

    /** Records that the member at {@code pointer} is not one of {@code known}, as {@link #rejectUnknown} does. */
    public void unknown(String pointer, Collection<String> known) {
        error(pointer, "is not a known field; expected one of " + known.stream().sorted().toList());
    }

    public String id(JsonNode parent, String name, String pointer, boolean required) {
        return id(parent.get(name), pointer, required);
    }

    /** As {@link #id(JsonNode, String, String, boolean)}, given the member's value (null when it is absent). */
    public String id(JsonNode node, String pointer, boolean required) {
        String value = text(node, pointer, required, 128);
        if (value != null && !isId(value)) {
            error(pointer, "must be 1-128 letters, digits or . _ : - starting with a letter or digit");
            return null;
        }
        return value;
    }

    /**
     * True when {@code value} matches {@link #ID}; checked character by character, since ids are checked on every
     * request and a regular expression match costs several times more.
     */
    public static boolean isId(String value) {
        int length = value.length();
        if (length == 0 || length > 128 || !isAsciiLetterOrDigit(value.charAt(0))) {
            return false;
        }
        for (int i = 1; i < length; i++) {
            char c = value.charAt(i);
            if (!isAsciiLetterOrDigit(c) && c != '.' && c != '_' && c != ':' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    public String text(JsonNode parent, String name, String pointer, boolean required, int maxLength) {
        return text(parent.get(name), pointer, required, maxLength);
    }

    /** As {@link #text(JsonNode, String, String, boolean, int)}, given the member's value (null when it is absent). */
    public String text(JsonNode node, String pointer, boolean required, int maxLength) {
        if (absent(node)) {
            if (required) {
                error(pointer, "is required");
            }
            return null;
        }
        if (!node.isTextual()) {
            error(pointer, "must be a string");
            return null;
        }
        String value = node.textValue().strip();
        if (value.isEmpty() && required) {
            error(pointer, "must not be blank");
            return null;
        }
        if (value.length() > maxLength) {
            error(pointer, "must be at most " + maxLength + " characters");
            return null;
        }
        return value;
    }

    public <E extends Enum<E>> E enumValue(JsonNode parent, String name, String pointer, boolean required, Class<E> type) {
        return enumValue(parent.get(name), pointer, required, type);
    }

    /** As {@link #enumValue(JsonNode, String, String, boolean, Class)}, given the member's value (null when it is absent). */
    public <E extends Enum<E>> E enumValue(JsonNode node, String pointer, boolean required, Class<E> type) {
        String value = text(node, pointer, required, 64);
        if (value == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            error(pointer, "must be one of " + List.of(type.getEnumConstants()));
            return null;
        }
    }

    /** A whole number within [min, max]; 93 and 93.0 are accepted, 93.5 and "93" are not. */
    public Integer integer(JsonNode parent, String name, String pointer, boolean required, int min, int max) {
        return integer(parent.get(name), pointer, required, min, max);
    }

    /** As {@link #integer(JsonNode, String, String, boolean, int, int)}, given the member's value (null when it is absent). */
    public Integer integer(JsonNode node, String pointer, boolean required, int min, int max) {
        if (absent(node)) {
            if (required) {
                error(pointer, "is required");
            }
            return null;
        }
        if (!node.isNumber() || (!node.isIntegralNumber() && node.asDouble() != Math.rint(node.asDouble()))) {
            error(pointer, "must be a whole number");
            return null;
        }
        if (!node.canConvertToInt() || node.asInt() < min || node.asInt() > max) {
            error(pointer, "must be between " + min + " and " + max);
            return null;
        }
        return node.asInt();
    }

    public Double decimal(JsonNode parent, String name, String pointer, boolean required, double min, double max) {
        return decimal(parent.get(name), pointer, required, min, max);
    }

    /** As {@link #decimal(JsonNode, String, String, boolean, double, double)}, given the member's value (null when it is absent). */
    public Double decimal(JsonNode node, String pointer, boolean required, double min, double max) {
        if (absent(node)) {
            if (required) {
                error(pointer, "is required");
            }
            return null;
        }
        if (!node.isNumber()) {
            error(pointer, "must be a number");
            return null;
        }
        double value = node.asDouble();
        if (!(value >= min && value <= max)) {
            error(pointer, "must be between " + min + " and " + max);
            return null;
        }
        return value;
    }

    public Boolean bool(JsonNode parent, String name, String pointer, boolean required) {
        return bool(parent.get(name), pointer, required);
    }

    /** As {@link #bool(JsonNode, String, String, boolean)}, given the member's value (null when it is absent). */
    public Boolean bool(JsonNode node, String pointer, boolean required) {
        if (absent(node)) {
            if (required) {
                error(pointer, "is required");
            }
            return null;
        }
        if (!node.isBoolean()) {
            error(pointer, "must be true or false");
            return null;
        }
        return node.booleanValue();
    }

    public Instant instant(JsonNode parent, String name, String pointer, boolean required) {
        return instant(parent.get(name), pointer, required);
    }

    /** As {@link #instant(JsonNode, String, String, boolean)}, given the member's value (null when it is absent). */
    public Instant instant(JsonNode node, String pointer, boolean required) {
        return parse(text(node, pointer, required, 64), pointer, s -> {
            try {
                return Instants.parse(s);
            } catch (DateTimeParseException e) {
                error(pointer, "must be an ISO-8601 instant such as 2026-11-21T10:15:00Z");
                return null;
            }
        });
    }

    private static <T> T parse(String value, String pointer, Function<String, T> parser) {
        return value == null ? null : parser.apply(value);
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull();
    }
}
