package org.careflow.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class ProviderScheduleKeysTest {

    @Test
    void shouldKeepTwoFacilitiesProvidersOfOneIdUnderTwoKeysSoCompactionKeepsBoth() {
        assertThat(ProviderScheduleKeys.of("dr-1", "f-a")).isNotEqualTo(ProviderScheduleKeys.of("dr-1", "f-b"));
    }

    @Test
    void shouldReadProviderAndFacilityBackFromTheKey() {
        String key = ProviderScheduleKeys.of("dr-1", "f-a");

        assertThat(ProviderScheduleKeys.providerOf(key)).isEqualTo("dr-1");
        assertThat(ProviderScheduleKeys.facilityOf(key)).contains("f-a");
    }

    @Test
    void shouldReadAnEarlierReleasesKeyAsTheProviderAlone() {
        assertThat(ProviderScheduleKeys.providerOf("dr-1")).isEqualTo("dr-1");
        assertThat(ProviderScheduleKeys.facilityOf("dr-1")).isEqualTo(Optional.empty());
    }

    @Test
    void shouldPlaceEveryFacilitysScheduleWhereKafkasPartitionerPutsTheProvidersBookingRequests() {
        for (String provider : new String[] {"dr-1", "dr-2", "dr-house", "provider-with-a-long-id-0042"}) {
            for (int partitions : new int[] {1, 3, 6, 12}) {
                int bookings = BuiltInPartitioner.partitionForKey(provider.getBytes(StandardCharsets.UTF_8), partitions);

                assertThat(ProviderScheduleKeys.partition(provider, partitions)).as(provider + " of " + partitions).isEqualTo(bookings);
                assertThat(ProviderScheduleKeys.<Object>partitioner().partitions("provider-schedules",
                    ProviderScheduleKeys.of(provider, "f-a"), null, partitions)).contains(Set.of(bookings));
            }
        }
    }
}
