package org.careflow.topics;

import io.apicurio.registry.client.common.DefaultVertxInstance;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import io.apicurio.registry.serde.config.SerdeConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
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

    private static final AtomicBoolean SERDES_MADE = new AtomicBoolean();

    private final String registryUrl;
    private final boolean autoRegister;
    private final RegistryLogin login;

    /** Serdes that send no login, for a registry that allows anonymous access. */
    public RegistryEventSerdes(String registryUrl, boolean autoRegister) {
        this(registryUrl, autoRegister, RegistryLogin.NONE);
    }

    public RegistryEventSerdes(String registryUrl, boolean autoRegister, RegistryLogin login) {
        this.registryUrl = Objects.requireNonNull(registryUrl, "registryUrl");
        this.autoRegister = autoRegister;
        this.login = Objects.requireNonNull(login, "login");
    }

    /** The serializer/deserializer settings, for clients that build their own (producers in the ingest API). */
    public Map<String, Object> clientConfig() {
        return clientConfig(autoRegister);
    }

    private Map<String, Object> clientConfig(boolean register) {
        Map<String, Object> config = new HashMap<>();
        config.put(SerdeConfig.REGISTRY_URL, registryUrl);
        config.putAll(login.serdeSettings());
        config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, register);
        config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT_IF_EXISTS, "FIND_OR_CREATE_VERSION");
        config.put(AvroSerdeConfig.USE_SPECIFIC_AVRO_READER, true);
        // Look schemas up whole and in canonical form, as SchemaRegistrar registers them: with registration off
        // (production), a producer finds exactly the version whose content it writes.
        config.put(SerdeConfig.DEREFERENCE_SCHEMA, true);
        config.put(SerdeConfig.CANONICALIZE, true);
        // The default provider fingerprints the schema on every record it writes or reads.
        config.put(AvroSerdeConfig.AVRO_DATUM_PROVIDER, SchemaCachingDatumProvider.class.getName());
        return config;
    }

    /**
     * Stops the Vert.x event loop the registry client shares across all serdes of a JVM; its threads outlive
     * the serdes' own close. Call once, as the process exits: no serde of this JVM can reach the registry afterwards.
     */
    public static void releaseSharedResources() {
        // Closing creates the shared instance if no serde did; at exit (a start that failed early) that would fail.
        if (SERDES_MADE.get()) {
            DefaultVertxInstance.close();
        }
    }

    @Override
    public <V> Serde<V> valueSerde(Topic<?, V> topic) {
        return serde(topic.valueType(), autoRegister);
    }

    @Override
    public <V> Serde<V> internalValueSerde(Class<V> type) {
        return serde(type, true);
    }

    @SuppressWarnings("unchecked")
    private <V> Serde<V> serde(Class<V> type, boolean register) {
        if (type == byte[].class) {
            return (Serde<V>) Serdes.ByteArray();
        }
        if (!SpecificRecord.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(type.getName() + " is not an Avro record");
        }
        SERDES_MADE.set(true);
        Serializer<V> serializer = (Serializer<V>) new AvroKafkaSerializer<>();
        Deserializer<V> deserializer = (Deserializer<V>) new AvroKafkaDeserializer<>();
        serializer.configure(clientConfig(register), false);
        deserializer.configure(clientConfig(register), false);
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
