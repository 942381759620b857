package org.careflow.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class BoundedMemoryRocksDbConfigTest {

    static {
        RocksDB.loadLibrary();
    }

    @Test
    void shouldShareOneCacheAndWriteBufferManagerBetweenStoresWhenBudgetIsTheSame() {
        // Given two stores' options
        BoundedMemoryRocksDbConfig setter = new BoundedMemoryRocksDbConfig();
        Map<String, Object> configs = Map.of(BoundedMemoryRocksDbConfig.MEMORY_BYTES, 256L * 1024 * 1024,
            BoundedMemoryRocksDbConfig.WRITE_BUFFER_PERCENT, 25);
        try (Options first = new Options(); Options second = new Options()) {
            first.setTableFormatConfig(new BlockBasedTableConfig());
            second.setTableFormatConfig(new BlockBasedTableConfig());

            // When the setter configures both
            setter.setConfig("store-a", first, configs);
            setter.setConfig("store-b", second, configs);

            // Then both cache index and filter blocks, and each memtable is a sixteenth of the 25% budget (64 MiB)
            BlockBasedTableConfig table = (BlockBasedTableConfig) first.tableFormatConfig();
            assertThat(table.cacheIndexAndFilterBlocks()).isTrue();
            assertThat(first.writeBufferSize()).isEqualTo(4L * 1024 * 1024);
            assertThat(first.maxWriteBufferNumber()).isEqualTo(2);
            // and a memtable reserves 64 KiB at a time, so that dozens of nearly empty ones do not fill that budget
            assertThat(first.arenaBlockSize()).isEqualTo(BoundedMemoryRocksDbConfig.ARENA_BLOCK_BYTES);
            assertThat(second.writeBufferSize()).isEqualTo(first.writeBufferSize());
        }
    }

    @Test
    void shouldPassTheConfiguredBudgetToKafkaStreamsWhenBuildingProperties() {
        ConfigDef def = StreamsAppConfig.define(new ConfigDef(), "app", 8099, true);
        AbstractConfig config = new AbstractConfig(def, Map.of(StreamsAppConfig.ROCKSDB_MEMORY_BYTES_CONFIG, 256L * 1024 * 1024), false);

        Properties props = StreamsAppConfig.streamsProperties(config, 8099, "dlq");

        assertThat(props.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG)).isEqualTo(BoundedMemoryRocksDbConfig.class);
        assertThat(props.get(BoundedMemoryRocksDbConfig.MEMORY_BYTES)).isEqualTo(256L * 1024 * 1024);
        assertThat(StreamsAppConfig.streamsProperties(new AbstractConfig(def, Map.of(), false), 8099, "dlq"))
            .as("bounded by default, at the RocksDB part of the recommended 512 MiB")
            .containsEntry(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedMemoryRocksDbConfig.class)
            .containsEntry(BoundedMemoryRocksDbConfig.MEMORY_BYTES, 128L * 1024 * 1024);
        assertThat(StreamsAppConfig.streamsProperties(new AbstractConfig(def, Map.of(StreamsAppConfig.ROCKSDB_MEMORY_BYTES_CONFIG, 0L), false),
            8099, "dlq")).as("0: RocksDB's own settings, unbounded").doesNotContainKey(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG);
    }
}
