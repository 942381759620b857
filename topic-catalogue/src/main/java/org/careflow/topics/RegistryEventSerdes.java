package org.careflow.topics;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import io.apicurio.registry.serde.config.SerdeConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro values through the Apicurio Registry: the writer's schema is looked up (or registered) under the
 * topic's {@code <topic>-value} artifact and read back into the generated class.
 */
public final class RegistryEventSerdes implements EventSerdes {

    private final String registryUrl;
    private final boolean autoRegister;

    public RegistryEventSerdes(String registryUrl, boolean autoRegister) {
        this.registryUrl = Objects.requireNonNull(registryUrl, "registryUrl");
        this.autoRegister = autoRegister;
    }

    /** The serializer/deserializer settings, for clients that build their own (producers in the ingest API). */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(SerdeConfig.REGISTRY_URL, registryUrl);
        config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, autoRegister);
        config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT_IF_EXISTS, "FIND_OR_CREATE_VERSION");
        config.put(AvroSerdeConfig.USE_SPECIFIC_AVRO_READER, true);
        return config;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> Serde<V> valueSerde(Topic<?, V> topic) {
        if (topic.valueType() == byte[].class) {
            return (Serde<V>) Serdes.ByteArray();
        }
        if (!SpecificRecord.class.isAssignableFrom(topic.valueType())) {
            throw new IllegalArgumentException("Topic " + topic.name() + " does not carry Avro records");
        }
        Serializer<V> serializer = (Serializer<V>) new AvroKafkaSerializer<>();
        Deserializer<V> deserializer = (Deserializer<V>) new AvroKafkaDeserializer<>();
        serializer.configure(clientConfig(), false);
        deserializer.configure(clientConfig(), false);
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
