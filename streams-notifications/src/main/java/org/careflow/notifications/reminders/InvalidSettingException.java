package org.careflow.notifications.reminders;

/**
 * A setting of the reminder or on-call policy that cannot be used: names the key, the value and the fix. Thrown by the
 * policy's parsers, which know nothing of how configuration is read; the app's configuration reports it as a
 * configuration error of that key.
 */
public final class InvalidSettingException extends IllegalArgumentException {

    private final String key;
    private final transient Object value;
    private final String reason;

    public InvalidSettingException(String key, Object value, String reason) {
        super("Invalid value " + value + " for configuration " + key + ": " + reason);
        this.key = key;
        this.value = value;
        this.reason = reason;
    }

    public String key() {
        return key;
    }

    public Object value() {
        return value;
    }

    public String reason() {
        return reason;
    }
}
