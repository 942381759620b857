package org.careflow.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterTest {

    @Test
    void shouldWriteReasonCodeAttemptsAndIsoTimeWhenTurnedIntoHeaders() {
        // Given a dead letter
        DeadLetter deadLetter = new DeadLetter("Attempts exhausted", "HTTP_500", 5, Instant.parse("2026-03-02T09:00:01.250Z"));

        // When it becomes record headers
        Headers headers = deadLetter.toHeaders();

        // Then each field has its header, and reading them back gives the same dead letter
        assertThat(text(headers, "careflow.dlq.reason")).isEqualTo("Attempts exhausted");
        assertThat(text(headers, "careflow.dlq.error.code")).isEqualTo("HTTP_500");
        assertThat(text(headers, "careflow.dlq.attempts")).isEqualTo("5");
        assertThat(text(headers, "careflow.dlq.failed.at")).isEqualTo("2026-03-02T09:00:01.250Z");
        assertThat(DeadLetter.fromHeaders(headers)).isEqualTo(deadLetter);
    }

    @Test
    void shouldRefuseToReadWhenHeadersAreMissing() {
        // Given / When headers of some other record / Then reading names the missing header
        assertThatThrownBy(() -> DeadLetter.fromHeaders(new RecordHeaders()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("careflow.dlq.reason");
    }

    private static String text(Headers headers, String key) {
        return new String(headers.lastHeader(key).value(), StandardCharsets.UTF_8);
    }
}
