package org.careflow.masterdata.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.careflow.masterdata.cdc.DebeziumRows.asRead;
import static org.careflow.masterdata.cdc.DebeziumRows.provider;
import static org.careflow.masterdata.cdc.DebeziumRows.providerKey;

import java.time.Instant;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericRecordBuilder;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.masterdata.cdc.InvalidMasterDataException;
import org.junit.jupiter.api.Test;

class ProviderRowsTest {

    private static final Instant AT = Instant.parse("2026-11-23T08:00:00Z");

    @Test
    void shouldMapEveryColumnWhenRowIsValid() {
        // Given a row as the deserializer returns it (Utf8 strings)
        var row = asRead(provider("dr-1", "f-1").set("appointment_types", " new-patient ,follow-up,  telephone").build());

        // When
        ProviderSchedule provider = ProviderRows.toProvider("dr-1", row, "e-1", AT);

        // Then
        assertThat(provider.getEventId()).isEqualTo("e-1");
        assertThat(provider.getOccurredAt()).isEqualTo(AT);
        assertThat(provider.getProviderId()).isEqualTo("dr-1");
        assertThat(provider.getFacilityId()).isEqualTo("f-1");
        assertThat(provider.getTimeZone()).isEqualTo("Europe/London");
        assertThat(provider.getSlotMinutes()).isEqualTo(30);
        assertThat(provider.getAppointmentTypes()).containsExactly("new-patient", "follow-up", "telephone");
        assertThat(provider.getWeeklyTemplate()).isEmpty();
        assertThat(provider.getTimeOff()).isEmpty();
        assertThat(provider.getExtraSessions()).isEmpty();
    }

    @Test
    void shouldReadTheProviderIdWhenKeyIsGiven() {
        assertThat(ProviderRows.providerId(asRead(providerKey("dr-1")))).isEqualTo("dr-1");
        assertThatThrownBy(() -> ProviderRows.providerId(providerKey("dr 1")))
            .isInstanceOf(InvalidMasterDataException.class).hasMessageContaining("provider_id must be 1-128 letters");
    }

    @Test
    void shouldNameEveryBadColumnWhenRowIsInvalid() {
        var row = provider("dr-1", "f 1").set("time_zone", "Mars/Olympus_Mons").set("slot_minutes", 4)
            .set("appointment_types", "new-patient,,follow-up,new-patient").build();

        assertThatThrownBy(() -> ProviderRows.toProvider("dr-1", row, "e-1", AT))
            .isInstanceOfSatisfying(InvalidMasterDataException.class, e -> assertThat(e.problems()).containsExactly(
                "facility_id must be 1-128 letters, digits or . _ : - starting with a letter or digit",
                "time_zone must be an IANA time-zone id such as Europe/London",
                "slot_minutes must be between 5 and 480",
                "appointment_types item 2 must be 1-128 letters, digits or . _ : - starting with a letter or digit",
                "appointment_types item 4 duplicates item 1"))
            .hasMessageStartingWith("providers row is invalid: ");
    }

    @Test
    void shouldRefuseFixedOffsetsButAcceptUtcWhenReadingTimeZone() {
        assertThatThrownBy(() -> ProviderRows.toProvider("dr-1", provider("dr-1", "f-1").set("time_zone", "Etc/GMT-2").build(), "e", AT))
            .hasMessageContaining("time_zone must be a region such as Europe/London, not a fixed offset");
        assertThatThrownBy(() -> ProviderRows.toProvider("dr-1", provider("dr-1", "f-1").set("time_zone", "+02:00").build(), "e", AT))
            .hasMessageContaining("time_zone must be a region");

        assertThat(ProviderRows.toProvider("dr-1", provider("dr-1", "f-1").set("time_zone", "UTC").build(), "e", AT).getTimeZone())
            .isEqualTo("UTC");
    }

    @Test
    void shouldAcceptSlotLengthsAtTheLimitsAndRefuseOutside() {
        assertThat(ProviderRows.toProvider("dr-1", provider("dr-1", "f-1").set("slot_minutes", 5).build(), "e", AT).getSlotMinutes()).isEqualTo(5);
        assertThat(ProviderRows.toProvider("dr-1", provider("dr-1", "f-1").set("slot_minutes", 480).build(), "e", AT).getSlotMinutes())
            .isEqualTo(480);
        assertThatThrownBy(() -> ProviderRows.toProvider("dr-1", provider("dr-1", "f-1").set("slot_minutes", 481).build(), "e", AT))
            .hasMessageContaining("slot_minutes must be between 5 and 480");
    }

    @Test
    void shouldRequireAppointmentTypesWhenColumnIsBlank() {
        assertThatThrownBy(() -> ProviderRows.toProvider("dr-1", provider("dr-1", "f-1").set("appointment_types", "  ").build(), "e", AT))
            .hasMessageContaining("appointment_types must list at least one appointment type");
        assertThatThrownBy(() -> ProviderRows.toProvider("dr-1", provider("dr-1", "f-1").set("appointment_types", "a,".repeat(51)).build(), "e", AT))
            .hasMessageContaining("appointment_types must list at most 50");
    }

    @Test
    void shouldExplainWhenAColumnIsMissingOrOfAnotherType() {
        var schema = SchemaBuilder.record("Value").namespace("masterdata.public.providers").fields()
            .requiredString("provider_id").requiredString("facility_id").requiredString("time_zone")
            .requiredLong("slot_minutes").endRecord();
        var row = new GenericRecordBuilder(schema).set("provider_id", "dr-1").set("facility_id", "f-1").set("time_zone", "UTC")
            .set("slot_minutes", 30L).build();

        assertThatThrownBy(() -> ProviderRows.toProvider("dr-1", row, "e", AT))
            .isInstanceOfSatisfying(InvalidMasterDataException.class, e -> assertThat(e.problems()).containsExactly(
                "slot_minutes is Long, expected an int: check the connector settings in streams-masterdata/README.md",
                "appointment_types is missing from the record: the connector must capture every column of the table"));
    }
}
