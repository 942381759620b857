package org.careflow.launcher;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.careflow.masterdata.cdc.CdcSerdes;
import org.careflow.topics.Topic;

/**
 * Serdes for a streams-masterdata topology that is only described (to read its topics for ACLs), never run: building
 * it then needs no registry client.
 */
final class UnusedCdcSerdes implements CdcSerdes {

    private static final Serde<GenericRecord> UNUSED = Serdes.serdeFrom(
        (topic, data) -> {
            throw new UnsupportedOperationException("This topology is only described");
        },
        (topic, bytes) -> {
            throw new UnsupportedOperationException("This topology is only described");
        });

    @Override
    public Serde<GenericRecord> keySerde(Topic<GenericRecord, GenericRecord> topic) {
        return UNUSED;
    }

    @Override
    public Serde<GenericRecord> valueSerde(Topic<GenericRecord, GenericRecord> topic) {
        return UNUSED;
    }
}
