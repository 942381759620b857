package org.careflow.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/**
 * Every event schema must keep reading the data its released versions wrote (BACKWARD, checked against every release,
 * since compacted topics keep old records for ever), no released event may disappear, and every event follows the
 * envelope conventions.
 */
class SchemaCompatibilityTest {

    private static final Path RELEASED = ReleasedSchemas.defaultRoot();

    /** How an event's doc names its topic and its key, e.g. "Topic triage-submissions, keyed by patientId". */
    private static final Pattern TOPIC_AND_KEY = Pattern.compile("[Tt]opic ([a-z][a-z0-9.-]*[a-z0-9]), keyed by (\\w+)");

    @Test
    void shouldReadDataOfEveryReleaseWhenEventSchemasChange() {
        // Given
        SortedMap<String, Schema> current = EventSchemas.events();
        SortedMap<Integer, Path> releases = ReleasedSchemas.versions(RELEASED);
        assertThat(releases).as("releases in %s", RELEASED).isNotEmpty();

        // When
        List<String> problems = new ArrayList<>();
        Set<String> checked = new TreeSet<>();
        releases.forEach((release, dir) -> {
            Map<String, Schema> released = ReleasedSchemas.read(dir);
            problems.addAll(BackwardCompatibility.problems(current, release, released));
            released.keySet().stream().filter(current::containsKey).forEach(checked::add);
        });

        // Then
        assertThat(checked).as("event schemas compared with a release").isNotEmpty();
        assertThat(problems)
            .as("Schemas that break BACKWARD compatibility: give new fields a default, keep removed enum symbols"
                + " or add an enum default, never change a field's type or name without an alias")
            .isEmpty();
    }

    @Test
    void shouldStillDefineEveryReleasedEventWhenEventSchemasChange() {
        // Given
        SortedMap<Integer, Path> releases = ReleasedSchemas.versions(RELEASED);
        assertThat(releases).as("releases in %s", RELEASED).isNotEmpty();
        Set<String> latestReleased = ReleasedSchemas.read(releases.get(releases.lastKey())).keySet();

        // When
        Set<String> missing = new TreeSet<>(latestReleased);
        missing.removeAll(EventSchemas.events().keySet());

        // Then
        assertThat(missing)
            .as("Events of release %s that are gone or renamed: deleting an event breaks its consumers, restore it",
                releases.lastKey())
            .isEmpty();
    }

    @Test
    void shouldCarryEnvelopeAndNameTopicAndKeyWhenSchemaIsAnEvent() {
        // Given
        SortedMap<String, Schema> events = EventSchemas.events();

        // When
        List<String> problems = new ArrayList<>();
        Map<String, String> eventByTopic = new HashMap<>();
        events.forEach((name, event) -> {
            problems.addAll(envelopeProblems(event));
            Matcher topicAndKey = TOPIC_AND_KEY.matcher(event.getDoc() == null ? "" : event.getDoc());
            String other = topicAndKey.find() ? eventByTopic.putIfAbsent(topicAndKey.group(1), name) : null;
            if (other != null) {
                problems.add(name + ": topic " + topicAndKey.group(1) + " already carries " + other
                    + "; a topic carries one event type");
            }
        });

        // Then
        assertThat(events).as("events found in the generated classes").containsKeys(
            "org.careflow.events.triage.TriageSubmission", "org.careflow.events.triage.TriageAssessment");
        assertThat(problems).as("Events that break the envelope conventions (see schemas/README.md)").isEmpty();
    }

    @Test
    void shouldPutNullFirstAndDefaultToNullWhenFieldIsOptional() {
        // Given
        SortedMap<String, Schema> records = EventSchemas.records();

        // When
        List<String> problems = new ArrayList<>();
        records.forEach((name, record) -> record.getFields().forEach(field -> {
            Schema schema = field.schema();
            boolean optional = schema.getType() == Schema.Type.UNION
                && schema.getTypes().stream().anyMatch(branch -> branch.getType() == Schema.Type.NULL);
            if (optional && (schema.getTypes().get(0).getType() != Schema.Type.NULL
                || !field.hasDefaultValue() || field.defaultVal() != JsonProperties.NULL_VALUE)) {
                problems.add(name + "." + field.name() + " is optional: declare it [\"null\", T] with default null");
            }
        }));

        // Then
        assertThat(problems).isEmpty();
    }

    @Test
    void shouldReportIncompatibilityWhenFieldWithoutDefaultIsAdded() {
        // Given
        Schema released = anyReleasedEvent();
        Schema changed = withExtraField(released,
            new Schema.Field("addedWithoutDefault", Schema.create(Schema.Type.STRING), "Cannot be read from old data."));

        // When
        List<String> problems = BackwardCompatibility.problems(Map.of(released.getFullName(), changed), 7,
            Map.of(released.getFullName(), released));

        // Then
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(changed, released).getType())
            .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
        assertThat(problems).singleElement().asString()
            .contains(released.getFullName(), "release 7", "READER_FIELD_MISSING_DEFAULT_VALUE", "addedWithoutDefault");
    }

    @Test
    void shouldReportNoProblemWhenOptionalFieldWithNullDefaultIsAdded() {
        // Given
        Schema released = anyReleasedEvent();
        Schema optionalString = Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING));
        Schema changed = withExtraField(released,
            new Schema.Field("addedOptional", optionalString, "Null in old data.", Schema.Field.NULL_DEFAULT_VALUE));

        // When
        List<String> problems = BackwardCompatibility.problems(Map.of(released.getFullName(), changed), 7,
            Map.of(released.getFullName(), released));

        // Then
        assertThat(problems).isEmpty();
    }

    private static List<String> envelopeProblems(Schema event) {
        List<String> problems = new ArrayList<>();
        String name = event.getFullName();
        List<Schema.Field> fields = event.getFields();
        if (!name.startsWith(EventSchemas.EVENTS_PACKAGE + ".")) {
            problems.add(name + ": namespace must be " + EventSchemas.EVENTS_PACKAGE + ".<area>");
        }
        if (fields.isEmpty() || !fields.get(0).name().equals("eventId")
            || fields.get(0).schema().getType() != Schema.Type.STRING) {
            problems.add(name + ": the first field must be eventId, a string");
        }
        if (fields.size() < 2 || !fields.get(1).name().equals("occurredAt")
            || !(fields.get(1).schema().getLogicalType() instanceof LogicalTypes.TimestampMillis)) {
            problems.add(name + ": the second field must be occurredAt, a timestamp-millis long");
        }
        Matcher topicAndKey = TOPIC_AND_KEY.matcher(event.getDoc() == null ? "" : event.getDoc());
        if (!topicAndKey.find()) {
            problems.add(name + ": its doc must say \"Topic <topic>, keyed by <field>\"");
        } else if (event.getField(topicAndKey.group(2)) == null) {
            problems.add(name + ": its doc says it is keyed by " + topicAndKey.group(2) + ", which is not one of its fields");
        }
        return problems;
    }

    private static Schema anyReleasedEvent() {
        SortedMap<Integer, Path> releases = ReleasedSchemas.versions(RELEASED);
        assertThat(releases).as("releases in %s", RELEASED).isNotEmpty();
        SortedMap<String, Schema> latest = ReleasedSchemas.read(releases.get(releases.lastKey()));
        assertThat(latest).as("schemas of the latest release").isNotEmpty();
        return latest.get(latest.firstKey());
    }

    private static Schema withExtraField(Schema record, Schema.Field extra) {
        List<Schema.Field> fields = new ArrayList<>();
        record.getFields().forEach(field -> fields.add(new Schema.Field(field, field.schema())));
        fields.add(extra);
        return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), record.isError(), fields);
    }
}
