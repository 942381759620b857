package org.careflow.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * The event schemas careflow currently defines, found by scanning the generated classes so that a new schema cannot be
 * missed. An event is a generated record that no other record contains: VitalSigns, say, is contained in
 * TriageSubmission and is checked as part of it.
 */
final class EventSchemas {

    static final String EVENTS_PACKAGE = "org.careflow.events";

    private static final String PACKAGE_PATH = EVENTS_PACKAGE.replace('.', '/');

    private EventSchemas() {
    }

    /** The current top-level event schemas, by full name. */
    static SortedMap<String, Schema> events() {
        return events(records().values());
    }

    /** The events among {@code records}: those that no other of them contains. */
    static SortedMap<String, Schema> events(Collection<Schema> records) {
        Set<String> contained = new HashSet<>();
        for (Schema record : records) {
            contained.addAll(namedTypesWithin(record));
        }
        SortedMap<String, Schema> events = new TreeMap<>();
        for (Schema record : records) {
            if (!contained.contains(record.getFullName())) {
                events.put(record.getFullName(), record);
            }
        }
        return Collections.unmodifiableSortedMap(events);
    }

    /** Every generated record schema in {@value #EVENTS_PACKAGE}, by full name. */
    static SortedMap<String, Schema> records() {
        ClassLoader loader = EventSchemas.class.getClassLoader();
        SortedMap<String, Schema> records = new TreeMap<>();
        for (String className : classNames(loader)) {
            Class<?> type = load(className, loader);
            if (SpecificRecord.class.isAssignableFrom(type)) {
                Schema schema = classSchema(type);
                records.put(schema.getFullName(), schema);
            }
        }
        if (records.isEmpty()) {
            throw new IllegalStateException("No generated record classes found in " + EVENTS_PACKAGE
                + ": run generate-sources and compile first");
        }
        return Collections.unmodifiableSortedMap(records);
    }

    /** The full names of the named types a record's fields use, at any depth, other than the record itself. */
    static Set<String> namedTypesWithin(Schema record) {
        Set<String> names = new HashSet<>();
        for (Schema.Field field : record.getFields()) {
            collectNamedTypes(field.schema(), names);
        }
        names.remove(record.getFullName());
        return names;
    }

    private static void collectNamedTypes(Schema schema, Set<String> names) {
        switch (schema.getType()) {
            case RECORD -> {
                if (names.add(schema.getFullName())) {
                    schema.getFields().forEach(field -> collectNamedTypes(field.schema(), names));
                }
            }
            case ENUM, FIXED -> names.add(schema.getFullName());
            case ARRAY -> collectNamedTypes(schema.getElementType(), names);
            case MAP -> collectNamedTypes(schema.getValueType(), names);
            case UNION -> schema.getTypes().forEach(branch -> collectNamedTypes(branch, names));
            default -> {
                // primitive: nothing named
            }
        }
    }

    private static Set<String> classNames(ClassLoader loader) {
        Set<String> names = new TreeSet<>();
        try {
            for (URL packageUrl : Collections.list(loader.getResources(PACKAGE_PATH))) {
                switch (packageUrl.getProtocol()) {
                    case "file" -> {
                        Path packageDir = Path.of(packageUrl.toURI());
                        names.addAll(classNames(classpathRootOf(packageDir), packageDir));
                    }
                    case "jar" -> {
                        String jar = packageUrl.getPath().substring(0, packageUrl.getPath().indexOf("!/"));
                        try (FileSystem fs = FileSystems.newFileSystem(Path.of(URI.create(jar)), Map.of())) {
                            names.addAll(classNames(fs.getPath("/"), fs.getPath("/" + PACKAGE_PATH)));
                        }
                    }
                    default -> throw new IllegalStateException("Cannot scan " + packageUrl + " for event classes");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot scan the classpath for " + EVENTS_PACKAGE, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot scan the classpath for " + EVENTS_PACKAGE, e);
        }
        return names;
    }

    private static Path classpathRootOf(Path packageDir) {
        Path root = packageDir;
        for (String ignored : PACKAGE_PATH.split("/")) {
            root = root.getParent();
        }
        return root;
    }

    /** Names of the top-level classes under {@code packageDir}; nested classes (builders) are left out. */
    private static List<String> classNames(Path classpathRoot, Path packageDir) throws IOException {
        try (Stream<Path> files = Files.walk(packageDir)) {
            return files
                .filter(file -> file.getFileName().toString().endsWith(".class"))
                .filter(file -> !file.getFileName().toString().contains("$"))
                .map(file -> {
                    List<String> parts = new ArrayList<>();
                    classpathRoot.relativize(file).forEach(part -> parts.add(part.toString()));
                    String name = String.join(".", parts);
                    return name.substring(0, name.length() - ".class".length());
                })
                .toList();
        }
    }

    private static Class<?> load(String className, ClassLoader loader) {
        try {
            return Class.forName(className, false, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("Cannot load generated class " + className, e);
        }
    }

    private static Schema classSchema(Class<?> type) {
        try {
            return (Schema) type.getMethod("getClassSchema").invoke(null);
        } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("Cannot read the schema of generated class " + type.getName(), e);
        }
    }
}
