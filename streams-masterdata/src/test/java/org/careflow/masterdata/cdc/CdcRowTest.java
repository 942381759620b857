package org.careflow.masterdata.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericRecordBuilder;
import org.junit.jupiter.api.Test;

class CdcRowTest {

    @Test
    void shouldSeeADeleteWhenValueIsATombstoneOrARewrittenDelete() {
        var rewritten = SchemaBuilder.record("Value").fields().requiredString("provider_id").optionalString("__deleted").endRecord();

        assertThat(CdcRow.isDelete(null)).isTrue();
        assertThat(CdcRow.isDelete(new GenericRecordBuilder(rewritten).set("provider_id", "dr-1").set("__deleted", "true").build())).isTrue();
        assertThat(CdcRow.isDelete(new GenericRecordBuilder(rewritten).set("provider_id", "dr-1").set("__deleted", "false").build())).isFalse();
        assertThat(CdcRow.isDelete(DebeziumRows.provider("dr-1", "f-1").build())).isFalse();
    }

    @Test
    void shouldReadEachTimeEncodingWhenColumnIsATime() {
        var schema = SchemaBuilder.record("Value").fields()
            .requiredInt("millis").requiredLong("micros")
            .name("nanos").type(SchemaBuilder.builder().longBuilder().prop("connect.name", "io.debezium.time.NanoTime").endLong()).noDefault()
            .endRecord();
        var row = new CdcRow("row", new GenericRecordBuilder(schema).set("millis", 34_200_000).set("micros", 34_200_000_000L)
            .set("nanos", 34_200_000_000_000L).build());

        assertThat(row.time("millis")).hasToString("09:30");
        assertThat(row.time("micros")).hasToString("09:30");
        assertThat(row.time("nanos")).hasToString("09:30");
        assertThat(row.valid()).isTrue();
    }
}
