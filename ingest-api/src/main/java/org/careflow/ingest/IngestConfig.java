package org.careflow.ingest;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;
import org.careflow.config.CommonConfig;
import org.careflow.config.KnownKeys;
import org.careflow.security.AuthSettings;
import org.careflow.topics.OnCallWebhookRule;

/**
 * Configuration of the ingest API: the shared keys, the {@code auth.*} and {@code rate.limit.*} keys of
 * {@link AuthSettings}, and the API's own keys.
 */
public final class IngestConfig extends AbstractConfig {

    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final int DEFAULT_BATCH_MAX_ITEMS = 1000;
    public static final long DEFAULT_HTTP_MAX_BATCH_REQUEST_BYTES = 16L * 1024 * 1024;

    public static final String KAFKA_ACK_TIMEOUT_MS_CONFIG = "kafka.ack.timeout.ms";
    private static final String KAFKA_ACK_TIMEOUT_MS_DOC =
        "How long a request waits for Kafka to acknowledge its event (acks=all) before it is answered 503. "
            + "Bounds metadata fetches, retries and delivery alike; an event not acknowledged in time was not accepted.";

    public static final String KAFKA_LINGER_MS_CONFIG = "kafka.linger.ms";
    private static final String KAFKA_LINGER_MS_DOC =
        "How long the producer holds an event back to batch it with others (Kafka's linger.ms). Every request waits for "
            + "its event's acknowledgement, so this is added to each request's latency; 0 (the default) sends at once, and "
            + "under load events still travel in batches, filled while earlier requests to the broker are in flight. "
            + "Raise it only when the broker, not the API, limits the rate.";
    /** The longest linger: half the shortest kafka.ack.timeout.ms, so that a request still has time to be acknowledged. */
    static final long MAX_KAFKA_LINGER_MS = 500L;

    public static final String HTTP_MAX_REQUEST_BYTES_CONFIG = "http.max.request.bytes";
    private static final String HTTP_MAX_REQUEST_BYTES_DOC = "Largest request body accepted; larger bodies are answered 413. "
        + "POST /v1/triage-submissions:batch is bounded by http.max.batch.request.bytes instead.";

    public static final String HTTP_MAX_BATCH_REQUEST_BYTES_CONFIG = "http.max.batch.request.bytes";
    private static final String HTTP_MAX_BATCH_REQUEST_BYTES_DOC =
        "Largest body POST /v1/triage-submissions:batch accepts (every other route is bounded by http.max.request.bytes); "
            + "larger bodies are answered 413 and nothing is written. The whole body is held in memory while it is parsed.";

    public static final String BATCH_MAX_ITEMS_CONFIG = "batch.max.items";
    private static final String BATCH_MAX_ITEMS_DOC =
        "Most submissions one POST /v1/triage-submissions:batch may carry; a batch with more is answered 413 and nothing "
            + "is written. All of a batch's events are sent before its answer waits for their acknowledgements, so this "
            + "also bounds how many events one request puts in the producer's buffer.";

    public static final String SUBMISSION_MAX_CLOCK_SKEW_MS_CONFIG = "submission.max.clock.skew.ms";
    private static final String SUBMISSION_MAX_CLOCK_SKEW_MS_DOC =
        "How far in the future a client's submittedAt, a disposition's decidedAt, or a contact's consent.at may lie "
            + "(its clock may run ahead) before it is rejected.";

    public static final String FORMS_CATALOG_STARTUP_TIMEOUT_MS_CONFIG = "forms.catalog.startup.timeout.ms";
    private static final String FORMS_CATALOG_STARTUP_TIMEOUT_MS_DOC =
        "How long start-up waits for the form catalog to read the triage-forms topic to its end. If it has not by then, "
            + "the API starts anyway but reports not ready (/health/ready 503) and answers 503 with Retry-After to requests "
            + "that name a form it does not know yet, until it has read the topic. 0 does not wait. The facility catalog "
            + "(the facilities topic) is waited for in the same way and within the same time.";

    public static final String ONCALL_WEBHOOK_ALLOWED_HOSTS_CONFIG = OnCallWebhookRule.ALLOWED_HOSTS_CONFIG;

    public static final String WHATSAPP_VERIFY_TOKEN_CONFIG = "whatsapp.verify.token";
    private static final String WHATSAPP_VERIFY_TOKEN_DOC =
        "The verify token entered in the Meta app's webhook settings: GET /v1/webhooks/whatsapp echoes hub.challenge only "
            + "to a request carrying it. Empty (the default) refuses every verification with 403. Never logged.";

    public static final String WHATSAPP_APP_SECRET_CONFIG = "whatsapp.app.secret";
    private static final String WHATSAPP_APP_SECRET_DOC =
        "The Meta app's secret, with which Meta signs every webhook delivery (X-Hub-Signature-256, HMAC-SHA256 of the body). "
            + "POST /v1/webhooks/whatsapp writes only deliveries whose signature matches; empty (the default) answers every "
            + "delivery 503, since none can be verified. Never logged.";

    public static final String FHIR_SCHEDULING_URL_CONFIG = "fhir.scheduling.url";
    private static final String FHIR_SCHEDULING_URL_DOC =
        "Base URL of streams-scheduling (any instance, or the load balancer before them), such as http://127.0.0.1:8082: "
            + "POST /fhir/R4/Appointment/$book reads the saga's decision there, with the caller's token, to answer with it. "
            + "Empty (the default) answers every $book 202 at once, with a Location relative to streams-scheduling.";

    public static final String FHIR_BOOK_WAIT_MS_CONFIG = "fhir.book.wait.ms";
    private static final String FHIR_BOOK_WAIT_MS_DOC =
        "How long POST /fhir/R4/Appointment/$book waits for the saga's decision before answering 202 with a Location to poll. "
            + "0 never waits.";

    public static final ConfigDef CONFIG = OnCallWebhookRule.define(AuthSettings.define(CommonConfig.define(new ConfigDef(), DEFAULT_HTTP_PORT)))
        .define(KAFKA_ACK_TIMEOUT_MS_CONFIG, Type.LONG, 10_000L, ConfigDef.Range.between(1_000L, 120_000L),
            Importance.HIGH, KAFKA_ACK_TIMEOUT_MS_DOC)
        .define(KAFKA_LINGER_MS_CONFIG, Type.LONG, 0L, ConfigDef.Range.between(0L, MAX_KAFKA_LINGER_MS),
            Importance.LOW, KAFKA_LINGER_MS_DOC)
        .define(HTTP_MAX_REQUEST_BYTES_CONFIG, Type.LONG, 64L * 1024, ConfigDef.Range.between(1024L, 16L * 1024 * 1024),
            Importance.MEDIUM, HTTP_MAX_REQUEST_BYTES_DOC)
        .define(HTTP_MAX_BATCH_REQUEST_BYTES_CONFIG, Type.LONG, DEFAULT_HTTP_MAX_BATCH_REQUEST_BYTES,
            ConfigDef.Range.between(1024L, 64L * 1024 * 1024), Importance.LOW, HTTP_MAX_BATCH_REQUEST_BYTES_DOC)
        .define(BATCH_MAX_ITEMS_CONFIG, Type.INT, DEFAULT_BATCH_MAX_ITEMS, ConfigDef.Range.between(1, 100_000),
            Importance.LOW, BATCH_MAX_ITEMS_DOC)
        .define(SUBMISSION_MAX_CLOCK_SKEW_MS_CONFIG, Type.LONG, 300_000L, ConfigDef.Range.atLeast(0L),
            Importance.LOW, SUBMISSION_MAX_CLOCK_SKEW_MS_DOC)
        .define(FORMS_CATALOG_STARTUP_TIMEOUT_MS_CONFIG, Type.LONG, 30_000L, ConfigDef.Range.between(0L, 600_000L),
            Importance.LOW, FORMS_CATALOG_STARTUP_TIMEOUT_MS_DOC)
        .define(WHATSAPP_VERIFY_TOKEN_CONFIG, Type.PASSWORD, "", Importance.MEDIUM, WHATSAPP_VERIFY_TOKEN_DOC)
        .define(WHATSAPP_APP_SECRET_CONFIG, Type.PASSWORD, "", Importance.MEDIUM, WHATSAPP_APP_SECRET_DOC)
        .define(FHIR_SCHEDULING_URL_CONFIG, Type.STRING, "", new ConfigDef.NonNullValidator(), Importance.MEDIUM, FHIR_SCHEDULING_URL_DOC)
        .define(FHIR_BOOK_WAIT_MS_CONFIG, Type.LONG, 5_000L, ConfigDef.Range.between(0L, 30_000L), Importance.LOW, FHIR_BOOK_WAIT_MS_DOC);

    private final AuthSettings auth;

    /** Parses and validates {@code originals}; a ConfigException names the key to change (auth keys included). */
    public IngestConfig(Map<?, ?> originals) {
        super(CONFIG, KnownKeys.checked(CONFIG, originals), false);
        this.auth = AuthSettings.from(this);
    }

    /** Who may call the API: token verification and rate limits ({@code auth.enabled=false} for tests and benchmarks only). */
    public AuthSettings auth() {
        return auth;
    }

    public Duration kafkaAckTimeout() {
        return Duration.ofMillis(getLong(KAFKA_ACK_TIMEOUT_MS_CONFIG));
    }

    public Duration kafkaLinger() {
        return Duration.ofMillis(getLong(KAFKA_LINGER_MS_CONFIG));
    }

    public Duration maxClockSkew() {
        return Duration.ofMillis(getLong(SUBMISSION_MAX_CLOCK_SKEW_MS_CONFIG));
    }

    public int batchMaxItems() {
        return getInt(BATCH_MAX_ITEMS_CONFIG);
    }

    public long maxBatchRequestBytes() {
        return getLong(HTTP_MAX_BATCH_REQUEST_BYTES_CONFIG);
    }

    public Duration formsCatalogStartupTimeout() {
        return Duration.ofMillis(getLong(FORMS_CATALOG_STARTUP_TIMEOUT_MS_CONFIG));
    }

    /** Where facilities' on-call webhooks may point: public https hosts, plus the allow-listed hosts. */
    public OnCallWebhookRule onCallWebhookRule() {
        return OnCallWebhookRule.from(this);
    }

    /** streams-scheduling's base URL, without a trailing slash; empty when not set. */
    public String fhirSchedulingUrl() {
        String url = getString(FHIR_SCHEDULING_URL_CONFIG).trim();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    public Duration fhirBookWait() {
        return Duration.ofMillis(getLong(FHIR_BOOK_WAIT_MS_CONFIG));
    }

    public Password whatsAppVerifyToken() {
        return getPassword(WHATSAPP_VERIFY_TOKEN_CONFIG);
    }

    public Password whatsAppAppSecret() {
        return getPassword(WHATSAPP_APP_SECRET_CONFIG);
    }
}
