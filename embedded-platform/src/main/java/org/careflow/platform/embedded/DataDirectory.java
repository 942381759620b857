package org.careflow.platform.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where an embedded component keeps its files: the folder the caller configured (created if missing, kept on close,
 * so data survive a restart on it), or, when none is configured, a new temporary folder that the component deletes
 * on close (tests want no leftovers and no clashes between runs).
 *
 * @param path      the absolute folder
 * @param temporary whether it was created for this run and is to be deleted on close
 */
record DataDirectory(Path path, boolean temporary) {

    /**
     * Creates the folder.
     *
     * @param configured the caller's folder, or null for a temporary one
     * @param tempPrefix the temporary folder's name prefix, e.g. {@code careflow-kafka-}
     * @param what       how a failure names the folder, e.g. {@code "Kafka data directory"}
     */
    static DataDirectory prepare(Path configured, String tempPrefix, String what) {
        try {
            if (configured == null) {
                return new DataDirectory(Files.createTempDirectory(tempPrefix), true);
            }
            return new DataDirectory(Files.createDirectories(configured).toAbsolutePath(), false);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create the " + what + " " + configured, e);
        }
    }

    /** The path, so that messages and log lines name the folder (and say {@code null} before it exists). */
    @Override
    public String toString() {
        return path.toString();
    }
}
