package org.careflow.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.careflow.events.notifications.InboundMessage;
import org.careflow.events.notifications.PatientContact;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.scheduling.SchedulingDecision;
import org.careflow.events.scheduling.WeeklySession;
import org.careflow.events.triage.TriageAssessment;
import org.junit.jupiter.api.Test;

/**
 * Every schema careflow keeps in its own stores and repartition topics is pinned ({@link PinnedSchemas}): the state
 * records of the schemas module and the events an app stores as they are. A change fails here, and the apps refuse to
 * start with it, until it is pinned as a new version ({@code -Dcareflow.updatePins=true}), the old versions kept.
 */
class StateSchemasTest {

    private static final Path STATE_SCHEMAS = Path.of("../schemas/src/main/avro/state");
    private static final Path PINNED = Path.of("src/main/resources").resolve(PinnedSchemas.DIRECTORY);
    /** Events kept as they are in a store or a repartition topic. */
    private static final List<Class<?>> STORED_EVENTS = List.of(TriageAssessment.class, PatientContact.class,
        ProviderSchedule.class, SchedulingDecision.class, WeeklySession.class, BookingOutcome.class, InboundMessage.class,
        org.careflow.events.security.DataAccessAudit.class);

    @Test
    void shouldPinEveryStoredSchemaAsItsNewestVersion() throws Exception {
        List<Schema> stored = storedSchemas();
        assertThat(stored).as("state schemas found").hasSizeGreaterThan(STORED_EVENTS.size());
        for (Schema schema : stored) {
            if (Boolean.getBoolean("careflow.updatePins")) {
                pin(schema);
            }
            int newest = newestVersion(schema);
            assertThat(newest).as("%s is pinned", schema.getFullName()).isPositive();
            Schema pinned = new Schema.Parser().parse(Files.readString(PINNED.resolve(PinnedSchemas.fileName(schema, newest))));
            assertThat(SchemaNormalization.parsingFingerprint64(pinned))
                .as("%s: its newest pinned version, %d, is what careflow compiles; if the change is deliberate, rerun "
                    + "with -Dcareflow.updatePins=true and commit the new version", schema.getFullName(), newest)
                .isEqualTo(SchemaNormalization.parsingFingerprint64(schema));
        }
    }

    @Test
    void shouldFindThePinnedVersionsOnTheClassPath() {
        Schema stats = SpecificData.get().getSchema(org.careflow.state.triage.FacilityHourStats.class);

        assertThat(PinnedSchemas.versions(stats)).hasSize(newestVersion(stats));
    }

    private static int newestVersion(Schema schema) {
        int version = 0;
        while (Files.exists(PINNED.resolve(PinnedSchemas.fileName(schema, version + 1)))) {
            version++;
        }
        return version;
    }

    private static List<Schema> storedSchemas() throws IOException, ClassNotFoundException {
        List<Schema> schemas = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> files = Files.list(STATE_SCHEMAS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList()) {
                JsonNode parsed = json.readTree(file.toFile());
                // A file may hold a union of several records; each top-level record is a stored value.
                for (JsonNode record : parsed.isArray() ? parsed : List.of(parsed)) {
                    String name = record.path("namespace").asText() + "." + record.path("name").asText();
                    schemas.add(SpecificData.get().getSchema(Class.forName(name)));
                }
            }
        }
        for (Class<?> event : STORED_EVENTS) {
            schemas.add(SpecificData.get().getSchema(event));
        }
        return schemas;
    }

    /** Writes the schema as its next version unless its newest pinned version already equals it. */
    private static void pin(Schema schema) throws IOException {
        Files.createDirectories(PINNED);
        int version = 1;
        while (Files.exists(PINNED.resolve(PinnedSchemas.fileName(schema, version)))) {
            version++;
        }
        if (version > 1) {
            Schema newest = new Schema.Parser().parse(Files.readString(PINNED.resolve(PinnedSchemas.fileName(schema, version - 1))));
            if (SchemaNormalization.parsingFingerprint64(newest) == SchemaNormalization.parsingFingerprint64(schema)) {
                return;
            }
        }
        Files.writeString(PINNED.resolve(PinnedSchemas.fileName(schema, version)), schema.toString(true) + "\n");
    }
}
