package org.careflow.schemas;

import java.nio.file.Path;
import java.util.Objects;
import java.util.SortedMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the release snapshot of the current event schemas to {@code released/<n>/}, one fully resolved
 * {@code <full name>.avsc} per event, from the generated classes' {@code getClassSchema()}. Run it when releasing;
 * see schemas/README.md.
 */
public final class ReleaseSnapshot {

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseSnapshot.class);

    private ReleaseSnapshot() {
    }

    /** Arguments: the release number, then optionally the released folder (default: this module's). */
    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2 || !args[0].matches("[1-9][0-9]*")) {
            throw new IllegalArgumentException("Usage: ReleaseSnapshot <release number> [released folder]");
        }
        Path root = args.length == 2 ? Path.of(args[1]) : ReleasedSchemas.defaultRoot();
        Path written = write(root, Integer.parseInt(args[0]));
        LOG.info("Wrote the release snapshot {}", written.toAbsolutePath().normalize());
    }

    /**
     * Writes release {@code release} under {@code root} and returns its folder. Only the latest release may be
     * rewritten, or the next one written: a published release never changes.
     */
    static Path write(Path root, int release) {
        Objects.requireNonNull(root, "root");
        SortedMap<Integer, Path> versions = ReleasedSchemas.versions(root);
        int latest = versions.isEmpty() ? 0 : versions.lastKey();
        if (release < Math.max(latest, 1) || release > latest + 1) {
            throw new IllegalArgumentException("Release " + release + " cannot be written: "
                + (latest == 0 ? "there is none in " + root + " yet, so write 1"
                    : "the latest in " + root + " is " + latest + ", so write " + (latest + 1)
                        + " (or rewrite " + latest + " if it was never published)"));
        }
        Path dir = root.resolve(Integer.toString(release));
        ReleasedSchemas.write(dir, EventSchemas.events().values());
        return dir;
    }
}
