package org.careflow.notifications.replies;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;
import org.careflow.events.notifications.MessageIntent;

/**
 * The words a patient's reply may consist of to act: CONFIRM, CANCEL, STOP, START, HELP, for every language and per
 * language. Case and surrounding whitespace are ignored; anything else is UNKNOWN, for a person to read.
 */
public final class ReplyVocabulary {

    /** Default words: English for every language, and Welsh and Spanish additions. */
    public static final String DEFAULT_WORDS = "CONFIRM=1+YES+Y+CONFIRM+OK,CANCEL=2+NO+N+CANCEL,"
        + "STOP=STOP+STOPALL+UNSUBSCRIBE+END+QUIT,START=START+UNSTOP,HELP=HELP+INFO,"
        + "cy:CONFIRM=IE+OES+CADARNHAU,cy:CANCEL=NA+CANSLO,cy:STOP=STOPIO+DIWEDD,"
        + "es:CONFIRM=SI+SÍ+CONFIRMAR,es:CANCEL=CANCELAR,es:STOP=BAJA";

    private static final Set<MessageIntent> ACTIONABLE = Set.of(MessageIntent.CONFIRM, MessageIntent.CANCEL, MessageIntent.STOP,
        MessageIntent.START, MessageIntent.HELP);
    private static final String EVERY_LANGUAGE = "";

    /** language ("" for every language) → normalised word → intent. */
    private final Map<String, Map<String, MessageIntent>> words;

    private ReplyVocabulary(Map<String, Map<String, MessageIntent>> words) {
        this.words = words;
    }

    /** Parses entries INTENT=WORD+WORD or LANG:INTENT=WORD+WORD; {@code key} names the setting in errors. */
    public static ReplyVocabulary parse(String key, List<String> entries) {
        Map<String, Map<String, MessageIntent>> words = new HashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(key, entry, "entries are INTENT=WORD+WORD or LANG:INTENT=WORD+WORD, e.g. CONFIRM=1+YES or cy:CONFIRM=IE");
            }
            String head = entry.substring(0, eq).strip();
            int colon = head.indexOf(':');
            String language = colon < 0 ? EVERY_LANGUAGE : head.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            MessageIntent intent;
            try {
                intent = MessageIntent.valueOf(head.substring(colon + 1).strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                intent = null;
            }
            if (intent == null || !ACTIONABLE.contains(intent)) {
                throw new ConfigException(key, entry, "the intent must be one of CONFIRM, CANCEL, STOP, START, HELP");
            }
            for (String word : entry.substring(eq + 1).split("\\+")) {
                if (!normalise(word).isEmpty()) {
                    words.computeIfAbsent(language, l -> new HashMap<>()).put(normalise(word), intent);
                }
            }
        }
        return new ReplyVocabulary(words);
    }

    /** What {@code text} asks for, read in {@code language} (a BCP 47 tag; null: every-language words only). */
    public MessageIntent interpret(String text, String language) {
        if (text == null) {
            return MessageIntent.UNKNOWN;
        }
        String word = normalise(text);
        if (language != null) {
            String primary = Locale.forLanguageTag(language).getLanguage();
            MessageIntent own = words.getOrDefault(primary, Map.of()).get(word);
            if (own != null) {
                return own;
            }
        }
        return words.getOrDefault(EVERY_LANGUAGE, Map.of()).getOrDefault(word, MessageIntent.UNKNOWN);
    }

    private static String normalise(String word) {
        return word.strip().replaceAll("[.!]+$", "").strip().toUpperCase(Locale.ROOT);
    }
}
