package org.careflow.masterdata;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.careflow.config.KnownKeys;
import org.careflow.config.StreamsAppConfig;
import org.careflow.security.AuthSettings;
import org.careflow.topics.OnCallWebhookRule;
import org.careflow.topics.Topic;
import org.careflow.topics.Topics;

/**
 * Configuration of streams-masterdata. Processing is always exactly_once_v2: a provider's stored sessions and the
 * schedule published from them commit together, so a restart never publishes a schedule the stores do not hold.
 */
public final class MasterDataConfig extends AbstractConfig {

    public static final int DEFAULT_HTTP_PORT = 8084;

    public static final String PROVIDERS_TOPIC_CONFIG = "cdc.providers.topic";
    private static final String PROVIDERS_TOPIC_DOC = "Debezium's change topic of the providers table (<topic.prefix>.<schema>.providers).";

    public static final String PROVIDER_SESSIONS_TOPIC_CONFIG = "cdc.provider.schedules.topic";
    private static final String PROVIDER_SESSIONS_TOPIC_DOC =
        "Debezium's change topic of the provider_schedules table, one weekly session per row (<topic.prefix>.<schema>.provider_schedules).";

    public static final String PATIENT_CONTACTS_TOPIC_CONFIG = "cdc.patient.contacts.topic";
    private static final String PATIENT_CONTACTS_TOPIC_DOC =
        "Debezium's change topic of the patient_contacts table (<topic.prefix>.<schema>.patient_contacts).";

    public static final String FACILITIES_TOPIC_CONFIG = "cdc.facilities.topic";
    private static final String FACILITIES_TOPIC_DOC =
        "Debezium's change topic of the facilities table (<topic.prefix>.<schema>.facilities).";

    public static final String ONCALL_WEBHOOK_ALLOWED_HOSTS_CONFIG = OnCallWebhookRule.ALLOWED_HOSTS_CONFIG;

    public static final String AUDIT_RETENTION_DAYS_CONFIG = "audit.retention.days";
    private static final String AUDIT_RETENTION_DAYS_DOC = "How many days of the data-access audit streams-masterdata keeps "
        + "for FHIR AuditEvent searches (one record per read of patient or facility data). The audit topic and its "
        + "PostgreSQL archive keep it as their own retention says; this bounds only the searchable copy.";

    public static final ConfigDef CONFIG = OnCallWebhookRule.define(AuthSettings.define(StreamsAppConfig.define(new ConfigDef(), "careflow-masterdata", DEFAULT_HTTP_PORT, false)))
        .define(PROVIDERS_TOPIC_CONFIG, Type.STRING, Topics.MASTERDATA_PROVIDERS.name(), new ConfigDef.NonEmptyString(),
            Importance.HIGH, PROVIDERS_TOPIC_DOC)
        .define(PROVIDER_SESSIONS_TOPIC_CONFIG, Type.STRING, Topics.MASTERDATA_PROVIDER_SESSIONS.name(), new ConfigDef.NonEmptyString(),
            Importance.HIGH, PROVIDER_SESSIONS_TOPIC_DOC)
        .define(PATIENT_CONTACTS_TOPIC_CONFIG, Type.STRING, Topics.MASTERDATA_PATIENT_CONTACTS.name(), new ConfigDef.NonEmptyString(),
            Importance.HIGH, PATIENT_CONTACTS_TOPIC_DOC)
        .define(FACILITIES_TOPIC_CONFIG, Type.STRING, Topics.MASTERDATA_FACILITIES.name(), new ConfigDef.NonEmptyString(),
            Importance.HIGH, FACILITIES_TOPIC_DOC)
        .define(AUDIT_RETENTION_DAYS_CONFIG, Type.INT, 7, ConfigDef.Range.between(1, 3650), Importance.LOW, AUDIT_RETENTION_DAYS_DOC);

    public MasterDataConfig(Map<?, ?> originals) {
        super(CONFIG, KnownKeys.checked(CONFIG, originals), false);
        Map<String, String> seen = new LinkedHashMap<>();
        seen.put(Topics.PROVIDER_SCHEDULES.name(), "the output topic of schedules");
        seen.put(Topics.PATIENT_CONTACTS.name(), "the output topic of contacts");
        seen.put(Topics.FACILITIES.name(), "the output topic of facilities");
        seen.put(Topics.MASTERDATA_DEAD_LETTERS.name(), "the dead-letter topic");
        for (String key : new String[] {PROVIDERS_TOPIC_CONFIG, PROVIDER_SESSIONS_TOPIC_CONFIG, PATIENT_CONTACTS_TOPIC_CONFIG,
            FACILITIES_TOPIC_CONFIG}) {
            String topic = getString(key);
            String other = seen.putIfAbsent(topic, key);
            if (other != null) {
                throw new ConfigException(key, topic, "is also " + other + "; each change topic must be distinct and none may be an output");
            }
        }
    }

    public Topic<GenericRecord, GenericRecord> providersTopic() {
        return Topics.cdc(getString(PROVIDERS_TOPIC_CONFIG));
    }

    public Topic<GenericRecord, GenericRecord> providerSessionsTopic() {
        return Topics.cdc(getString(PROVIDER_SESSIONS_TOPIC_CONFIG));
    }

    public Topic<GenericRecord, GenericRecord> patientContactsTopic() {
        return Topics.cdc(getString(PATIENT_CONTACTS_TOPIC_CONFIG));
    }

    public Topic<GenericRecord, GenericRecord> facilitiesTopic() {
        return Topics.cdc(getString(FACILITIES_TOPIC_CONFIG));
    }

    /** Where a facility row's on-call webhook may point: public https hosts, plus the allow-listed hosts. */
    public OnCallWebhookRule onCallWebhookRule() {
        return OnCallWebhookRule.from(this);
    }

    public Duration auditRetention() {
        return Duration.ofDays(getInt(AUDIT_RETENTION_DAYS_CONFIG));
    }

    public Duration queryForwardTimeout() {
        return StreamsAppConfig.queryForwardTimeout(this);
    }

    public Properties streamsProperties(int httpPort) {
        return StreamsAppConfig.streamsProperties(this, httpPort, Topics.MASTERDATA_DEAD_LETTERS.name());
    }
}
