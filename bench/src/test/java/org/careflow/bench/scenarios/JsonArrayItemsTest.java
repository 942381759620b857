package org.careflow.bench.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonArrayItemsTest {

    private static List<String> items(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return JsonArrayItems.split(body).stream()
            .map(s -> new String(body, s.start(), s.length(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void shouldSplitTopLevelItemsWhenTheyNestAndHoldSeparatorsInStrings() {
        // Given items with nested objects and arrays, and commas, brackets and escaped quotes inside strings
        String json = " [ {\"a\":[1,2],\"b\":{\"c\":\"x,]}\\\"\"}} ,\n{\"d\":\"\\\\\"}, 3 ] ";

        // When / Then
        assertThat(items(json)).containsExactly("{\"a\":[1,2],\"b\":{\"c\":\"x,]}\\\"\"}}", "{\"d\":\"\\\\\"}", "3");
    }

    @Test
    void shouldFindNoItemWhenTheArrayIsEmpty() {
        assertThat(items("[ ]")).isEmpty();
    }

    @Test
    void shouldRefuseWhenTheBodyIsNotOneArray() {
        assertThatThrownBy(() -> items("{\"a\":1}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> items("[1,2")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> items("[1,,2]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> items("[1] [2]")).isInstanceOf(IllegalArgumentException.class);
    }
}
