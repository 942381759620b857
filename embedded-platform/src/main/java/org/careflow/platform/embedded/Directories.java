package org.careflow.platform.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deleting the directories embedded components, the launcher and the harnesses work in: one walk, deepest first. */
public final class Directories {

    private static final Logger LOG = LoggerFactory.getLogger(Directories.class);

    private Directories() {
    }

    /** Deletes {@code directory} and everything in it, if it exists; fails naming the path that could not be deleted. */
    public static void delete(Path directory) {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot delete " + path, e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + directory, e);
        }
    }

    /**
     * Deletes like {@link #delete(Path)} but only logs a failure: for tidying up on close, where a leftover temporary
     * directory must not hide how the run itself ended.
     */
    public static void deleteQuietly(Path directory) {
        try {
            delete(directory);
        } catch (UncheckedIOException e) {
            LOG.warn("Could not delete {}: {}", directory, e.getMessage(), e);
        }
    }
}
