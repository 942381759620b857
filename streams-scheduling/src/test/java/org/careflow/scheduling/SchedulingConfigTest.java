package org.careflow.scheduling;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SchedulingConfigTest {

    @Test
    void shouldNameTheClosestKeyWhenAKeyIsMisspelt() {
        assertThatThrownBy(() -> new SchedulingConfig(Map.of("slot.horizon.weeks", "12")))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("'slot.horizon.weeks'")
            .hasMessageContaining("did you mean '" + SchedulingConfig.HORIZON_WEEKS_CONFIG + "'?");
    }
}
