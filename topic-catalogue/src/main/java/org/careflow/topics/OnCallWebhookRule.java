package org.careflow.topics;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Where an on-call webhook may point: an {@code https} URL whose host is a public address, never loopback, private
 * (RFC 1918, IPv6 ULA), link-local, carrier-grade NAT, multicast, unspecified or a cloud metadata endpoint, unless the
 * operator allow-listed the host. The ingest API checks a URL as written ({@link #checkUrl}); the dispatcher checks it
 * again and then every address the host resolves to ({@link #checkResolved}) right before it sends, so a name that
 * later resolves to an internal address (DNS rebinding) is still refused. Pure: it resolves nothing itself.
 */
public final class OnCallWebhookRule {

    /** The setting of every app that checks on-call webhooks (ingest API, masterdata, notifications' dispatcher). */
    public static final String ALLOWED_HOSTS_CONFIG = "oncall.webhook.allowed.hosts";
    private static final String ALLOWED_HOSTS_DOC = "Hosts (names or address literals, compared without case) an on-call "
        + "webhook may name even though they are loopback, private, link-local or plain http. Empty (the default): every "
        + "on-call webhook must be an https URL of a public host. The ingest API refuses any other on PUT "
        + "/v1/facilities/{facilityId} with 422, streams-masterdata sends a facility row naming one to its dead letters "
        + "(naming the column oncall_webhook_url), and notifications-dispatcher refuses to send to one as "
        + "WEBHOOK_ADDRESS_REFUSED, checking what the host resolves to before every send (a name that later resolves "
        + "inside is refused). For local stand-ins and an operator's internal paging gateway; set it alike in all of them.";

    /** Names of cloud metadata services, refused whatever they resolve to. */
    public static final Set<String> METADATA_HOSTS = Set.of("metadata.google.internal", "metadata.goog", "metadata",
        "instance-data", "instance-data.ec2.internal");

    private static final Pattern NUMERIC_HOST = Pattern.compile("^(0x[0-9a-f]+|[0-9.]+)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern DOTTED_QUAD = Pattern.compile("^(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}$");

    private final Set<String> allowedHosts;

    /** @param allowedHosts host names or address literals the operator trusts as they are (http and internal addresses allowed) */
    public OnCallWebhookRule(Collection<String> allowedHosts) {
        this.allowedHosts = allowedHosts.stream().map(OnCallWebhookRule::normalise).filter(h -> !h.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
    }

    /** Adds {@value #ALLOWED_HOSTS_CONFIG} to an app's configuration. */
    public static ConfigDef define(ConfigDef def) {
        return def.define(ALLOWED_HOSTS_CONFIG, ConfigDef.Type.LIST, "", ConfigDef.Importance.LOW, ALLOWED_HOSTS_DOC);
    }

    /** The rule {@code config}'s {@value #ALLOWED_HOSTS_CONFIG} sets (the configuration must {@link #define} it). */
    public static OnCallWebhookRule from(AbstractConfig config) {
        return new OnCallWebhookRule(config.getList(ALLOWED_HOSTS_CONFIG));
    }

    /** The rule with no host allow-listed. */
    public static OnCallWebhookRule strict() {
        return new OnCallWebhookRule(List.of());
    }

    /** True when the operator allow-listed {@code host} (compared without case, IPv6 brackets ignored). */
    public boolean allowListed(String host) {
        return host != null && allowedHosts.contains(normalise(host));
    }

    /**
     * What is wrong with {@code url} as written, without resolving its host: empty when it may be used (the
     * dispatcher still checks what the host resolves to).
     */
    public Optional<String> checkUrl(String url) {
        if (url == null || url.isBlank()) {
            return Optional.of("is required: an https URL");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            return Optional.of("is not a URL");
        }
        String host = uri.getHost();
        if (!uri.isAbsolute() || host == null || host.isEmpty()) {
            return Optional.of("must be an absolute https URL with a host");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("must not carry credentials in the URL");
        }
        if (allowListed(host)) {
            return "https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme())
                ? Optional.empty() : Optional.of("must be an http(s) URL");
        }
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            return Optional.of("must be https (an on-call alert names a patient; plain http would send it in clear)");
        }
        String name = normalise(host);
        if (METADATA_HOSTS.contains(name)) {
            return Optional.of("must not point at a cloud metadata service");
        }
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            return Optional.of("must not point at a loopback address (this machine)");
        }
        if (host.startsWith("[")) {
            return literal(name).flatMap(OnCallWebhookRule::forbidden).or(() -> literal(name).isEmpty()
                ? Optional.of("has an IPv6 address that does not parse") : Optional.empty());
        }
        if (NUMERIC_HOST.matcher(name).matches()) {
            if (!DOTTED_QUAD.matcher(name).matches()) {
                return Optional.of("has a numeric host that is not a dotted IPv4 address");
            }
            return literal(name).flatMap(OnCallWebhookRule::forbidden);
        }
        return Optional.empty();
    }

    /**
     * What is wrong with sending to {@code host} now that it resolved to {@code addresses}: every address must be
     * public (one internal address is enough to refuse), unless the host is allow-listed.
     */
    public Optional<String> checkResolved(String host, List<InetAddress> addresses) {
        Objects.requireNonNull(addresses, "addresses");
        if (allowListed(host)) {
            return Optional.empty();
        }
        if (addresses.isEmpty()) {
            return Optional.of("the host resolved to no address");
        }
        for (InetAddress address : addresses) {
            Optional<String> kind = forbiddenKind(address);
            if (kind.isPresent()) {
                return Optional.of("the host resolves to " + kind.get() + ", which an on-call webhook must not reach");
            }
        }
        return Optional.empty();
    }

    /** Why {@code address} may not receive an alert ("must not point at ..."), or empty when it is a public address. */
    public static Optional<String> forbidden(InetAddress address) {
        return forbiddenKind(address).map(kind -> "must not point at " + kind);
    }

    /** What kind of non-public address {@code address} is, or empty when it is public. */
    private static Optional<String> forbiddenKind(InetAddress address) {
        InetAddress a = embeddedIpv4(address);
        byte[] b = a.getAddress();
        String kind = null;
        if (a.isLoopbackAddress()) {
            kind = "a loopback address (this machine)";
        } else if (a.isAnyLocalAddress()) {
            kind = "the unspecified address";
        } else if (isMetadata(a)) {
            kind = "a cloud metadata service";
        } else if (a.isLinkLocalAddress()) {
            kind = "a link-local address";
        } else if (a.isSiteLocalAddress() || isUniqueLocal(a) || isSharedAddressSpace(a)) {
            kind = "a private address";
        } else if (a.isMulticastAddress()) {
            kind = "a multicast address";
        } else if (a instanceof Inet4Address && (b[0] == 0 || (b[0] & 0xff) >= 240)) {
            kind = "a reserved address";
        }
        return Optional.ofNullable(kind);
    }

    private static boolean isMetadata(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return (b[0] & 0xff) == 169 && (b[1] & 0xff) == 254 && (b[2] & 0xff) == 169 && (b[3] & 0xff) == 254;
        }
        // fd00:ec2::254, AWS's IPv6 instance metadata endpoint.
        byte[] aws = {(byte) 0xfd, 0, 0x0e, (byte) 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};
        return java.util.Arrays.equals(b, aws);
    }

    private static boolean isUniqueLocal(InetAddress a) {
        return a instanceof Inet6Address && (a.getAddress()[0] & 0xfe) == 0xfc;
    }

    /** 100.64.0.0/10, carrier-grade NAT: not routable on the internet, often internal in clouds. */
    private static boolean isSharedAddressSpace(InetAddress a) {
        byte[] b = a.getAddress();
        return a instanceof Inet4Address && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
    }

    /** The IPv4 address inside an IPv4-mapped, IPv4-compatible or NAT64 (64:ff9b::/96) IPv6 address; else the address. */
    private static InetAddress embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] b = address.getAddress();
        boolean zeroPrefix = true;
        for (int i = 0; i < 10; i++) {
            zeroPrefix &= b[i] == 0;
        }
        boolean mapped = zeroPrefix && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = zeroPrefix && b[10] == 0 && b[11] == 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] & 0xfe) == 0);
        boolean nat64 = b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
            && b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] == 0 && b[8] == 0 && b[9] == 0 && b[10] == 0 && b[11] == 0;
        if (!mapped && !compatible && !nat64) {
            return address;
        }
        try {
            return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
            return address;
        }
    }

    /** An address literal (no DNS: getByName does not look up literals), or empty when it is not one. */
    private static Optional<InetAddress> literal(String host) {
        boolean v6 = host.indexOf(':') >= 0;
        if (!v6 && !DOTTED_QUAD.matcher(host).matches()) {
            return Optional.empty();
        }
        if (v6 && !host.matches("^[0-9a-f:.]+$")) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(host));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static String normalise(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }
}
