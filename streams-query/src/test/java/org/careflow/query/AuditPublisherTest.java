package org.careflow.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.careflow.events.security.AccessOutcome;
import org.careflow.events.security.AccessRole;
import org.careflow.events.security.DataAccessAudit;
import org.careflow.topics.PlainAvroEventSerdes;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.Test;

class AuditPublisherTest {

    private final MockProducer<String, DataAccessAudit> producer = new MockProducer<>(false, null, new StringSerializer(),
        new PlainAvroEventSerdes().valueSerde(Topics.AUDIT_EVENTS).serializer());
    private final AuditPublisher publisher = new AuditPublisher(producer, Duration.ofSeconds(1));

    @Test
    void shouldCompleteOnlyWhenTheBrokerAcknowledgesWhenRecordingARead() {
        // When
        CompletableFuture<Void> acked = publisher.record(event("e-1"));

        // Then: keyed by eventId on the audit topic, pending until acknowledged
        assertThat(producer.history()).singleElement().satisfies(r -> {
            assertThat(r.topic()).isEqualTo(Topics.AUDIT_EVENTS.name());
            assertThat(r.key()).isEqualTo("e-1");
        });
        assertThat(acked).isNotDone();
        producer.completeNext();
        assertThat(acked).isCompleted();
    }

    @Test
    void shouldFailTheFutureWhenTheWriteFails() {
        CompletableFuture<Void> acked = publisher.record(event("e-2"));

        producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("broker down"));

        assertThat(acked).isCompletedExceptionally();
    }

    @Test
    void shouldRecordNothingWhenDisabled() {
        assertThat(AuditPublisher.disabled().enabled()).isFalse();
        assertThat(AuditPublisher.disabled().record(event("e-3"))).isCompleted();
    }

    static DataAccessAudit event(String id) {
        return DataAccessAudit.newBuilder().setEventId(id).setOccurredAt(Instant.parse("2026-11-22T10:00:00Z")).setSubject("s")
            .setRole(AccessRole.CLINICIAN).setApp("streams-triage").setInstance("127.0.0.1:1").setMethod("GET")
            .setEndpoint("/v1/patients/{patientId}/triage").setEndpointClass("PATIENT_TRIAGE_READ").setPatientId("p-1")
            .setFacilityIds(List.of("F1")).setOutcome(AccessOutcome.ALLOWED).setStatus(200).build();
    }
}
