package org.careflow.masterdata.cdc;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.kstream.Consumed;
import org.careflow.topics.Topic;

/**
 * Serdes of Debezium's change topics, whose keys and values are Avro records with schemas Debezium generates from the
 * tables (not careflow contracts), read as generic records. {@link RegistryCdcSerdes} reads them through the registry;
 * topology tests pass serdes with fixed schemas.
 */
public interface CdcSerdes {

    /** The serde of keys of {@code topic}: a record of the table's primary-key columns. */
    Serde<GenericRecord> keySerde(Topic<GenericRecord, GenericRecord> topic);

    /** The serde of values of {@code topic}: the row after the change, flat; null for a tombstone. */
    Serde<GenericRecord> valueSerde(Topic<GenericRecord, GenericRecord> topic);

    /** How a streams app reads {@code topic}; {@code processorName} names the source node. */
    default Consumed<GenericRecord, GenericRecord> consumed(Topic<GenericRecord, GenericRecord> topic, String processorName) {
        return Consumed.with(keySerde(topic), valueSerde(topic)).withName(processorName);
    }
}
