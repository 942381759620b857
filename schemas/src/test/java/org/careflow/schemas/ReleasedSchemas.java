package org.careflow.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParser;

/**
 * The released schemas: {@code released/<n>/<full name>.avsc}, one fully resolved schema per event, as each release
 * published them.
 */
final class ReleasedSchemas {

    static final String SUFFIX = ".avsc";

    private ReleasedSchemas() {
    }

    /** The {@code released} folder of the schemas module, found from where this class was compiled to. */
    static Path defaultRoot() {
        try {
            Path testClasses = Path.of(ReleasedSchemas.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // <module>/target/test-classes
            return testClasses.getParent().getParent().resolve("released");
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot locate the schemas module", e);
        }
    }

    /** Every release under {@code root}, by number, oldest first. */
    static SortedMap<Integer, Path> versions(Path root) {
        SortedMap<Integer, Path> versions = new TreeMap<>();
        if (!Files.isDirectory(root)) {
            return versions;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.filter(Files::isDirectory)
                .filter(dir -> dir.getFileName().toString().matches("[1-9][0-9]*"))
                .forEach(dir -> versions.put(Integer.parseInt(dir.getFileName().toString()), dir));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list releases in " + root, e);
        }
        return versions;
    }

    /** The schemas of one release, by full name; each file must be named after the schema it holds. */
    static SortedMap<String, Schema> read(Path releaseDir) {
        SortedMap<String, Schema> schemas = new TreeMap<>();
        for (Path file : schemaFiles(releaseDir)) {
            Schema schema = parse(file);
            String expected = schema.getFullName() + SUFFIX;
            if (!file.getFileName().toString().equals(expected)) {
                throw new IllegalStateException(file + " holds " + schema.getFullName() + ": rename it to " + expected);
            }
            schemas.put(schema.getFullName(), schema);
        }
        return Collections.unmodifiableSortedMap(schemas);
    }

    /** Makes {@code releaseDir} hold exactly {@code schemas}, one pretty-printed file each. */
    static void write(Path releaseDir, Collection<Schema> schemas) {
        Objects.requireNonNull(releaseDir, "releaseDir");
        try {
            Files.createDirectories(releaseDir);
            for (Path stale : schemaFiles(releaseDir)) {
                Files.delete(stale);
            }
            for (Schema schema : schemas) {
                Files.writeString(releaseDir.resolve(schema.getFullName() + SUFFIX), schema.toString(true) + "\n",
                    StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the release snapshot " + releaseDir, e);
        }
    }

    private static List<Path> schemaFiles(Path releaseDir) {
        try (Stream<Path> files = Files.list(releaseDir)) {
            return files.filter(file -> file.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the schemas of release " + releaseDir, e);
        }
    }

    private static Schema parse(Path file) {
        try {
            // One parser per file: each file defines its nested types again.
            return new SchemaParser().parse(file).mainSchema();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read released schema " + file, e);
        }
    }
}
