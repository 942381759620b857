package org.careflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks what the stack logged during the integration tests (the file {@code log4j2-test.xml} writes, at the levels
 * production logs) for what must never be in a log line: the tests' patient identifiers, phone numbers, bearer tokens.
 * A finding names the logger and what kind of data it leaked, never the data itself.
 */
final class LogHygiene {

    static final Path LOG_FILE = Path.of("target", "it-logs", "careflow.log");
    /** An E.164 number: + and 8 to 15 digits. */
    private static final Pattern PHONE = Pattern.compile("\\+[1-9]\\d{7,14}");
    /** A compact JWS: three base64url parts, the first a JSON header. */
    private static final Pattern TOKEN = Pattern.compile("eyJ[\\w-]{10,}\\.[\\w-]{10,}\\.[\\w-]*");
    private static final Pattern BEARER = Pattern.compile("(?i)bearer\\s+\\S");
    /** The logger of a line, as the file's pattern writes it: time, level, [thread], logger, " - ". */
    private static final Pattern LOGGER = Pattern.compile("^\\S+ +\\S+ +\\[[^\\]]*\\] (\\S+) - ");

    private LogHygiene() {
    }

    /** Fails if a line logged so far holds one of {@code patientIds}, a phone number or a token. */
    static void assertNothingSensitiveLogged(Collection<String> patientIds) {
        assertThat(findings(lines(), patientIds)).as("log lines in %s with data that must never be logged", LOG_FILE).isEmpty();
    }

    /** What {@code lines} leak, one finding per line and kind: the logger and what kind of data. */
    static List<String> findings(List<String> lines, Collection<String> patientIds) {
        List<String> findings = new ArrayList<>();
        String logger = "?";
        for (String line : lines) {
            Matcher start = LOGGER.matcher(line);
            if (start.find()) {
                logger = start.group(1);
            }
            if (patientIds.stream().anyMatch(id -> containsWord(line, id))) {
                findings.add(logger + ": a patient identifier");
            }
            if (PHONE.matcher(line).find()) {
                findings.add(logger + ": a phone number");
            }
            if (TOKEN.matcher(line).find() || BEARER.matcher(line).find()) {
                findings.add(logger + ": a bearer token");
            }
        }
        return findings;
    }

    /** The log so far; it exists once anything was logged at the captured levels. */
    static List<String> lines() {
        try {
            return Files.exists(LOG_FILE) ? Files.readAllLines(LOG_FILE, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code id} in {@code line} not as part of a longer identifier (p-low is not in p-lower). */
    private static boolean containsWord(String line, String id) {
        int from = 0;
        while (true) {
            int at = line.indexOf(id, from);
            if (at < 0) {
                return false;
            }
            int end = at + id.length();
            boolean before = at == 0 || !isIdChar(line.charAt(at - 1));
            boolean after = end == line.length() || !isIdChar(line.charAt(end));
            if (before && after) {
                return true;
            }
            from = at + 1;
        }
    }

    private static boolean isIdChar(char c) {
        return Character.isLetterOrDigit(c) || c == '-' || c == '_';
    }
}
