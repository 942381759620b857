package org.careflow.platform.embedded;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedKafkaBrokerTest {

    @Test
    void shouldRejectPortWhenOutOfRange() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().brokerPort(70_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("brokerPort");
    }

    @Test
    void shouldRejectBootstrapServersWhenNotStarted() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build();

        assertThatThrownBy(broker::bootstrapServers)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not started");
    }

    @Test
    void shouldNotThrowWhenClosedTwiceWithoutStart() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build();

        assertThatCode(() -> {
            broker.close();
            broker.close();
        }).doesNotThrowAnyException();
    }
}
