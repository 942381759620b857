package org.careflow.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.careflow.state.triage.FacilityHourStats;
import org.junit.jupiter.api.Test;

class PinnedAvroSerdeTest {

    private static final Deserializer<Object> NO_LEGACY = (topic, bytes) -> {
        throw new AssertionError("not a legacy value");
    };

    @Test
    void shouldWriteTheSchemaVersionThenPlainAvroAndReadItBack() {
        Serde<FacilityHourStats> serde = PinnedAvroSerde.of(FacilityHourStats.class, NO_LEGACY);
        FacilityHourStats stats = stats(7);

        byte[] bytes = serde.serializer().serialize("t", stats);

        assertThat(bytes[0]).as("version 1 of the pinned schema").isEqualTo((byte) 1);
        assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(stats);
        assertThat(serde.serializer().serialize("t", null)).isNull();
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }

    @Test
    void shouldReadWhatTheRegistrySerdeWroteThroughTheLegacyDeserializerAndUpgrade() {
        byte[] registryFormat = {0, 0, 0, 0, 42};
        Deserializer<String> legacy = (topic, bytes) -> bytes[0] == 0 ? "legacy value " + bytes[4] : null;
        Serde<FacilityHourStats> serde = PinnedAvroSerde.of(FacilityHourStats.class, legacy,
            old -> stats(((String) old).length()));

        assertThat(serde.deserializer().deserialize("t", registryFormat).getLeft()).isEqualTo("legacy value 42".length());
    }

    @Test
    void shouldRefuseAVersionItDoesNotKnowNamingIt() {
        Serde<FacilityHourStats> serde = PinnedAvroSerde.of(FacilityHourStats.class, NO_LEGACY);
        byte[] bytes = serde.serializer().serialize("t", stats(1));
        bytes[0] = 9;

        assertThatThrownBy(() -> serde.deserializer().deserialize("t", bytes))
            .isInstanceOf(SerializationException.class).hasMessageContaining("version 9");
    }

    @Test
    void shouldKeepValuesOfManyThreadsApart() throws Exception {
        Serde<FacilityHourStats> serde = PinnedAvroSerde.of(FacilityHourStats.class, NO_LEGACY);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            int id = t;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 2_000; i++) {
                        FacilityHourStats value = stats(id * 10_000 + i);
                        assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", value))).isEqualTo(value);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(failures).isEmpty();
    }

    private static FacilityHourStats stats(int left) {
        HashMap<String, Integer> byBand = new HashMap<>();
        byBand.put("HIGH", left);
        return new FacilityHourStats(byBand, new ArrayList<>(List.of((long) left)), left);
    }
}
