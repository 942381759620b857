package org.careflow.schemas;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * BACKWARD compatibility as a schema registry checks it: the current schema, as reader, must read every record a
 * released schema of the same name wrote.
 */
final class BackwardCompatibility {

    private BackwardCompatibility() {
    }

    /**
     * One message per current schema that cannot read data of its released version, naming the schema, the release
     * and every incompatibility; empty when all can. Schemas new since the release are not checked.
     */
    static List<String> problems(Map<String, Schema> current, int release, Map<String, Schema> released) {
        List<String> problems = new ArrayList<>();
        released.forEach((name, writer) -> {
            Schema reader = current.get(name);
            if (reader == null) {
                return;
            }
            SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
            if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
                problems.add(name + " cannot read data written with its release " + release + " schema: "
                    + describe(result));
            }
        });
        return problems;
    }

    private static String describe(SchemaPairCompatibility result) {
        return result.getResult().getIncompatibilities().stream()
            .map(incompatibility -> incompatibility.getType() + " at " + incompatibility.getLocation() + " ("
                + incompatibility.getMessage() + ")")
            .collect(Collectors.joining("; "));
    }
}
