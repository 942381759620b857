package org.careflow.triage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class TriageConfigTest {

    @Test
    void shouldNameTheClosestKeyWhenAKeyIsMisspelt() {
        assertThatThrownBy(() -> new TriageConfig(Map.of("form.wiat.ms", "1000")))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("'form.wiat.ms'")
            .hasMessageContaining("did you mean '" + TriageConfig.FORM_WAIT_MS_CONFIG + "'?");
    }

    @Test
    void shouldTakeTheKeyWhenItIsSpeltRight() {
        assertThat(new TriageConfig(Map.of(TriageConfig.FORM_WAIT_MS_CONFIG, "1000")).getLong(TriageConfig.FORM_WAIT_MS_CONFIG))
            .isEqualTo(Duration.ofSeconds(1).toMillis());
    }
}
