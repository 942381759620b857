package org.careflow.notifications;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.careflow.config.KnownKeys;
import org.careflow.notifications.reminders.InvalidSettingException;
import org.careflow.config.StreamsAppConfig;
import org.careflow.security.AuthSettings;
import org.careflow.notifications.reminders.OnCallContacts;
import org.careflow.topics.OnCallWebhookRule;
import org.careflow.notifications.reminders.ReminderPolicy;
import org.careflow.notifications.replies.ReplyVocabulary;
import org.careflow.rules.TimeZoneRule;
import org.careflow.topics.Topics;

/**
 * Configuration of streams-notifications. Processing is always exactly_once_v2: a reminder's emission and its
 * removal from the pending store commit together, so a restart never emits it twice.
 */
public final class NotificationsConfig extends AbstractConfig {

    public static final int DEFAULT_HTTP_PORT = 8083;

    public static final String REMINDER_OFFSETS_CONFIG = "reminders.offsets";
    private static final String REMINDER_OFFSETS_DOC = "When reminders are sent, before the appointment: durations such as 24h, 90m, 2d (s for seconds). "
        + "An offset already past when the booking is confirmed is skipped, never sent late.";

    public static final String REMINDER_OFFSET_OVERRIDES_CONFIG = "reminders.offsets.overrides";
    private static final String REMINDER_OFFSET_OVERRIDES_DOC = "Offsets for a facility, or a facility and appointment type, instead of "
        + "reminders.offsets: entries FACILITY=OFFSETS or FACILITY/TYPE=OFFSETS, offsets joined by +, e.g. "
        + "clinic-1/surgery=72h+24h+2h,clinic-2=1h. FACILITY/TYPE wins over FACILITY; an empty offset list (clinic-3=) sends none.";

    public static final String QUIET_HOURS_CONFIG = "reminders.quiet.hours";
    private static final String QUIET_HOURS_DOC = "Local time in the patient's time zone when no reminder is sent, as HH:MM-HH:MM "
        + "(may span midnight); empty: none. A reminder due then moves to the minute before quiet hours begin.";

    public static final String QUIET_HOURS_MAX_SHIFT_PERCENT_CONFIG = "reminders.quiet.hours.max.shift.percent";
    private static final String QUIET_HOURS_MAX_SHIFT_PERCENT_DOC = "How far, as a share of its offset, quiet hours may move a reminder "
        + "earlier (50: a 24h reminder by up to 12h, a 2h one by up to 1h). A reminder that would move further is dropped: it would "
        + "come too early to mean anything.";

    public static final String PUNCTUATE_INTERVAL_MS_CONFIG = "reminders.punctuate.interval.ms";
    private static final String PUNCTUATE_INTERVAL_MS_DOC = "How often each task looks for due reminders (wall-clock time); a reminder is "
        + "emitted at most this late.";

    public static final String DEFAULT_TIME_ZONE_CONFIG = "notifications.default.time.zone";
    private static final String DEFAULT_TIME_ZONE_DOC = "IANA time zone for patients whose contact record is missing when their reminders "
        + "are planned: quiet hours and the times shown in messages use it.";

    public static final String DEFAULT_LANGUAGE_CONFIG = "notifications.default.language";
    private static final String DEFAULT_LANGUAGE_DOC = "BCP 47 language of messages to patients with no contact language, and of on-call alerts.";

    public static final String REPLY_WORDS_CONFIG = "replies.words";
    private static final String REPLY_WORDS_DOC = "Words a reply may consist of to act, case and surrounding spaces ignored: entries "
        + "INTENT=WORD+WORD for every language, or LANG:INTENT=WORD+WORD for patients whose language has primary subtag LANG. "
        + "Intents: CONFIRM, CANCEL, STOP, START, HELP. Anything else goes to the messaging-inbox topic for a person.";

    public static final String ALERTS_FACILITY_WAIT_MS_CONFIG = "alerts.facility.wait.ms";
    private static final String ALERTS_FACILITY_WAIT_MS_DOC = "How long a deterioration alert for a facility whose record "
        + "this instance does not hold yet waits for it (the record may still be on its way to the global store). It pages as "
        + "soon as the record arrives; past this bound it is recorded FACILITY_UNKNOWN and nobody is paged.";

    public static final String ONCALL_CONTACTS_CONFIG = "alerts.oncall.contacts";
    private static final String ONCALL_CONTACTS_DOC = "Operator defaults for on-call paging, used only for a registered, active "
        + "facility whose record on the facilities topic names no on-call contact: entries FACILITY=https://webhook-url or "
        + "FACILITY=mailto:address; FACILITY * stands in for every such facility. Never used for a facility that is not "
        + "registered or not active: its alerts page nobody and are recorded on oncall-alert-outcomes. Webhook URLs must pass "
        + "the rule of oncall.webhook.allowed.hosts.";

    public static final String ONCALL_WEBHOOK_ALLOWED_HOSTS_CONFIG = OnCallWebhookRule.ALLOWED_HOSTS_CONFIG;

    public static final String MESSAGE_LOG_MAX_ENTRIES_CONFIG = "messages.log.max.entries";
    private static final String MESSAGE_LOG_MAX_ENTRIES_DOC = "Messages kept per patient in the conversation log served by "
        + "/v1/patients/{patientId}/messages; the oldest go first. The topics keep the full history.";

    public static final ConfigDef CONFIG = OnCallWebhookRule.define(AuthSettings.define(StreamsAppConfig.define(new ConfigDef(), "careflow-notifications", DEFAULT_HTTP_PORT, false)))
        .define(REMINDER_OFFSETS_CONFIG, Type.LIST, "24h,2h", Importance.MEDIUM, REMINDER_OFFSETS_DOC)
        .define(REMINDER_OFFSET_OVERRIDES_CONFIG, Type.LIST, "", Importance.LOW, REMINDER_OFFSET_OVERRIDES_DOC)
        .define(QUIET_HOURS_CONFIG, Type.STRING, "21:00-08:00", Importance.MEDIUM, QUIET_HOURS_DOC)
        .define(QUIET_HOURS_MAX_SHIFT_PERCENT_CONFIG, Type.INT, 50, ConfigDef.Range.between(0, 100), Importance.LOW,
            QUIET_HOURS_MAX_SHIFT_PERCENT_DOC)
        .define(PUNCTUATE_INTERVAL_MS_CONFIG, Type.LONG, 1_000L, ConfigDef.Range.between(10L, 60_000L), Importance.LOW, PUNCTUATE_INTERVAL_MS_DOC)
        .define(DEFAULT_TIME_ZONE_CONFIG, Type.STRING, "UTC", new ConfigDef.NonEmptyString(), Importance.MEDIUM, DEFAULT_TIME_ZONE_DOC)
        .define(DEFAULT_LANGUAGE_CONFIG, Type.STRING, "en", new ConfigDef.NonEmptyString(), Importance.LOW, DEFAULT_LANGUAGE_DOC)
        .define(REPLY_WORDS_CONFIG, Type.LIST, ReplyVocabulary.DEFAULT_WORDS, Importance.LOW, REPLY_WORDS_DOC)
        .define(ONCALL_CONTACTS_CONFIG, Type.LIST, "", Importance.MEDIUM, ONCALL_CONTACTS_DOC)
        .define(ALERTS_FACILITY_WAIT_MS_CONFIG, Type.LONG, 30_000L, ConfigDef.Range.between(0L, 3_600_000L), Importance.LOW,
            ALERTS_FACILITY_WAIT_MS_DOC)
        .define(MESSAGE_LOG_MAX_ENTRIES_CONFIG, Type.INT, 200, ConfigDef.Range.between(10, 10_000), Importance.LOW, MESSAGE_LOG_MAX_ENTRIES_DOC);

    private final ReminderPolicy reminderPolicy;
    private final ReplyVocabulary replyVocabulary;
    private final OnCallContacts onCallContacts;

    public NotificationsConfig(Map<?, ?> originals) {
        super(CONFIG, KnownKeys.checked(CONFIG, originals), false);
        ZoneId defaultZone = defaultZone(getString(DEFAULT_TIME_ZONE_CONFIG));
        try {
            this.reminderPolicy = ReminderPolicy.parse(getList(REMINDER_OFFSETS_CONFIG), getList(REMINDER_OFFSET_OVERRIDES_CONFIG),
                getString(QUIET_HOURS_CONFIG), getInt(QUIET_HOURS_MAX_SHIFT_PERCENT_CONFIG), defaultZone,
                getString(DEFAULT_LANGUAGE_CONFIG));
            this.onCallContacts = OnCallContacts.parse(ONCALL_CONTACTS_CONFIG, getList(ONCALL_CONTACTS_CONFIG), onCallWebhookRule());
        } catch (InvalidSettingException e) {
            // The policies are domain code: they name the key and the fix, configuration reports it as its own error.
            throw new ConfigException(e.key(), e.value(), e.reason());
        }
        this.replyVocabulary = ReplyVocabulary.parse(REPLY_WORDS_CONFIG, getList(REPLY_WORDS_CONFIG));
    }

    /** The default zone, under the same rule as a contact's own ({@link TimeZoneRule}): a region or UTC, no fixed offset. */
    private static ZoneId defaultZone(String id) {
        TimeZoneRule.check(id).ifPresent(refusal -> {
            throw new ConfigException(DEFAULT_TIME_ZONE_CONFIG, id, switch (refusal) {
                case UNKNOWN -> "not an IANA time-zone id; use one such as Europe/London or UTC";
                case FIXED_OFFSET -> "a fixed offset; use a region such as Europe/London, or UTC: quiet hours and message "
                    + "times follow daylight-saving rules";
            });
        });
        return ZoneId.of(id);
    }

    public ReminderPolicy reminderPolicy() {
        return reminderPolicy;
    }

    public ReplyVocabulary replyVocabulary() {
        return replyVocabulary;
    }

    /** Where on-call webhooks may point: public https hosts, plus the allow-listed hosts. */
    public OnCallWebhookRule onCallWebhookRule() {
        return OnCallWebhookRule.from(this);
    }

    public java.time.Duration alertFacilityWait() {
        return java.time.Duration.ofMillis(getLong(ALERTS_FACILITY_WAIT_MS_CONFIG));
    }

    public OnCallContacts onCallContacts() {
        return onCallContacts;
    }

    public int messageLogMaxEntries() {
        return getInt(MESSAGE_LOG_MAX_ENTRIES_CONFIG);
    }

    public Duration punctuateInterval() {
        return Duration.ofMillis(getLong(PUNCTUATE_INTERVAL_MS_CONFIG));
    }

    public Duration queryForwardTimeout() {
        return StreamsAppConfig.queryForwardTimeout(this);
    }

    public Properties streamsProperties(int httpPort) {
        return StreamsAppConfig.streamsProperties(this, httpPort, Topics.NOTIFICATIONS_DEAD_LETTERS.name());
    }
}
