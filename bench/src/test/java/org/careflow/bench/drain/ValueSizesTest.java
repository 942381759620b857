package org.careflow.bench.drain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ValueSizesTest {

    @Test
    void shouldAverageTheValuesAndLeaveTombstonesOutWhenMeasuring() {
        ValueSizes sizes = new ValueSizes();

        sizes.add(new byte[100]);
        sizes.add(null);
        sizes.add(new byte[201]);

        assertThat(sizes.values()).isEqualTo(2);
        assertThat(sizes.tombstones()).isEqualTo(1);
        assertThat(sizes.averageBytes()).isEqualTo(151);
    }

    @Test
    void shouldRefuseAnAverageWhenNoValueWasSeen() {
        ValueSizes sizes = new ValueSizes();
        sizes.add(null);

        assertThatThrownBy(sizes::averageBytes).isInstanceOf(IllegalStateException.class).hasMessageContaining("1 tombstones");
    }
}
