package org.careflow.masterdata.cdc;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import io.apicurio.registry.serde.config.SerdeConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.careflow.topics.RegistryLogin;
import org.careflow.topics.Topic;

/**
 * Reads Debezium's Avro keys and values as written by Apicurio's Kafka Connect {@code AvroConverter}: the writer's
 * schema is found by the id in the record (the 3.x default: a 4-byte content id after a magic byte, no headers) and
 * the data read as a {@link GenericRecord}. This app never writes these topics; the serializer is there only to make
 * a serde, and never registers anything.
 */
public final class RegistryCdcSerdes implements CdcSerdes {

    private final String registryUrl;
    private final RegistryLogin login;

    public RegistryCdcSerdes(String registryUrl, RegistryLogin login) {
        this.registryUrl = Objects.requireNonNull(registryUrl, "registryUrl");
        this.login = Objects.requireNonNull(login, "login");
    }

    /** The deserializer settings. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(SerdeConfig.REGISTRY_URL, registryUrl);
        config.putAll(login.serdeSettings());
        config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, false);
        // Debezium's schemas have no generated classes: read whatever the writer's schema says, as generic records.
        config.put(AvroSerdeConfig.USE_SPECIFIC_AVRO_READER, false);
        return config;
    }

    @Override
    public Serde<GenericRecord> keySerde(Topic<GenericRecord, GenericRecord> topic) {
        return serde(true);
    }

    @Override
    public Serde<GenericRecord> valueSerde(Topic<GenericRecord, GenericRecord> topic) {
        return serde(false);
    }

    private Serde<GenericRecord> serde(boolean isKey) {
        Serializer<GenericRecord> serializer = new AvroKafkaSerializer<>();
        Deserializer<GenericRecord> deserializer = new AvroKafkaDeserializer<>();
        serializer.configure(clientConfig(), isKey);
        deserializer.configure(clientConfig(), isKey);
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
