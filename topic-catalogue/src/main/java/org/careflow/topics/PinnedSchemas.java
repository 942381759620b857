package org.careflow.topics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * The pinned versions of the schemas of careflow's internal values ({@link PinnedAvroSerde}): resources
 * {@code pinned-schemas/<full name>.v<N>.avsc}, version 1 up. The newest must equal the compiled class's schema: a
 * schema changed without a new pinned version would write values that the pinned versions cannot read back, so the
 * serde refuses to start instead. To change one: keep its files, add the next version ({@code StateSchemasTest} with
 * {@code -Dcareflow.updatePins=true} writes it), and keep the change compatible under Avro's schema resolution.
 */
public final class PinnedSchemas {

    /** Where the pinned schemas are, on the class path. */
    public static final String DIRECTORY = "pinned-schemas/";

    private PinnedSchemas() {
    }

    /** The file name of version {@code version} of {@code schema}. */
    public static String fileName(Schema schema, int version) {
        return schema.getFullName() + ".v" + version + ".avsc";
    }

    /** Every pinned version of {@code current}'s schema, oldest first; the newest is {@code current} itself. */
    static List<Schema> versions(Schema current) {
        List<Schema> versions = new ArrayList<>();
        for (int v = 1; ; v++) {
            Schema pinned = read(fileName(current, v));
            if (pinned == null) {
                break;
            }
            versions.add(pinned);
        }
        if (versions.isEmpty()) {
            throw new IllegalStateException("No pinned schema for " + current.getFullName() + ": add " + DIRECTORY
                + fileName(current, 1) + " (StateSchemasTest with -Dcareflow.updatePins=true writes it)");
        }
        Schema newest = versions.get(versions.size() - 1);
        if (SchemaNormalization.parsingFingerprint64(newest) != SchemaNormalization.parsingFingerprint64(current)) {
            throw new IllegalStateException("The schema of " + current.getFullName() + " differs from its newest pinned version "
                + versions.size() + ": pin it as version " + (versions.size() + 1) + " (StateSchemasTest with "
                + "-Dcareflow.updatePins=true), keeping the older versions so that stored values stay readable");
        }
        return versions;
    }

    private static Schema read(String fileName) {
        try (InputStream in = PinnedSchemas.class.getClassLoader().getResourceAsStream(DIRECTORY + fileName)) {
            return in == null ? null : new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the pinned schema " + fileName, e);
        }
    }
}
