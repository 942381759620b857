package org.careflow.notifications.topology;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Ids derived from what they identify, so that reprocessing a record yields the same ids and duplicates collapse. */
final class Ids {

    private Ids() {
    }

    static String derived(String kind, String source) {
        return UUID.nameUUIDFromBytes((kind + ":" + source).getBytes(StandardCharsets.UTF_8)).toString();
    }

    static String reminderId(String bookingId, String offsetLabel) {
        return bookingId + "/" + offsetLabel;
    }

    /** Key of the due index: zero-padded due time first, so a range scan up to now finds every due reminder in time order. */
    static String dueKey(long dueAtMillis, String reminderId) {
        return padded(dueAtMillis).append('/').append(reminderId).toString();
    }

    /** The largest due-index key of anything due at or before {@code millis}. */
    static String dueUpTo(long millis) {
        return padded(millis).append("/\uffff").toString();
    }

    /** {@code millis} zero-padded to 13 digits, as {@code %013d} would (without a formatter per key: seen in profiles). */
    private static StringBuilder padded(long millis) {
        if (millis < 0) {
            return new StringBuilder(String.format("%013d", millis));
        }
        String digits = Long.toString(millis);
        StringBuilder key = new StringBuilder(64);
        for (int i = digits.length(); i < 13; i++) {
            key.append('0');
        }
        return key.append(digits);
    }
}
