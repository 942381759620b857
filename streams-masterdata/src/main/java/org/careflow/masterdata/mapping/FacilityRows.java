package org.careflow.masterdata.mapping;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.avro.generic.GenericRecord;
import org.careflow.events.facilities.Facility;
import org.careflow.events.facilities.OnCallContact;
import org.careflow.events.notifications.Channel;
import org.careflow.masterdata.cdc.CdcRow;
import org.careflow.topics.OnCallWebhookRule;

/**
 * Rows of the {@code facilities} table: {@code facility_id} (the key), {@code name}, {@code active},
 * {@code accepts_self_triage}, {@code time_zone}, {@code oncall_webhook_url} and {@code oncall_email}. A row becomes the
 * {@link Facility} the ingest API's {@code PUT /v1/facilities/{facilityId}} would write, checked by the same rules: the
 * webhook must pass the {@link OnCallWebhookRule} (https, a public host, unless allow-listed), or the row is refused.
 */
public final class FacilityRows {

    public static final String TABLE = "facilities";
    public static final String FACILITY_ID = "facility_id";
    public static final String NAME = "name";
    public static final String ACTIVE = "active";
    public static final String ACCEPTS_SELF_TRIAGE = "accepts_self_triage";
    public static final String TIME_ZONE = "time_zone";
    public static final String ONCALL_WEBHOOK_URL = "oncall_webhook_url";
    public static final String ONCALL_EMAIL = "oncall_email";

    /** The ingest API's limits ({@code FacilityParser}). */
    public static final int MAX_NAME_LENGTH = 200;
    public static final int MAX_ADDRESS_LENGTH = 2048;

    private FacilityRows() {
    }

    /** The facility id of a change key {facility_id}; throws naming the problem when it is no careflow id. */
    public static String facilityId(GenericRecord key) {
        CdcRow row = new CdcRow(TABLE + " key", Objects.requireNonNull(key, "key"));
        String id = Rules.id(row, FACILITY_ID, row.keyText(FACILITY_ID));
        row.throwIfInvalid();
        return id;
    }

    /**
     * The facility {@code facilityId} in row {@code value}, as event {@code eventId} written at {@code occurredAt}, or an
     * {@link org.careflow.masterdata.cdc.InvalidMasterDataException} naming every bad column (never its value).
     */
    public static Facility toFacility(String facilityId, GenericRecord value, String eventId, Instant occurredAt,
                                      OnCallWebhookRule webhooks) {
        Objects.requireNonNull(facilityId, "facilityId");
        Objects.requireNonNull(webhooks, "webhooks");
        CdcRow row = new CdcRow(TABLE + " row", Objects.requireNonNull(value, "value"));
        String name = row.text(NAME, true);
        if (name != null && (name.isBlank() || name.length() > MAX_NAME_LENGTH)) {
            row.problem(NAME, "must be 1-" + MAX_NAME_LENGTH + " characters");
        }
        Boolean active = row.bool(ACTIVE);
        Boolean selfTriage = row.bool(ACCEPTS_SELF_TRIAGE);
        String timeZone = Rules.timeZone(row, TIME_ZONE, blankToNull(row.text(TIME_ZONE, false)));
        List<OnCallContact> contacts = new ArrayList<>();
        String webhook = blankToNull(row.exactText(ONCALL_WEBHOOK_URL, false));
        if (webhook != null) {
            var refused = webhook.length() > MAX_ADDRESS_LENGTH ? java.util.Optional.of("must be at most " + MAX_ADDRESS_LENGTH
                + " characters") : webhooks.checkUrl(webhook);
            if (refused.isPresent()) {
                row.problem(ONCALL_WEBHOOK_URL, refused.get());
            } else {
                contacts.add(OnCallContact.newBuilder().setChannel(Channel.WEBHOOK).setAddress(webhook).build());
            }
        }
        String email = Rules.email(row, ONCALL_EMAIL, blankToNull(row.text(ONCALL_EMAIL, false)));
        if (email != null) {
            contacts.add(OnCallContact.newBuilder().setChannel(Channel.EMAIL).setAddress(email).build());
        }
        row.throwIfInvalid();
        return Facility.newBuilder()
            .setEventId(eventId)
            .setOccurredAt(occurredAt)
            .setFacilityId(facilityId)
            .setName(name)
            .setActive(active)
            .setAcceptsSelfTriage(selfTriage)
            .setTimeZone(timeZone)
            .setOnCallContacts(contacts)
            .build();
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
