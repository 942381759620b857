package org.careflow.platform.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildJvmTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    /** What the child runs: prints its arguments, then ends at once, or with "wait" first, waits until it is stopped. */
    public static final class Echo {
        public static void main(String[] args) throws InterruptedException, IOException {
            System.out.println("echo " + String.join(" ", args));
            System.out.flush();
            if (args.length > 0 && args[0].equals("wait")) {
                new CountDownLatch(1).await();
            }
            if (args.length > 0 && args[0].equals("read")) {
                java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    System.out.println("got " + line);
                    System.out.flush();
                }
            }
        }
    }

    @Test
    void shouldRunTheMainClassWithItsArgumentsAndAppendEachStartWhenAsked(@TempDir Path dir) throws Exception {
        // Given
        Path log = dir.resolve("logs/echo.log");
        ChildJvm child = ChildJvm.builder("echo", Echo.class.getName()).jvmOptions(List.of("-Xmx32m")).args(List.of("once", "more"))
            .logFile(log).appendLog(true).build();

        // When: started twice, each run ending by itself
        try (child) {
            child.start();
            Await.until("the first run to end", DEADLINE, () -> !child.isAlive());
            child.start();
            Await.until("the second run to end", DEADLINE, () -> !child.isAlive());

            // Then: both runs' output, in the log file the builder named, and the ended child is reported with its log
            assertThat(Files.readAllLines(log)).containsExactly("echo once more", "echo once more");
            assertThatThrownBy(child::requireAlive).hasMessageContaining("echo is not running (exit status 0)")
                .hasMessageContaining(log.toAbsolutePath().toString());
        }
    }

    @Test
    void shouldGiveTheChildEachLineSentToItsStandardInputWhenSent(@TempDir Path dir) throws Exception {
        // Given a child reading commands from its standard input
        Path log = dir.resolve("reader.log");
        try (ChildJvm child = ChildJvm.builder("reader", Echo.class.getName()).args(List.of("read")).logFile(log).build().start()) {
            // When two lines are sent
            child.send("start round-1");
            child.send("stop");

            // Then it read both, in order
            Await.until("the child to read both lines", DEADLINE, () -> logContains(log, "got stop"));
            assertThat(Files.readAllLines(log)).containsSubsequence("got start round-1", "got stop");
        }
    }

    @Test
    void shouldStopTheChildWhenClosed(@TempDir Path dir) throws Exception {
        // Given: a child that would run for minutes
        ChildJvm child = ChildJvm.builder("waiter", Echo.class.getName()).args(List.of("wait")).logFile(dir.resolve("waiter.log")).build()
            .start();
        Await.until("the child to print", DEADLINE, () -> logContains(dir.resolve("waiter.log"), "echo wait"));
        long pid = child.pid();

        // When
        child.close();

        // Then
        assertThat(child.isAlive()).isFalse();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    private static boolean logContains(Path log, String text) {
        try {
            return Files.exists(log) && Files.readString(log).contains(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
