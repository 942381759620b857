package org.careflow.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class CompositeKeyTest {

    private static final CompositeKey PIPE = CompositeKey.separatedBy('|');

    @Test
    void shouldJoinIdsInOrderWithTheSeparatorWhenAKeyIsMade() {
        assertThat(PIPE.of("dr-1", "s-7")).isEqualTo("dr-1|s-7");
        assertThat(CompositeKey.NUL.of("dr-1", "f-a", "000000000000042")).isEqualTo("dr-1\u0000f-a\u0000000000000000042");
        assertThat(PIPE.of("dr-1")).isEqualTo("dr-1");
    }

    @Test
    void shouldStartEveryKeyOfAnIdWithItsPrefixAndNoKeyOfALongerId() {
        assertThat(PIPE.of("dr-1", "s-7")).startsWith(PIPE.prefix("dr-1"));
        assertThat(PIPE.of("dr-10", "s-7")).doesNotStartWith(PIPE.prefix("dr-1"));
    }

    @Test
    void shouldReadTheFirstIdBackOrTheWholeKeyWhenItHasOneId() {
        assertThat(PIPE.first(PIPE.of("dr-1", "s-7"))).isEqualTo("dr-1");
        assertThat(PIPE.afterFirst(PIPE.of("dr-1", "s-7", "x"))).contains("s-7|x");
        assertThat(PIPE.first("dr-1")).isEqualTo("dr-1");
        assertThat(PIPE.afterFirst("dr-1")).isEmpty();
    }

    @Test
    void shouldPlaceAKeyWhereKafkasPartitionerPutsItsFirstIdAlone() {
        for (String id : new String[] {"dr-1", "dr-2", "dr-house", "provider-with-a-long-id-0042"}) {
            for (int partitions : new int[] {1, 3, 6, 12}) {
                int alone = BuiltInPartitioner.partitionForKey(id.getBytes(StandardCharsets.UTF_8), partitions);

                assertThat(CompositeKey.partitionOf(id, partitions)).as(id + " of " + partitions).isEqualTo(alone);
                assertThat(PIPE.<Object>byFirst().partitions("t", PIPE.of(id, "s-7"), null, partitions)).contains(Set.of(alone));
            }
        }
    }

    @Test
    void shouldRefuseAPartitionCountBelowOneWhenPlacingAnId() {
        assertThatThrownBy(() -> CompositeKey.partitionOf("dr-1", 0)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("numPartitions");
    }
}
