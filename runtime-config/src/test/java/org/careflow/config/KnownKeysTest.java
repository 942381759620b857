package org.careflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class KnownKeysTest {

    private static final ConfigDef DEFINITION = StreamsAppConfig.define(new ConfigDef(), "careflow-test", 8081, true);

    @Test
    void shouldNameTheClosestKeyWhenAKeyIsMisspelt() {
        // Given: a letter missing
        Map<String, Object> settings = Map.of("kafka.bootstrap.server", "broker:9092");

        // When / Then
        assertThatThrownBy(() -> KnownKeys.checked(DEFINITION, settings))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("Unknown configuration key 'kafka.bootstrap.server'")
            .hasMessageContaining("did you mean 'kafka.bootstrap.servers'?")
            .hasMessageContaining("docs/configuration.md");
    }

    @Test
    void shouldSuggestNothingWhenNoKnownKeyIsClose() {
        assertThatThrownBy(() -> KnownKeys.checked(DEFINITION, Map.of("colour.scheme", "dark")))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("'colour.scheme'")
            .hasMessageNotContaining("did you mean");
    }

    @Test
    void shouldNameTheSourceAndEveryUnknownKeyWhenSeveralAreWrong() {
        assertThatThrownBy(() -> KnownKeys.requireKnown(DEFINITION.names(), List.of("http.prot", "state.dir", "colour.scheme"),
            "configuration file app.properties"))
            .isInstanceOf(ConfigException.class)
            .hasMessageStartingWith("Unknown configuration keys 'colour.scheme', 'http.prot' (did you mean 'http.port'?) "
                + "in configuration file app.properties.")
            .hasMessageNotContaining("'state.dir'");
    }

    @Test
    void shouldCountATranspositionCaseAndSeparatorsAsTheSlipsTheyAre() {
        Set<String> known = DEFINITION.names();

        assertThat(KnownKeys.closest("commit.intreval.ms", known)).contains("commit.interval.ms");
        assertThat(KnownKeys.closest("KAFKA_BOOTSTRAP_SERVERS", known)).contains("kafka.bootstrap.servers");
        assertThat(KnownKeys.closest("num-standby-replicas", known)).contains("num.standby.replicas");
        assertThat(KnownKeys.closest("port", known)).isEmpty();
    }

    @Test
    void shouldAcceptEveryKeyOfTheComposedDefinitionsWhenAllAreKnown() {
        // Given: keys of CommonConfig, StreamsAppConfig and an app's own key, in one composed definition
        ConfigDef composed = StreamsAppConfig.define(new ConfigDef(), "careflow-test", 8081, true)
            .define("app.own.key", ConfigDef.Type.INT, 1, ConfigDef.Importance.LOW, "An app's own key.");
        Map<String, Object> settings = Map.of(CommonConfig.HTTP_PORT_CONFIG, "0", StreamsAppConfig.COMMIT_INTERVAL_MS_CONFIG, "100",
            "app.own.key", "2");

        // When / Then
        assertThatCode(() -> new AbstractConfig(composed, KnownKeys.checked(composed, settings), false)).doesNotThrowAnyException();
    }

    @Test
    void shouldRefuseAKafkaClientSettingWhenCareflowDoesNotDefineIt() {
        // careflow passes nothing through by prefix: a Kafka producer setting is only taken when an app defines a key for it.
        assertThatThrownBy(() -> KnownKeys.checked(DEFINITION, Map.of("kafka.linger.ms", "5")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("'kafka.linger.ms'");
    }
}
