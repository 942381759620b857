package org.careflow.platform.embedded;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import org.bson.Document;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.time.Instant;
import java.util.Date;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("integration")
class EmbeddedMongoIT {

    @Test
    void shouldReturnDocumentWithDateWhenInsertedThroughSyncDriver() {
        // Given
        Date slotStart = Date.from(Instant.parse("2026-03-02T09:30:00Z"));
        try (EmbeddedMongo mongo = EmbeddedMongo.builder().build().start();
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> bookings = client.getDatabase("careflow").getCollection("bookings");

            // When
            bookings.insertOne(new Document("_id", "b-1").append("status", "CONFIRMED").append("slotStart", slotStart));
            Document found = bookings.find(Filters.eq("_id", "b-1")).first();

            // Then
            assertThat(found).isNotNull();
            assertThat(found.getString("status")).isEqualTo("CONFIRMED");
            assertThat(found.get("slotStart")).isInstanceOf(Date.class).isEqualTo(slotStart);
        }
    }

    @Test
    void shouldReplaceDocumentWhenUpsertedTwice() {
        // Given: the write the MongoDB sink connector makes (replaceOne with upsert)
        try (EmbeddedMongo mongo = EmbeddedMongo.builder().build().start();
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> bookings = client.getDatabase("careflow").getCollection("bookings");
            ReplaceOptions upsert = new ReplaceOptions().upsert(true);

            // When
            bookings.replaceOne(Filters.eq("_id", "b-2"), new Document("_id", "b-2").append("status", "PENDING"), upsert);
            bookings.replaceOne(Filters.eq("_id", "b-2"), new Document("_id", "b-2").append("status", "CONFIRMED"), upsert);

            // Then
            assertThat(bookings.countDocuments()).isEqualTo(1);
            assertThat(bookings.find().first()).containsEntry("status", "CONFIRMED");
        }
    }

    @Test
    void shouldStopListeningWhenClosedTwice() {
        // Given
        EmbeddedMongo mongo = EmbeddedMongo.builder().build().start();
        int port = mongo.port();
        assertThat(mongo.connectionString()).isEqualTo("mongodb://127.0.0.1:" + port);

        // When
        assertThatCode(() -> {
            mongo.close();
            mongo.close();
        }).doesNotThrowAnyException();

        // Then
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(mongo::connectionString).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
