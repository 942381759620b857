package org.careflow.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonReaderTest {

    @Test
    void shouldAcceptExactlyWhatTheIdPatternMatchesWhenCheckingIds() {
        // Given edge cases and random strings over the allowed characters and a few others
        List<String> edges = List.of("", "a", "A", "0", ".a", "_a", "-a", ":a", "a.b_c:d-e", "a b", "é", "a/b",
            "x".repeat(128), "x".repeat(129), "a\n", "Ä1", "a\u0660");
        for (String id : edges) {
            assertThat(JsonReader.isId(id)).as(id).isEqualTo(JsonReader.ID.matcher(id).matches());
        }
        String alphabet = "aZ09._:-/ é\t";
        Random random = new Random(18);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder id = new StringBuilder();
            int length = random.nextInt(6);
            for (int c = 0; c < length; c++) {
                id.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            // When / Then
            if (JsonReader.isId(id.toString()) != JsonReader.ID.matcher(id).matches()) {
                assertThat(JsonReader.isId(id.toString())).as(id.toString()).isEqualTo(JsonReader.ID.matcher(id).matches());
            }
        }
    }
}
