package org.careflow.platform.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class LogTailTest {

    @TempDir
    Path root;

    @Test
    void shouldKeepTheLastLinesWhenTheLogIsLonger() throws IOException {
        Path log = Files.writeString(root.resolve("server.log"),
                IntStream.rangeClosed(1, 100).mapToObj(i -> "line " + i).collect(Collectors.joining("\n", "", "\n")));

        assertThat(LogTail.of(log, 3)).isEqualTo("line 98\nline 99\nline 100");
    }

    @Test
    void shouldKeepEveryLineWhenTheLogIsShorter() throws IOException {
        Path log = Files.writeString(root.resolve("server.log"), "only\nlines\n");

        assertThat(LogTail.of(log, 30)).isEqualTo("only\nlines");
    }

    @Test
    void shouldSaySoWhenTheLogCannotBeRead() {
        Path missing = root.resolve("missing.log");

        assertThat(LogTail.of(missing, 30)).startsWith("(could not read " + missing);
    }
}
