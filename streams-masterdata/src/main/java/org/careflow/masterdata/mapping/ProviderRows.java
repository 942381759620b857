package org.careflow.masterdata.mapping;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.generic.GenericRecord;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.masterdata.cdc.CdcRow;

/**
 * Rows of the {@code providers} table: {@code provider_id} (the key), {@code facility_id}, {@code display_name} (not
 * carried: schedules have no name), {@code time_zone}, {@code slot_minutes} and {@code appointment_types} (comma-separated).
 * A row becomes a {@link ProviderSchedule} without sessions, checked by the ingest API's rules for those fields; its
 * sessions come from other rows and are added by {@link Schedules#assemble}.
 */
public final class ProviderRows {

    public static final String TABLE = "providers";
    public static final String PROVIDER_ID = "provider_id";
    public static final String FACILITY_ID = "facility_id";
    public static final String TIME_ZONE = "time_zone";
    public static final String SLOT_MINUTES = "slot_minutes";
    public static final String APPOINTMENT_TYPES = "appointment_types";

    /** As the ingest API's ProviderScheduleParser. */
    public static final int MIN_SLOT_MINUTES = 5;
    public static final int MAX_SLOT_MINUTES = 480;
    public static final int MAX_APPOINTMENT_TYPES = 50;

    private ProviderRows() {
    }

    /** The provider id of a change key {provider_id}; throws naming the problem when it is no careflow id. */
    public static String providerId(GenericRecord key) {
        CdcRow row = new CdcRow(TABLE + " key", Objects.requireNonNull(key, "key"));
        String id = Rules.id(row, PROVIDER_ID, row.keyText(PROVIDER_ID));
        row.throwIfInvalid();
        return id;
    }

    /**
     * The provider of {@code providerId} as a schedule with no sessions, or an {@link org.careflow.masterdata.cdc.InvalidMasterDataException}
     * naming every bad column.
     */
    public static ProviderSchedule toProvider(String providerId, GenericRecord value, String eventId, Instant changedAt) {
        Objects.requireNonNull(providerId, "providerId");
        CdcRow row = new CdcRow(TABLE + " row", Objects.requireNonNull(value, "value"));
        String facilityId = Rules.id(row, FACILITY_ID, row.text(FACILITY_ID, true));
        String timeZone = Rules.timeZone(row, TIME_ZONE, row.text(TIME_ZONE, true));
        Integer slotMinutes = row.integer(SLOT_MINUTES);
        if (slotMinutes != null && (slotMinutes < MIN_SLOT_MINUTES || slotMinutes > MAX_SLOT_MINUTES)) {
            row.problem(SLOT_MINUTES, "must be between " + MIN_SLOT_MINUTES + " and " + MAX_SLOT_MINUTES);
        }
        List<String> types = appointmentTypes(row, row.exactText(APPOINTMENT_TYPES, false));
        row.throwIfInvalid();
        return ProviderSchedule.newBuilder()
            .setEventId(eventId)
            .setOccurredAt(changedAt)
            .setProviderId(providerId)
            .setFacilityId(facilityId)
            .setTimeZone(timeZone)
            .setSlotMinutes(slotMinutes)
            .setAppointmentTypes(types)
            .setWeeklyTemplate(List.of())
            .setTimeOff(List.of())
            .setExtraSessions(List.of())
            .build();
    }

    /** Comma-separated codes, each trimmed; every item must be an id (so {@code a,,b} is refused), none twice, 1 to 50. */
    private static List<String> appointmentTypes(CdcRow row, String text) {
        if (text == null) {
            if (row.isNull(APPOINTMENT_TYPES)) {
                row.problem(APPOINTMENT_TYPES, "is required: list the appointment types the provider offers, separated by commas");
            }
            return List.of();
        }
        if (text.isBlank()) {
            row.problem(APPOINTMENT_TYPES, "must list at least one appointment type");
            return List.of();
        }
        String[] items = text.split(",", -1);
        if (items.length > MAX_APPOINTMENT_TYPES) {
            row.problem(APPOINTMENT_TYPES, "must list at most " + MAX_APPOINTMENT_TYPES + " appointment types");
            return List.of();
        }
        List<String> types = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < items.length; i++) {
            String item = items[i].strip();
            if (!Rules.isId(item)) {
                row.problem(APPOINTMENT_TYPES, "item " + (i + 1) + " " + Rules.ID_MESSAGE);
            } else if (seen.putIfAbsent(item, i) != null) {
                row.problem(APPOINTMENT_TYPES, "item " + (i + 1) + " duplicates item " + (seen.get(item) + 1));
            } else {
                types.add(item);
            }
        }
        return types;
    }
}
