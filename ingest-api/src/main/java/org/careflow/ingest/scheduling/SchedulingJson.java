package org.careflow.ingest.scheduling;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.careflow.validation.JsonReader;

/** JSON helpers the scheduling parsers share: local times, dates, bounded arrays and ids from the path. */
final class SchedulingJson {

    static final String ID_MESSAGE = "must be 1-128 letters, digits or . _ : - starting with a letter or digit";

    private static final Pattern HH_MM = Pattern.compile("\\d{2}:\\d{2}");

    private SchedulingJson() {
    }

    /** Records an error under {@code field} (no slash: it is in the path, not the body) unless {@code id} is a valid id. */
    static void pathId(JsonReader in, String field, String id) {
        if (!JsonReader.ID.matcher(id).matches()) {
            in.error(field, ID_MESSAGE);
        }
    }

    /**
     * A local time written {@code HH:mm}, 00:00 to 23:59. {@code 24:00} is refused: the contract's times are
     * {@link LocalTime}s within one day, so the latest a session can end is 23:59.
     */
    static LocalTime time(JsonReader in, JsonNode parent, String name, String pointer, boolean required) {
        String value = in.text(parent, name, pointer, required, 64);
        if (value == null) {
            return null;
        }
        if (value.equals("24:00")) {
            in.error(pointer, "must be 23:59 at the latest: times lie within one day, so a day's last session ends by 23:59");
            return null;
        }
        if (HH_MM.matcher(value).matches()) {
            int hour = Integer.parseInt(value.substring(0, 2));
            int minute = Integer.parseInt(value.substring(3));
            if (hour < 24 && minute < 60) {
                return LocalTime.of(hour, minute);
            }
        }
        in.error(pointer, "must be a local time HH:mm between 00:00 and 23:59, such as 09:30");
        return null;
    }

    /** A calendar date written {@code YYYY-MM-DD}. */
    static LocalDate date(JsonReader in, JsonNode parent, String name, String pointer, boolean required) {
        String value = in.text(parent, name, pointer, required, 64);
        if (value == null) {
            return null;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            in.error(pointer, "must be a date YYYY-MM-DD such as 2026-12-24");
            return null;
        }
    }

    /** The items of the array {@code name}; empty when it is absent or invalid (recording why). */
    static List<JsonNode> array(JsonReader in, JsonNode parent, String name, String pointer, int max) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return List.of();
        }
        return items(in, node, pointer, max);
    }

    /** The items of {@code node}; empty when it is not an array of at most {@code max} items (recording why). */
    static List<JsonNode> items(JsonReader in, JsonNode node, String pointer, int max) {
        if (!node.isArray()) {
            in.error(pointer, "must be an array");
            return List.of();
        }
        if (node.size() > max) {
            in.error(pointer, "must have at most " + max + " items");
            return List.of();
        }
        List<JsonNode> items = new ArrayList<>();
        node.forEach(items::add);
        return items;
    }

    /** {@code node} when it is an object, else null (recording why). */
    static JsonNode object(JsonReader in, JsonNode node, String pointer) {
        if (!node.isObject()) {
            in.error(pointer, "must be an object");
            return null;
        }
        return node;
    }
}
