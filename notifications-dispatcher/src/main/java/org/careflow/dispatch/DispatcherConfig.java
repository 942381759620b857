package org.careflow.dispatch;

import org.careflow.config.KnownKeys;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.careflow.config.CommonConfig;
import org.careflow.security.AuthSettings;
import org.careflow.topics.OnCallWebhookRule;

/**
 * Configuration of the notifications dispatcher, its own process: where Kafka and the registry are, its consumer
 * group, the WhatsApp Cloud API and SMTP server it delivers through, and how hard it retries. The dispatcher has its
 * own settings (not streams-notifications') so that it can be deployed, scaled and given credentials apart from the
 * app that plans the notifications.
 */
public final class DispatcherConfig extends AbstractConfig {

    public static final int DEFAULT_HTTP_PORT = 8087;

    public static final String GROUP_ID_CONFIG = "dispatcher.group.id";
    private static final String GROUP_ID_DOC = "Consumer group of the dispatcher's instances: they share the partitions of "
        + "outbound-notifications and the committed progress. The default is the group the dispatcher used while it ran inside "
        + "streams-notifications, so an upgrade resumes where it stopped.";
    static final String DEFAULT_GROUP_ID = "careflow-notifications-dispatcher";

    public static final String ONCALL_WEBHOOK_ALLOWED_HOSTS_CONFIG = OnCallWebhookRule.ALLOWED_HOSTS_CONFIG;

    public static final String WHATSAPP_BASE_URL_CONFIG = "whatsapp.api.base.url";
    private static final String WHATSAPP_BASE_URL_DOC = "Base URL of the WhatsApp Cloud API.";

    public static final String WHATSAPP_API_VERSION_CONFIG = "whatsapp.api.version";
    private static final String WHATSAPP_API_VERSION_DOC = "Graph API version in request paths: POST {base}/{version}/{phone-number-id}/messages.";

    public static final String WHATSAPP_PHONE_NUMBER_ID_CONFIG = "whatsapp.phone.number.id";
    private static final String WHATSAPP_PHONE_NUMBER_ID_DOC = "The WhatsApp Business phone number id messages are sent from. Required.";

    public static final String WHATSAPP_ACCESS_TOKEN_CONFIG = "whatsapp.access.token";
    private static final String WHATSAPP_ACCESS_TOKEN_DOC = "Bearer token of the Cloud API (a system user's token). Required; never logged.";

    public static final String WHATSAPP_SEND_RATE_CONFIG = "whatsapp.send.rate.per.second";
    private static final String WHATSAPP_SEND_RATE_DOC = "Most messages sent per second from one phone number id (Cloud API default: 80).";

    public static final String MAX_ATTEMPTS_CONFIG = "dispatcher.max.attempts";
    private static final String MAX_ATTEMPTS_DOC = "Attempts at a notification that fails with a retryable error (429, 5xx, "
        + "throttling) before it goes to outbound-dead-letters. Permanent errors are never retried.";

    public static final String BACKOFF_INITIAL_MS_CONFIG = "dispatcher.backoff.initial.ms";
    private static final String BACKOFF_INITIAL_MS_DOC = "Wait after the first retryable failure; it doubles per attempt, with jitter.";

    public static final String BACKOFF_MAX_MS_CONFIG = "dispatcher.backoff.max.ms";
    private static final String BACKOFF_MAX_MS_DOC = "Longest wait between two attempts (a Retry-After from the API is honoured up to it).";

    public static final String REQUEST_TIMEOUT_MS_CONFIG = "dispatcher.request.timeout.ms";
    private static final String REQUEST_TIMEOUT_MS_DOC = "How long one HTTP call to the Cloud API or a webhook may take; a timeout is retryable.";

    public static final String IN_DOUBT_WAIT_MS_CONFIG = "dispatcher.in.doubt.wait.ms";
    private static final String IN_DOUBT_WAIT_MS_DOC = "How long a WhatsApp message whose fate is unknown (the Cloud API timed "
        + "out or answered 5xx, or a dispatcher stopped between sending it and recording the outcome) waits for the Cloud API's status "
        + "report before it is sent again. Longer: fewer possible repeats, later retries.";

    public static final String RESTART_BACKOFF_MAX_MS_CONFIG = "dispatcher.restart.backoff.max.ms";
    private static final String RESTART_BACKOFF_MAX_MS_DOC = "Longest wait before a dispatcher that stopped on an error (a commit "
        + "that timed out, a refused write) is started again in the same process; the wait starts at 1 s and doubles. Readiness "
        + "reports it down meanwhile.";

    public static final String SMTP_HOST_CONFIG = "smtp.host";
    private static final String SMTP_HOST_DOC = "SMTP server for email notifications (on-call alerts to mailto: contacts, patients who prefer "
        + "email). Empty: email is not sent; such notifications fail with CHANNEL_UNSUPPORTED and are dead-lettered.";

    public static final String SMTP_PORT_CONFIG = "smtp.port";
    private static final String SMTP_PORT_DOC = "SMTP port (587 for submission with STARTTLS).";

    public static final String SMTP_FROM_CONFIG = "smtp.from";
    private static final String SMTP_FROM_DOC = "Sender address of email notifications, e.g. careflow@hospital.example. Required with smtp.host.";

    public static final String SMTP_USERNAME_CONFIG = "smtp.username";
    private static final String SMTP_USERNAME_DOC = "SMTP login; empty: no authentication.";

    public static final String SMTP_PASSWORD_CONFIG = "smtp.password";
    private static final String SMTP_PASSWORD_DOC = "SMTP password; never logged.";

    public static final String SMTP_STARTTLS_CONFIG = "smtp.starttls";
    private static final String SMTP_STARTTLS_DOC = "Require STARTTLS, checking the server's certificate name.";

    public static final ConfigDef CONFIG = OnCallWebhookRule.define(AuthSettings.define(CommonConfig.define(new ConfigDef(), DEFAULT_HTTP_PORT)))
        .define(GROUP_ID_CONFIG, Type.STRING, DEFAULT_GROUP_ID, new ConfigDef.NonEmptyString(), Importance.MEDIUM, GROUP_ID_DOC)
        .define(WHATSAPP_BASE_URL_CONFIG, Type.STRING, "https://graph.facebook.com", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
            WHATSAPP_BASE_URL_DOC)
        .define(WHATSAPP_API_VERSION_CONFIG, Type.STRING, "v21.0", new ConfigDef.NonEmptyString(), Importance.LOW, WHATSAPP_API_VERSION_DOC)
        .define(WHATSAPP_PHONE_NUMBER_ID_CONFIG, Type.STRING, "", Importance.HIGH, WHATSAPP_PHONE_NUMBER_ID_DOC)
        .define(WHATSAPP_ACCESS_TOKEN_CONFIG, Type.PASSWORD, "", Importance.HIGH, WHATSAPP_ACCESS_TOKEN_DOC)
        .define(WHATSAPP_SEND_RATE_CONFIG, Type.INT, 80, ConfigDef.Range.between(1, 10_000), Importance.MEDIUM, WHATSAPP_SEND_RATE_DOC)
        .define(MAX_ATTEMPTS_CONFIG, Type.INT, 5, ConfigDef.Range.between(1, 50), Importance.LOW, MAX_ATTEMPTS_DOC)
        .define(BACKOFF_INITIAL_MS_CONFIG, Type.LONG, 500L, ConfigDef.Range.between(1L, 600_000L), Importance.LOW, BACKOFF_INITIAL_MS_DOC)
        .define(BACKOFF_MAX_MS_CONFIG, Type.LONG, 30_000L, ConfigDef.Range.between(1L, 600_000L), Importance.LOW, BACKOFF_MAX_MS_DOC)
        .define(REQUEST_TIMEOUT_MS_CONFIG, Type.LONG, 10_000L, ConfigDef.Range.between(100L, 120_000L), Importance.LOW, REQUEST_TIMEOUT_MS_DOC)
        .define(IN_DOUBT_WAIT_MS_CONFIG, Type.LONG, DispatcherSettings.DEFAULT_IN_DOUBT_WAIT.toMillis(), ConfigDef.Range.between(0L, 3_600_000L),
            Importance.LOW, IN_DOUBT_WAIT_MS_DOC)
        .define(RESTART_BACKOFF_MAX_MS_CONFIG, Type.LONG, 60_000L, ConfigDef.Range.between(1_000L, 600_000L), Importance.LOW,
            RESTART_BACKOFF_MAX_MS_DOC)
        .define(SMTP_HOST_CONFIG, Type.STRING, "", Importance.MEDIUM, SMTP_HOST_DOC)
        .define(SMTP_PORT_CONFIG, Type.INT, 587, ConfigDef.Range.between(1, 65_535), Importance.LOW, SMTP_PORT_DOC)
        .define(SMTP_FROM_CONFIG, Type.STRING, "", Importance.MEDIUM, SMTP_FROM_DOC)
        .define(SMTP_USERNAME_CONFIG, Type.STRING, "", Importance.LOW, SMTP_USERNAME_DOC)
        .define(SMTP_PASSWORD_CONFIG, Type.PASSWORD, "", Importance.LOW, SMTP_PASSWORD_DOC)
        .define(SMTP_STARTTLS_CONFIG, Type.BOOLEAN, true, Importance.LOW, SMTP_STARTTLS_DOC);

    /** Checks every rule across keys at start-up, with a message naming the key to change. */
    public DispatcherConfig(Map<?, ?> originals) {
        super(CONFIG, KnownKeys.checked(CONFIG, originals), false);
        requireSet(WHATSAPP_PHONE_NUMBER_ID_CONFIG, getString(WHATSAPP_PHONE_NUMBER_ID_CONFIG));
        requireSet(WHATSAPP_ACCESS_TOKEN_CONFIG, getPassword(WHATSAPP_ACCESS_TOKEN_CONFIG).value());
        if (getLong(BACKOFF_MAX_MS_CONFIG) < getLong(BACKOFF_INITIAL_MS_CONFIG)) {
            throw new ConfigException(BACKOFF_MAX_MS_CONFIG, getLong(BACKOFF_MAX_MS_CONFIG),
                "must be at least " + BACKOFF_INITIAL_MS_CONFIG + " (" + getLong(BACKOFF_INITIAL_MS_CONFIG) + ")");
        }
        smtpSettings();
        try {
            URI.create(getString(WHATSAPP_BASE_URL_CONFIG)).toURL();
        } catch (IllegalArgumentException | java.net.MalformedURLException e) {
            throw new ConfigException(WHATSAPP_BASE_URL_CONFIG, getString(WHATSAPP_BASE_URL_CONFIG), "not an absolute http(s) URL");
        }
    }

    private static void requireSet(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(key, "", "is required: the dispatcher cannot send without it; set it (CAREFLOW_"
                + key.toUpperCase().replace('.', '_') + ")");
        }
    }

    /** The consumer group the dispatcher's instances share. */
    public String groupId() {
        return getString(GROUP_ID_CONFIG);
    }

    /** What the dispatcher needs to deliver. */
    public DispatcherSettings dispatcherSettings() {
        return new DispatcherSettings(URI.create(getString(WHATSAPP_BASE_URL_CONFIG)), getString(WHATSAPP_API_VERSION_CONFIG),
            getString(WHATSAPP_PHONE_NUMBER_ID_CONFIG), getPassword(WHATSAPP_ACCESS_TOKEN_CONFIG).value(), getInt(WHATSAPP_SEND_RATE_CONFIG),
            getInt(MAX_ATTEMPTS_CONFIG), Duration.ofMillis(getLong(BACKOFF_INITIAL_MS_CONFIG)), Duration.ofMillis(getLong(BACKOFF_MAX_MS_CONFIG)),
            Duration.ofMillis(getLong(REQUEST_TIMEOUT_MS_CONFIG)), OnCallWebhookRule.from(this),
            Duration.ofMillis(getLong(IN_DOUBT_WAIT_MS_CONFIG)));
    }

    /** The SMTP server for email notifications, or null when none is configured. */
    public SmtpSettings smtpSettings() {
        String host = getString(SMTP_HOST_CONFIG);
        if (host.isBlank()) {
            return null;
        }
        try {
            return new SmtpSettings(host, getInt(SMTP_PORT_CONFIG), getString(SMTP_FROM_CONFIG), getString(SMTP_USERNAME_CONFIG),
                getPassword(SMTP_PASSWORD_CONFIG).value(), getBoolean(SMTP_STARTTLS_CONFIG), Duration.ofMillis(getLong(REQUEST_TIMEOUT_MS_CONFIG)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("smtp.*: " + e.getMessage());
        }
    }

    /** Longest wait before a stopped dispatcher is started again. */
    public Duration restartBackoffMax() {
        return Duration.ofMillis(getLong(RESTART_BACKOFF_MAX_MS_CONFIG));
    }

    /** The consumer's and producer's settings: the brokers and the dispatcher's Kafka login. */
    public Map<String, Object> kafkaClientConfig() {
        Map<String, Object> props = new HashMap<>(CommonConfig.kafkaClientSecurity(this));
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", getList(CommonConfig.KAFKA_BOOTSTRAP_SERVERS_CONFIG)));
        return props;
    }
}
