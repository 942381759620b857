package org.careflow.forms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FormKeyTest {

    @Test
    void shouldWriteFormIdAtVersionWhenKeyIsMade() {
        // When
        String key = FormKey.of("chest-pain", 3);

        // Then
        assertThat(key).isEqualTo("chest-pain@3");
    }

    @Test
    void shouldReadFormIdAndVersionWhenKeyIsWellFormed() {
        // When
        var parsed = FormKey.parse("chest-pain@12");

        // Then
        assertThat(parsed).contains(new FormKey("chest-pain", 12));
        assertThat(parsed.orElseThrow().key()).isEqualTo("chest-pain@12");
        assertThat(parsed.orElseThrow()).hasToString("chest-pain@12");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "chest-pain", "chest-pain@", "@3", "chest-pain@0", "chest-pain@-1", "chest-pain@+1",
        "chest-pain@03", "chest-pain@x", "chest-pain@1.5", "a@b@3", "chest-pain@99999999999", "chest-pain@ 3"})
    void shouldBeEmptyWhenKeyIsNotFormIdAtVersion(String key) {
        assertThat(FormKey.parse(key)).isEmpty();
    }

    @Test
    void shouldBeEmptyWhenKeyIsNull() {
        assertThat(FormKey.parse(null)).isEmpty();
    }

    @Test
    void shouldRefuseFormIdWhenItHoldsTheSeparator() {
        assertThatThrownBy(() -> FormKey.of("a@b", 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseVersionWhenBelowOne() {
        assertThatThrownBy(() -> FormKey.of("chest-pain", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldReadTheLargestVersionWhenItFitsAnInt() {
        assertThat(FormKey.parse("f@2147483647")).contains(new FormKey("f", 2147483647));
    }
}
