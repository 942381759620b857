package org.careflow.notifications.reminders;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.careflow.events.notifications.Channel;
import org.careflow.topics.OnCallWebhookRule;

/**
 * The operator's default on-call contacts ({@code alerts.oncall.contacts}): a webhook URL or an email address per
 * facility, {@code *} for the rest. Used only for a registered, active facility whose own record names no contact.
 */
public final class OnCallContacts {

    /** Where one facility's alerts go. */
    public record Contact(Channel channel, String address) {
        public Contact {
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(address, "address");
        }
    }

    public static final String FALLBACK = "*";

    private final Map<String, Contact> byFacility;

    public OnCallContacts(Map<String, Contact> byFacility) {
        this.byFacility = Map.copyOf(byFacility);
    }

    /** Parses entries FACILITY=https://url or FACILITY=mailto:address with no webhook host allow-listed. */
    public static OnCallContacts parse(String key, List<String> entries) {
        return parse(key, entries, OnCallWebhookRule.strict());
    }

    /**
     * Parses entries FACILITY=https://url or FACILITY=mailto:address; {@code key} names the setting in errors, and a
     * webhook URL {@code webhooks} refuses is a configuration error.
     */
    public static OnCallContacts parse(String key, List<String> entries, OnCallWebhookRule webhooks) {
        Map<String, Contact> map = new HashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            String facility = eq > 0 ? entry.substring(0, eq).strip() : "";
            String target = eq > 0 ? entry.substring(eq + 1).strip() : "";
            Contact contact;
            if (target.startsWith("mailto:") && target.length() > 7 && target.indexOf('@') > 7) {
                contact = new Contact(Channel.EMAIL, target.substring(7));
            } else if (target.startsWith("https://") || target.startsWith("http://")) {
                try {
                    URI.create(target).toURL();
                } catch (IllegalArgumentException | java.net.MalformedURLException e) {
                    throw new InvalidSettingException(key, entry, "the webhook URL does not parse");
                }
                var refused = webhooks.checkUrl(target);
                if (refused.isPresent()) {
                    throw new InvalidSettingException(key, entry, "the webhook URL " + refused.get()
                        + "; allow-list its host in oncall.webhook.allowed.hosts if it is the operator's own gateway");
                }
                contact = new Contact(Channel.WEBHOOK, target);
            } else {
                contact = null;
            }
            if (facility.isEmpty() || contact == null) {
                throw new InvalidSettingException(key, entry, "entries are FACILITY=https://webhook-url or FACILITY=mailto:address (FACILITY * for the rest)");
            }
            map.put(facility, contact);
        }
        return new OnCallContacts(map);
    }

    public Optional<Contact> forFacility(String facilityId) {
        Contact contact = byFacility.get(facilityId);
        return Optional.ofNullable(contact != null ? contact : byFacility.get(FALLBACK));
    }
}
