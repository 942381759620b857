package org.careflow.topics;

import io.apicurio.registry.serde.config.SerdeConfig;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a client logs in to the schema registry: a client id and secret of the registry's identity provider, sent as
 * HTTP Basic, which the registry exchanges for a token carrying the client's roles ({@code
 * apicurio.authn.basic-client-credentials.enabled}). {@link #NONE} sends nothing, for a registry that allows anonymous
 * reads. The serdes, {@link SchemaRegistrar} and the Connect converters all log in this one way.
 */
public record RegistryLogin(String clientId, String clientSecret) {

    /** No login at all. */
    public static final RegistryLogin NONE = new RegistryLogin("", "");

    public RegistryLogin {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        if (clientId.isBlank() != clientSecret.isEmpty()) {
            throw new IllegalArgumentException("a registry login needs both a client id and a secret, or neither");
        }
    }

    /** The login of {@code clientId}, or {@link #NONE} when it is blank. */
    public static RegistryLogin of(String clientId, String clientSecret) {
        return clientId == null || clientId.isBlank() ? NONE : new RegistryLogin(clientId, clientSecret);
    }

    public boolean isNone() {
        return clientId.isBlank();
    }

    /** The Apicurio serde settings that send this login; empty for {@link #NONE}. */
    public Map<String, Object> serdeSettings() {
        return isNone() ? Map.of() : Map.of(SerdeConfig.AUTH_USERNAME, clientId, SerdeConfig.AUTH_PASSWORD, clientSecret);
    }

    /** The {@code Authorization} header value for a plain HTTP call; empty for {@link #NONE}. */
    public Optional<String> authorizationHeader() {
        return isNone() ? Optional.empty() : Optional.of("Basic " + Base64.getEncoder()
            .encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public String toString() {
        return isNone() ? "RegistryLogin[none]" : "RegistryLogin[clientId=" + clientId + "]";
    }
}
