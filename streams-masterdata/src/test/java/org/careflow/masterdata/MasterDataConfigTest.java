package org.careflow.masterdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.careflow.config.CommonConfig;
import org.careflow.config.StreamsAppConfig;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.Test;

class MasterDataConfigTest {

    @Test
    void shouldUseDebeziumTopicNamesAndExactlyOnceWhenNothingIsSet() {
        MasterDataConfig config = new MasterDataConfig(Map.of());

        assertThat(config.providersTopic().name()).isEqualTo("masterdata.public.providers");
        assertThat(config.providerSessionsTopic().name()).isEqualTo("masterdata.public.provider_schedules");
        assertThat(config.patientContactsTopic().name()).isEqualTo("masterdata.public.patient_contacts");
        assertThat(config.getString(StreamsAppConfig.APPLICATION_ID_CONFIG)).isEqualTo("careflow-masterdata");
        assertThat(config.getInt(CommonConfig.HTTP_PORT_CONFIG)).isEqualTo(8084);
        Properties props = config.streamsProperties(8084);
        assertThat(props).containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
            .containsEntry(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "masterdata-dead-letters");
        assertThat(MasterDataConfig.CONFIG.names()).doesNotContain(StreamsAppConfig.PROCESSING_GUARANTEE_CONFIG);
    }

    @Test
    void shouldNameTheClosestKeyWhenAKeyIsMisspelt() {
        assertThatThrownBy(() -> new MasterDataConfig(Map.of("cdc.providers.topik", "hospital-a.public.providers")))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("'cdc.providers.topik'").hasMessageContaining("did you mean '" + MasterDataConfig.PROVIDERS_TOPIC_CONFIG + "'?");
    }

    @Test
    void shouldReadOtherTopicNamesWhenConnectorUsesAnotherPrefix() {
        MasterDataConfig config = new MasterDataConfig(Map.of(MasterDataConfig.PROVIDERS_TOPIC_CONFIG, "hospital-a.public.providers"));

        assertThat(config.providersTopic().name()).isEqualTo("hospital-a.public.providers");
    }

    @Test
    void shouldNameTheKeyWhenTwoTopicsAreTheSameOrAnOutputIsRead() {
        assertThatThrownBy(() -> new MasterDataConfig(Map.of(MasterDataConfig.PATIENT_CONTACTS_TOPIC_CONFIG, "masterdata.public.providers")))
            .isInstanceOf(ConfigException.class).hasMessageContaining(MasterDataConfig.PATIENT_CONTACTS_TOPIC_CONFIG)
            .hasMessageContaining(MasterDataConfig.PROVIDERS_TOPIC_CONFIG);
        assertThatThrownBy(() -> new MasterDataConfig(Map.of(MasterDataConfig.PROVIDERS_TOPIC_CONFIG, Topics.PROVIDER_SCHEDULES.name())))
            .isInstanceOf(ConfigException.class).hasMessageContaining(MasterDataConfig.PROVIDERS_TOPIC_CONFIG)
            .hasMessageContaining("output topic");
        assertThatThrownBy(() -> new MasterDataConfig(Map.of(MasterDataConfig.PROVIDER_SESSIONS_TOPIC_CONFIG, "")))
            .isInstanceOf(ConfigException.class).hasMessageContaining(MasterDataConfig.PROVIDER_SESSIONS_TOPIC_CONFIG);
    }
}
