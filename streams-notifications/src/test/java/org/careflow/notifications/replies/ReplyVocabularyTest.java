package org.careflow.notifications.replies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;
import org.careflow.events.notifications.MessageIntent;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ReplyVocabularyTest {

    private final ReplyVocabulary words = ReplyVocabulary.parse("replies.words", Arrays.asList(ReplyVocabulary.DEFAULT_WORDS.split(",")));

    @ParameterizedTest
    @CsvSource({
        "1, en-GB, CONFIRM", "' yes ', en-GB, CONFIRM", "Confirm., en-GB, CONFIRM", "2, en-GB, CANCEL", "'  NO', en, CANCEL",
        "cancel!, en-GB, CANCEL", "Stop, en-GB, STOP", "start, en-GB, START", "help, en-GB, HELP",
        "Canslo, cy-GB, CANCEL", "ie, cy, CONFIRM", "2, cy-GB, CANCEL", "cancelar, es-ES, CANCEL", "sí, es, CONFIRM",
        "Canslo, en-GB, UNKNOWN", "yes please, en-GB, UNKNOWN", "'', en-GB, UNKNOWN", "12, en-GB, UNKNOWN"
    })
    void shouldReadIntentIgnoringCaseAndSpaces(String text, String language, MessageIntent expected) {
        assertThat(words.interpret(text, language)).isEqualTo(expected);
    }

    @Test
    void shouldReadUnknownWhenThereIsNoText() {
        assertThat(words.interpret(null, "en")).isEqualTo(MessageIntent.UNKNOWN);
    }

    @Test
    void shouldNameKeyWhenEntryIsWrong() {
        assertThatThrownBy(() -> ReplyVocabulary.parse("replies.words", List.of("MAYBE=perhaps")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("replies.words").hasMessageContaining("CONFIRM, CANCEL");
        assertThatThrownBy(() -> ReplyVocabulary.parse("replies.words", List.of("yes")))
            .hasMessageContaining("INTENT=WORD+WORD");
    }
}
