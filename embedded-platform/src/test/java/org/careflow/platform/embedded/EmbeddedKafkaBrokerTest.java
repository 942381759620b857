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
    void shouldRejectSecuredModeWhenTheBrokerUserHasNoPassword() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().secured("broker", java.util.Map.of("ops", "x"), java.util.Set.of("ops")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("broker");
    }

    @Test
    void shouldRejectSecuredModeWhenASuperUserIsUnknown() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().secured("broker", java.util.Map.of("broker", "x"), java.util.Set.of("ops")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("ops");
    }

    @Test
    void shouldRejectSecuredModeWhenAPlaintextListenerWasAskedFor() {
        EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder()
            .saslPlainUsers(java.util.Map.of("app", "x"))
            .secured("broker", java.util.Map.of("broker", "x"), java.util.Set.of());

        assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("secured");
    }

    @Test
    void shouldRejectClusterNodeWhenTheNodeIdIsNegative() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().clusterNode(-1, "cFw9cjKmQSu8pqGFHUXkzw", "1@127.0.0.1:9093"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("nodeId");
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
