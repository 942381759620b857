package org.careflow.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InstantsTest {

    @Test
    void shouldParseLikeInstantParseWhenTheTextIsCanonical() {
        // Given canonical timestamps across leap years, month ends and every fraction length
        Random random = new Random(18);
        for (int i = 0; i < 2_000; i++) {
            Instant expected = Instant.ofEpochSecond(random.nextLong(-62_167_219_200L, 253_402_300_799L),
                random.nextInt(10) < 3 ? 0 : random.nextInt(1_000_000_000));
            String text = expected.toString();

            // When
            Instant parsed = Instants.parse(text);

            // Then
            if (!parsed.equals(expected) || !parsed.equals(Instant.parse(text))) {
                assertThat(parsed).as(text).isEqualTo(expected);
            }
        }
    }

    @Test
    void shouldGiveInstantParsesResultOrErrorWhenTheTextIsUnusual() {
        List<String> texts = List.of("2026-02-29T00:00:00Z", "2024-02-29T23:59:59Z", "2026-04-31T10:00:00Z",
            "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T23:60:00Z",
            "2026-01-01T23:59:60Z", "2026-01-01T10:15:00.Z", "2026-01-01T10:15:00.1234567890Z", "2026-01-01t10:15:00z",
            "2026-01-01T10:15:00+01:00", "2026-01-01T10:15Z", "+2026-01-01T10:15:00Z", "2026-1-01T10:15:00Z",
            "0000-01-01T00:00:00Z", "2026-01-01T10:15:00.5Z", "2026-01-01T10:15:00.000000001Z", "2026-01-01 10:15:00Z",
            "2026-01-01T10:15:0aZ", "");
        for (String text : texts) {
            Object expected = outcome(() -> Instant.parse(text));
            assertThat(outcome(() -> Instants.parse(text))).as(text).isEqualTo(expected);
        }
    }

    @Test
    void shouldThrowInstantParsesExceptionWhenTheDateDoesNotExist() {
        assertThatThrownBy(() -> Instants.parse("2026-02-30T00:00:00Z")).isInstanceOf(java.time.format.DateTimeParseException.class);
    }

    /** The instant, or the exception's type and message. */
    private static Object outcome(java.util.function.Supplier<Instant> parse) {
        try {
            return parse.get();
        } catch (DateTimeException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }
}
