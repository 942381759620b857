package org.careflow.forms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.careflow.forms.FormJson.chestPain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.careflow.events.triage.FormDefinition;
import org.junit.jupiter.api.Test;

class FormDefinitionsTest {

    private final FormDefinitionParser monday = new FormDefinitionParser(Clock.fixed(Instant.parse("2026-11-23T09:00:00Z"), ZoneOffset.UTC));
    private final FormDefinitionParser tuesday = new FormDefinitionParser(Clock.fixed(Instant.parse("2026-11-24T09:00:00Z"), ZoneOffset.UTC));

    @Test
    void shouldBeSameWhenOnlyEventIdAndTimeDiffer() {
        assertThat(FormDefinitions.sameContent(monday.parse("chest-pain", chestPain()), tuesday.parse("chest-pain", chestPain()))).isTrue();
    }

    @Test
    void shouldBeSameWhenOneCameBackThroughAvro() throws Exception {
        // Given a form as a consumer reads it: Avro's own list types
        FormDefinition sent = monday.parse("chest-pain", chestPain());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        var encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new SpecificDatumWriter<>(FormDefinition.class).write(sent, encoder);
        encoder.flush();
        FormDefinition read = new SpecificDatumReader<>(FormDefinition.class)
            .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));

        // When / Then
        assertThat(FormDefinitions.sameContent(read, tuesday.parse("chest-pain", chestPain()))).isTrue();
    }

    @Test
    void shouldDifferWhenARuleChanges() {
        ObjectNode changed = chestPain();
        ((ObjectNode) changed.get("scoringRules").get(0)).put("points", 3);

        assertThat(FormDefinitions.sameContent(monday.parse("chest-pain", chestPain()), monday.parse("chest-pain", changed))).isFalse();
    }

    @Test
    void shouldDifferWhenTitleFacilityQuestionOrRedFlagChanges() {
        FormDefinition base = monday.parse("chest-pain", chestPain());
        ObjectNode title = chestPain().put("title", "Other");
        ObjectNode facility = chestPain();
        facility.remove("facilityId");
        ObjectNode question = chestPain();
        ((ObjectNode) question.get("questions").get(0)).put("required", false);
        ObjectNode flag = chestPain();
        ((ObjectNode) flag.get("redFlags").get(0)).put("description", "Other");

        assertThat(FormDefinitions.sameContent(base, monday.parse("chest-pain", title))).isFalse();
        assertThat(FormDefinitions.sameContent(base, monday.parse("chest-pain", facility))).isFalse();
        assertThat(FormDefinitions.sameContent(base, monday.parse("chest-pain", question))).isFalse();
        assertThat(FormDefinitions.sameContent(base, monday.parse("chest-pain", flag))).isFalse();
    }

    @Test
    void shouldDifferWhenFormIdOrVersionDiffers() {
        FormDefinition base = monday.parse("chest-pain", chestPain());

        assertThat(FormDefinitions.sameContent(base, monday.parse("chest-pain-2", chestPain()))).isFalse();
        assertThat(FormDefinitions.sameContent(base, monday.parse("chest-pain", chestPain().put("version", 3)))).isFalse();
    }
}
