package org.careflow.platform.embedded;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FreePortsTest {

    @Test
    void shouldReturnDistinctPortsWhenSeveralAreReserved() {
        int[] ports = FreePorts.reserve(5);

        assertThat(ports).hasSize(5).doesNotHaveDuplicates().doesNotContain(0);
    }

    @Test
    void shouldKeepFixedPortsWhenResolving() {
        int[] resolved = FreePorts.resolve(0, 1234, 0);

        assertThat(resolved[1]).isEqualTo(1234);
        assertThat(resolved[0]).isPositive().isNotEqualTo(resolved[2]);
    }
}
