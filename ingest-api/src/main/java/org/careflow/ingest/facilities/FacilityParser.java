package org.careflow.ingest.facilities;

import org.careflow.validation.FieldError;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.careflow.events.facilities.Facility;
import org.careflow.events.facilities.OnCallContact;
import org.careflow.events.notifications.Channel;
import org.careflow.validation.JsonReader;
import org.careflow.http.Problem;
import org.careflow.http.ProblemException;
import org.careflow.rules.TimeZoneRule;
import org.careflow.topics.OnCallWebhookRule;

/**
 * Turns {@code PUT /v1/facilities/{facilityId}} into a {@link Facility}: the whole record, replacing the previous one.
 * A body that does not parse or breaks a format rule is 400 naming every bad field; an on-call webhook the
 * {@link OnCallWebhookRule} refuses (plain http, loopback, private, link-local, metadata) is 422 naming each one.
 */
public final class FacilityParser {

    public static final int MAX_NAME_LENGTH = 200;
    public static final int MAX_CONTACTS = 20;
    public static final int MAX_ADDRESS_LENGTH = 2048;
    /** Problem type of an on-call address careflow must not send alerts to. */
    public static final String UNSAFE_WEBHOOK_TYPE = "https://careflow.org/problems/unsafe-oncall-webhook";

    private static final List<String> FIELDS = List.of("name", "active", "acceptsSelfTriage", "timeZone", "onCallContacts");
    private static final List<String> CONTACT_FIELDS = List.of("channel", "address", "label");
    private static final List<Channel> ONCALL_CHANNELS = List.of(Channel.WEBHOOK, Channel.EMAIL);
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s.]+(\\.[^@\\s.]+)+");

    private final Clock clock;
    private final OnCallWebhookRule webhooks;

    public FacilityParser(Clock clock, OnCallWebhookRule webhooks) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.webhooks = Objects.requireNonNull(webhooks, "webhooks");
    }

    /** Parses and validates {@code body} as the whole record of {@code facilityId} (from the path). */
    public Facility parse(String facilityId, JsonNode body) {
        Objects.requireNonNull(facilityId, "facilityId");
        JsonReader in = new JsonReader();
        if (!JsonReader.ID.matcher(facilityId).matches()) {
            in.error("facilityId", "must be 1-128 letters, digits or . _ : - starting with a letter or digit");
        }
        if (body == null || !body.isObject()) {
            in.error("", "the body must be a JSON object");
            throw ProblemException.invalid(in.errors());
        }
        in.rejectUnknown(body, "", FIELDS);
        String name = in.text(body, "name", "/name", true, MAX_NAME_LENGTH);
        Boolean active = in.bool(body, "active", "/active", false);
        Boolean selfTriage = in.bool(body, "acceptsSelfTriage", "/acceptsSelfTriage", false);
        String timeZone = timeZone(in, body);
        List<FieldError> unsafe = new ArrayList<>();
        List<OnCallContact> contacts = contacts(in, body, unsafe);
        if (!in.errors().isEmpty()) {
            throw ProblemException.invalid(in.errors());
        }
        if (!unsafe.isEmpty()) {
            throw new ProblemException(new Problem(UNSAFE_WEBHOOK_TYPE, "On-call address refused", 422,
                unsafe.size() + " on-call address(es) may not receive alerts: an alert names a patient, so it only goes to "
                    + "a public https endpoint (or a host the operator allow-listed in oncall.webhook.allowed.hosts). "
                    + "Nothing was recorded.", unsafe));
        }
        return Facility.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setOccurredAt(clock.instant())
            .setFacilityId(facilityId)
            .setName(name)
            .setActive(active == null || active)
            .setAcceptsSelfTriage(selfTriage != null && selfTriage)
            .setTimeZone(timeZone)
            .setOnCallContacts(contacts)
            .build();
    }

    private List<OnCallContact> contacts(JsonReader in, JsonNode body, List<FieldError> unsafe) {
        JsonNode node = body.get("onCallContacts");
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            in.error("/onCallContacts", "must be an array of {channel, address, label}");
            return List.of();
        }
        if (node.size() > MAX_CONTACTS) {
            in.error("/onCallContacts", "has " + node.size() + " contacts; at most " + MAX_CONTACTS);
            return List.of();
        }
        List<OnCallContact> contacts = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String pointer = "/onCallContacts/" + i;
            JsonNode item = node.get(i);
            if (!item.isObject()) {
                in.error(pointer, "must be an object {channel, address, label}");
                continue;
            }
            in.rejectUnknown(item, pointer, CONTACT_FIELDS);
            Channel channel = in.enumValue(item, "channel", pointer + "/channel", true, Channel.class);
            String address = in.text(item, "address", pointer + "/address", true, MAX_ADDRESS_LENGTH);
            String label = in.text(item, "label", pointer + "/label", false, MAX_NAME_LENGTH);
            if (channel != null && !ONCALL_CHANNELS.contains(channel)) {
                in.error(pointer + "/channel", "must be one of " + ONCALL_CHANNELS + ": on-call staff are paged by webhook or email");
                continue;
            }
            if (channel == null || address == null) {
                continue;
            }
            if (channel == Channel.EMAIL && !EMAIL.matcher(address).matches()) {
                in.error(pointer + "/address", "must be an email address such as duty@example.org for EMAIL");
                continue;
            }
            if (channel == Channel.WEBHOOK) {
                var problem = webhooks.checkUrl(address);
                if (problem.isPresent()) {
                    unsafe.add(new FieldError(pointer + "/address", problem.get()));
                    continue;
                }
            }
            if (!seen.add(channel + " " + address)) {
                in.error(pointer, "repeats an earlier contact: each is paged once");
                continue;
            }
            contacts.add(OnCallContact.newBuilder().setChannel(channel).setAddress(address).setLabel(label).build());
        }
        return contacts;
    }

    /** An IANA region id, or UTC: fixed offsets are refused as for providers and patients ({@link TimeZoneRule}). */
    private static String timeZone(JsonReader in, JsonNode body) {
        String id = in.text(body, "timeZone", "/timeZone", false, 64);
        if (id == null) {
            return null;
        }
        Optional<String> problem = TimeZoneRule.problem(id, "the facility's local times follow daylight-saving rules");
        problem.ifPresent(message -> in.error("/timeZone", message));
        return problem.isPresent() ? null : id;
    }
}
