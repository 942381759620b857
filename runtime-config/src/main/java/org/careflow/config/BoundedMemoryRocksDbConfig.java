package org.careflow.config;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the off-heap memory of every RocksDB store of a process: all stores share one block cache (index and filter
 * blocks included) and one write-buffer manager that charges memtables to that cache, so the total stays near
 * {@code rocksdb.memory.bytes} however many stores and partitions an instance holds. This is the pattern of Kafka
 * Streams' memory-management guide.
 */
public class BoundedMemoryRocksDbConfig implements RocksDBConfigSetter {

    /** Streams property (set from {@link StreamsAppConfig#ROCKSDB_MEMORY_BYTES_CONFIG}) with the total budget in bytes. */
    public static final String MEMORY_BYTES = "careflow.rocksdb.memory.bytes";
    /** Streams property with the share of the budget memtables may use, in percent. */
    public static final String WRITE_BUFFER_PERCENT = "careflow.rocksdb.write.buffer.percent";

    private static final long BLOCK_SIZE = 16 * 1024L;
    private static final int MEMTABLES = 2;
    /**
     * A store's memtable is this fraction of the memtables' share: the write-buffer manager counts every store's
     * memtables together and, once their sum passes its limit, makes whichever store is written next flush, however
     * little that store holds. Sized so that the few stores written at any moment fill their own memtables first and
     * flush them whole, the manager only stepping in when many are busy at once.
     */
    static final int WRITE_BUFFER_SHARES = 16;
    /**
     * Memory a memtable takes at a time as it grows. RocksDB's default (an eighth of the write buffer, up to 1 MiB) is
     * reserved by every store's memtable at its first write and charged to the write-buffer manager: with dozens of
     * stores per instance that alone fills the memtables' share, the manager then flushes whichever store is written
     * next, however small its memtable, and the instance spends its CPU flushing and compacting tiny files.
     */
    static final long ARENA_BLOCK_BYTES = 64 * 1024L;

    /** One cache and manager per budget, shared by every store of the process; never closed while the process runs. */
    private static final Map<String, Shared> SHARED = new ConcurrentHashMap<>();

    private record Shared(Cache cache, WriteBufferManager writeBuffers, long memtableBytes) {
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        long total = Long.parseLong(String.valueOf(configs.getOrDefault(MEMORY_BYTES, 128L * 1024 * 1024)));
        int percent = Integer.parseInt(String.valueOf(configs.getOrDefault(WRITE_BUFFER_PERCENT, 25)));
        Shared shared = SHARED.computeIfAbsent(total + "/" + percent, k -> {
            // High-priority pool of 10% for index and filter blocks, so they are not evicted by data blocks.
            Cache cache = new LRUCache(total, -1, false, 0.1);
            long memtables = total * percent / 100;
            return new Shared(cache, new WriteBufferManager(memtables, cache), memtables);
        });
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(shared.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        table.setBlockSize(BLOCK_SIZE);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(shared.writeBuffers());
        options.setMaxWriteBufferNumber(MEMTABLES);
        options.setWriteBufferSize(Math.max(1024 * 1024, shared.memtableBytes() / WRITE_BUFFER_SHARES));
        options.setArenaBlockSize(ARENA_BLOCK_BYTES);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write-buffer manager are shared by every store: closing one store must not free them.
    }
}
