package org.careflow.config;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The one rule for configuration keys: a key no definition knows is a start-up error, not a warning. Kafka's
 * {@code AbstractConfig} only logs unused keys, so a misspelt key ({@code kafka.bootstrap.server}) would silently leave
 * the default in force; here it fails with a {@link ConfigException} naming the key, where it came from and, when one
 * is close enough to be the intended one, the known key it most likely meant.
 *
 * <p>careflow hands nothing through to Kafka clients by prefix: every Kafka setting an app takes is a key of its own
 * definition (see {@link CommonConfig}), so no key is exempt.
 */
public final class KnownKeys {

    /** Where every key is documented; named in the error so the reader knows where to look. */
    static final String REFERENCE = "docs/configuration.md";

    private KnownKeys() {
    }

    /**
     * {@code originals}, unchanged, once every key is known to {@code definition}: for a config's constructor,
     * {@code super(CONFIG, KnownKeys.checked(CONFIG, originals), false)}. Apps compose one definition from the shared
     * ones and their own, so a key known to any of them passes.
     *
     * @throws ConfigException naming each unknown key and the known key closest to it
     */
    public static <M extends Map<?, ?>> M checked(ConfigDef definition, M originals) {
        Objects.requireNonNull(originals, "originals");
        requireKnown(definition.names(), originals.keySet(), null);
        return originals;
    }

    /**
     * Fails when a key of {@code keys} is not in {@code known}.
     *
     * @param source where the keys came from (a file, the launcher's settings of an app), or null when unknown
     * @throws ConfigException naming each unknown key, the source and the closest known key
     */
    public static void requireKnown(Set<String> known, Collection<?> keys, String source) {
        Objects.requireNonNull(known, "known");
        List<String> unknown = keys.stream().map(String::valueOf).filter(key -> !known.contains(key)).sorted().toList();
        if (unknown.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder(unknown.size() == 1 ? "Unknown configuration key " : "Unknown configuration keys ");
        for (int i = 0; i < unknown.size(); i++) {
            String key = unknown.get(i);
            message.append(i == 0 ? "" : ", ").append('\'').append(key).append('\'');
            closest(key, known).ifPresent(match -> message.append(" (did you mean '").append(match).append("'?)"));
        }
        if (source != null) {
            message.append(" in ").append(source);
        }
        message.append(". Remove or correct ").append(unknown.size() == 1 ? "it" : "them")
            .append(": every key is listed in ").append(REFERENCE).append('.');
        throw new ConfigException(message.toString());
    }

    /**
     * The known key {@code key} most likely meant: the one fewest edits away (a transposition counts as one; case and
     * {@code _}/{@code -} for {@code .} count as none), if it is within about a quarter of the key's length, at most 3.
     * A further key is more likely a different setting than a typo, and suggesting it would mislead.
     */
    public static Optional<String> closest(String key, Collection<String> known) {
        String wanted = normalised(key);
        int allowed = Math.max(1, Math.min(3, wanted.length() / 4));
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known.stream().sorted().toList()) {
            int distance = distance(wanted, normalised(candidate));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    private static String normalised(String key) {
        return key.trim().toLowerCase(Locale.ROOT).replace('_', '.').replace('-', '.');
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
