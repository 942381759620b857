package org.careflow.masterdata.cdc;

import java.nio.ByteBuffer;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Reads the columns of one row as Debezium writes it (after {@code ExtractNewRecordState}: a flat record, one field per
 * column) while collecting every problem, so that one exception names them all. Columns are read by Java type, so
 * the mapping holds whatever {@code time.precision.mode} the connector uses: a time is an int of milliseconds
 * ({@code connect}, or {@code adaptive} for time(0-3)) or a long of microseconds ({@code io.debezium.time.MicroTime}).
 * Values are never put in messages: rows hold patients' details.
 */
public final class CdcRow {

    /** The field {@code ExtractNewRecordState} adds with {@code delete.tombstone.handling.mode=rewrite}. */
    public static final String DELETED_FIELD = "__deleted";

    private static final String NANO_TIME = "io.debezium.time.NanoTime";

    private final String what;
    private final GenericRecord record;
    private final List<String> problems = new ArrayList<>();

    /** @param what names the row in messages, e.g. "providers row" */
    public CdcRow(String what, GenericRecord record) {
        this.what = Objects.requireNonNull(what, "what");
        this.record = Objects.requireNonNull(record, "record");
    }

    /**
     * Whether a change value says the row is gone: a tombstone, or a row rewritten with {@code __deleted=true}
     * (ExtractNewRecordState's {@code rewrite} modes; the tombstone mode this app is documented with sends null).
     */
    public static boolean isDelete(GenericRecord value) {
        if (value == null) {
            return true;
        }
        Schema.Field deleted = value.getSchema().getField(DELETED_FIELD);
        if (deleted == null) {
            return false;
        }
        Object flag = value.get(deleted.pos());
        return flag != null && (Boolean.TRUE.equals(flag) || "true".equals(flag.toString()));
    }

    /** Text, stripped; null when null or blank and not {@code required}; a problem when required and absent. */
    public String text(String column, boolean required) {
        Object value = raw(column);
        if (value == null) {
            if (required && present(column)) {
                problem(column, "is required");
            }
            return null;
        }
        if (!(value instanceof CharSequence chars)) {
            return wrongType(column, value, "a string");
        }
        String text = chars.toString().strip();
        if (text.isEmpty()) {
            if (required) {
                problem(column, "must not be blank");
            }
            return null;
        }
        return text;
    }

    /** Text exactly as stored (for identifiers and phone numbers, which are refused rather than trimmed); null when null. */
    public String exactText(String column, boolean required) {
        Object value = raw(column);
        if (value == null) {
            if (required) {
                requiredNull(column);
            }
            return null;
        }
        if (!(value instanceof CharSequence chars)) {
            return wrongType(column, value, "a string");
        }
        return chars.toString();
    }

    public Integer integer(String column) {
        Object value = raw(column);
        if (value == null) {
            requiredNull(column);
            return null;
        }
        if (!(value instanceof Integer number)) {
            return wrongType(column, value, "an int");
        }
        return number;
    }

    public Boolean bool(String column) {
        Object value = raw(column);
        if (value == null) {
            requiredNull(column);
            return null;
        }
        if (!(value instanceof Boolean flag)) {
            return wrongType(column, value, "a boolean");
        }
        return flag;
    }

    /** A {@code time} column: milliseconds (int), microseconds (long) or nanoseconds (long, NanoTime) since midnight. */
    public LocalTime time(String column) {
        Object value = raw(column);
        if (value == null) {
            requiredNull(column);
            return null;
        }
        long nanos;
        if (value instanceof LocalTime time) {
            return time;
        } else if (value instanceof Integer millis) {
            nanos = millis * 1_000_000L;
        } else if (value instanceof Long micros) {
            nanos = NANO_TIME.equals(connectName(column)) ? micros : micros * 1_000L;
        } else {
            return wrongType(column, value, "a time (int milliseconds or long microseconds since midnight)");
        }
        if (nanos < 0 || nanos >= 86_400_000_000_000L) {
            problem(column, "must lie within one day, 00:00 to 23:59 (24:00 is not a time of day)");
            return null;
        }
        return LocalTime.ofNanoOfDay(nanos);
    }

    /** A {@code timestamptz} column: an ISO-8601 string with an offset ({@code io.debezium.time.ZonedTimestamp}). */
    public Instant timestamp(String column) {
        Object value = raw(column);
        if (value == null) {
            return null;
        }
        if (value instanceof Instant instant) {
            return instant;
        }
        if (!(value instanceof CharSequence chars)) {
            return wrongType(column, value, "an ISO-8601 timestamp string (io.debezium.time.ZonedTimestamp)");
        }
        try {
            return OffsetDateTime.parse(chars).toInstant();
        } catch (DateTimeException e) {
            problem(column, "must be an ISO-8601 timestamp with an offset, as Debezium writes timestamptz");
            return null;
        }
    }

    /** The key column of a key record, as text: strings as they are, whole numbers in decimal. */
    public String keyText(String column) {
        Object value = raw(column);
        if (value == null) {
            requiredNull(column);
            return null;
        }
        if (value instanceof CharSequence || value instanceof Integer || value instanceof Long) {
            return value.toString();
        }
        return wrongType(column, value, "a string or a whole number");
    }

    /** Whether the record has {@code column} and it holds null. */
    public boolean isNull(String column) {
        Schema.Field field = record.getSchema().getField(column);
        return field != null && record.get(field.pos()) == null;
    }

    public void problem(String column, String message) {
        problems.add(column + " " + message);
    }

    public boolean valid() {
        return problems.isEmpty();
    }

    /** Throws {@link InvalidMasterDataException} naming every problem found so far, if any. */
    public void throwIfInvalid() {
        if (!problems.isEmpty()) {
            throw new InvalidMasterDataException(what, problems);
        }
    }

    private boolean present(String column) {
        return record.getSchema().getField(column) != null;
    }

    private Object raw(String column) {
        Schema.Field field = record.getSchema().getField(column);
        if (field == null) {
            problem(column, "is missing from the record: the connector must capture every column of the table");
            return null;
        }
        return record.get(field.pos());
    }

    private void requiredNull(String column) {
        if (present(column)) {
            problem(column, "is required");
        }
    }

    private String connectName(String column) {
        Schema schema = record.getSchema().getField(column).schema();
        if (schema.getType() == Schema.Type.UNION) {
            schema = schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).findFirst().orElse(schema);
        }
        return schema.getProp("connect.name");
    }

    private <T> T wrongType(String column, Object value, String expected) {
        String actual = value instanceof ByteBuffer ? "bytes" : value.getClass().getSimpleName();
        problem(column, "is " + actual + ", expected " + expected + ": check the connector settings in streams-masterdata/README.md");
        return null;
    }
}
