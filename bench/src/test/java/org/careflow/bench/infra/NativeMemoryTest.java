package org.careflow.bench.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.careflow.platform.embedded.Await;
import org.careflow.platform.embedded.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeMemoryTest {

    private static final String SUMMARY = """
        13744:

        Native Memory Tracking:

        (Omitting categories weighting less than 1KB)

        Total: reserved=7845433KB, committed=487649KB
               malloc: 13041KB #61207
               mmap:   reserved=7832392KB, committed=474608KB

        -                 Java Heap (reserved=6172672KB, committed=397312KB)
                                    (mmap: reserved=6172672KB, committed=397312KB)\s

        -                     Class (reserved=1048785KB, committed=1361KB)
                                    (classes #2498)
                                    (  Metadata:   )
                                    (    reserved=65536KB, committed=7936KB)

        -                    Thread (reserved=19506KB, committed=890KB)
                                    (thread #19)

        -    Native Memory Tracking (reserved=970KB, committed=970KB)
                                    (tracking overhead=956KB)
        """;

    @Test
    void shouldReadTheTotalAndEveryCategoryCommitted() {
        NativeMemory memory = NativeMemory.parse(SUMMARY).orElseThrow();

        assertThat(memory.totalCommittedKiB()).isEqualTo(487_649);
        assertThat(memory.committedKiB()).containsExactly(
            entry("Java Heap", 397_312L), entry("Class", 1_361L), entry("Thread", 890L), entry("Native Memory Tracking", 970L));
        assertThat(memory.committed("Code")).as("a category the summary left out").isZero();
    }

    @Test
    void shouldFindNothingWhereTrackingIsOff() {
        assertThat(NativeMemory.parse("13744:\nNative memory tracking is not enabled\n")).isEmpty();
    }

    @Test
    void shouldReadTheSummaryOfARunningJvm(@TempDir Path dir) throws IOException {
        try (ChildJvm child = ChildJvm.builder("sleeper", Sleeper.class.getName())
                 .jvmOptions(List.of(NativeMemory.JVM_OPTION, "-Xmx64m")).logFile(dir.resolve("sleeper.log")).build().start()) {
            NativeMemory memory = Await.value("the child's NMT summary", Duration.ofSeconds(30), () -> NativeMemory.of(child.pid()).orElse(null));
            assertThat(memory.committed("Java Heap")).isPositive().isLessThanOrEqualTo(64 * 1024);
            assertThat(memory.totalCommittedKiB()).isGreaterThan(memory.committed("Java Heap"));
        }
        assertThat(Files.readString(dir.resolve("sleeper.log"))).doesNotContain("Exception");
    }

    /** A JVM that stays up until it is stopped. */
    public static final class Sleeper {
        public static void main(String[] args) throws InterruptedException {
            Thread.sleep(Duration.ofMinutes(5));
        }
    }
}
