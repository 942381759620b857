package org.careflow.connectors;

import java.util.LinkedHashMap;
import java.util.Map;
import org.careflow.platform.embedded.EmbeddedPostgres;

/** The JDBC sink of booking outcomes the connector ITs run: one row per booking id, upserted, deleted by tombstone. */
final class BookingOutcomeSinks {

    private BookingOutcomeSinks() {
    }

    /** The sink's settings without its value converter: {@code topic} into {@code table} of {@code postgres}. */
    static Map<String, String> jdbc(String topic, String table, EmbeddedPostgres postgres) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "io.debezium.connector.jdbc.JdbcSinkConnector");
        config.put("tasks.max", "1");
        config.put("topics", topic);
        config.put("connection.url", postgres.jdbcUrl());
        config.put("connection.username", postgres.user());
        config.put("connection.password", postgres.password());
        config.put("insert.mode", "upsert");
        config.put("delete.enabled", "true");
        config.put("primary.key.mode", "record_key");
        config.put("primary.key.fields", "booking_id");
        // JDBC sink 3.6.0 casts a primitive key to Struct (ClassCastException): wrap the String key in a struct first.
        config.put("transforms", "keyToStruct");
        config.put("transforms.keyToStruct.type", "org.apache.kafka.connect.transforms.HoistField$Key");
        config.put("transforms.keyToStruct.field", "booking_id");
        config.put("schema.evolution", "basic");
        config.put("collection.name.format", table);
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        return config;
    }
}
