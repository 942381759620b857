package org.careflow.launcher;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.careflow.config.CommonConfig;
import org.careflow.platform.embedded.EmbeddedOidcIssuer;
import org.careflow.security.SecretFile;
import org.careflow.topics.RegistryLogin;

/**
 * Who may use the local stack's schema registry: an {@link EmbeddedOidcIssuer} stands in for the identity provider,
 * with one client per kind of caller, each with its own secret made once per data directory ({@value #DIRECTORY}).
 *
 * <ul>
 *   <li>{@value #INGEST_CLIENT} (sr-readonly): the ingest API only reads schemas;</li>
 *   <li>{@value #STREAMS_CLIENT} (sr-developer): the streams apps read the catalogue's schemas and register their own
 *       state-store and internal-topic schemas at run time; owner-only authorization keeps them from changing the
 *       catalogue's artifacts, which the registrar created;</li>
 *   <li>{@value #CONNECT_CLIENT} (sr-developer): the sinks' converters read, the CDC source registers Debezium's schemas;</li>
 *   <li>{@value #REGISTRAR_CLIENT} (sr-admin): {@code SchemaRegistrar} registers the catalogue and sets the global rule.</li>
 * </ul>
 *
 * Every client logs in as production's do: its id and secret as HTTP Basic, which the registry exchanges at the
 * issuer's token endpoint. Anonymous reads are refused locally (production allows them).
 */
public final class LocalRegistryAuth {

    /** The folder of the data directory holding one secret file per client (named after the client). */
    public static final String DIRECTORY = "registry-auth";
    public static final String INGEST_CLIENT = "careflow-ingest";
    public static final String STREAMS_CLIENT = "careflow-streams";
    public static final String CONNECT_CLIENT = "careflow-connect";
    public static final String REGISTRAR_CLIENT = "careflow-registrar";
    /** Every client and the role its tokens carry. */
    public static final Map<String, String> CLIENTS = orderedClients();

    private final Path directory;
    private final Map<String, String> secrets = new LinkedHashMap<>();
    private volatile EmbeddedOidcIssuer issuer;

    private LocalRegistryAuth(Path directory) {
        this.directory = directory;
        for (String client : CLIENTS.keySet()) {
            secrets.put(client, SecretFile.loadOrCreate(directory.resolve(client)));
        }
    }

    /** The clients' secrets in {@code dataDir}, made if there are none yet. */
    public static LocalRegistryAuth loadOrCreate(Path dataDir) {
        return new LocalRegistryAuth(dataDir.resolve(DIRECTORY));
    }

    /** Starts the issuer with every client, its signing key kept beside the secrets; the caller closes it. */
    public EmbeddedOidcIssuer startIssuer() {
        EmbeddedOidcIssuer.Builder builder = EmbeddedOidcIssuer.builder().keyDirectory(directory);
        CLIENTS.forEach((client, role) -> builder.client(client, secrets.get(client), role));
        issuer = builder.build().start();
        return issuer;
    }

    /** The issuer {@link #startIssuer()} started. */
    public EmbeddedOidcIssuer issuer() {
        if (issuer == null) {
            throw new IllegalStateException("The registry's issuer is not started");
        }
        return issuer;
    }

    private static Map<String, String> orderedClients() {
        Map<String, String> clients = new LinkedHashMap<>();
        clients.put(INGEST_CLIENT, "sr-readonly");
        clients.put(STREAMS_CLIENT, "sr-developer");
        clients.put(CONNECT_CLIENT, "sr-developer");
        clients.put(REGISTRAR_CLIENT, "sr-admin");
        return java.util.Collections.unmodifiableMap(clients);
    }

    /** The registry login of {@code app} (one of {@link LocalStack}'s app names), as the app's settings. */
    public Map<String, Object> appSettings(String app) {
        RegistryLogin login = login(LocalStack.INGEST.equals(app) ? INGEST_CLIENT : STREAMS_CLIENT);
        return Map.of(CommonConfig.REGISTRY_CLIENT_ID_CONFIG, login.clientId(), CommonConfig.REGISTRY_CLIENT_SECRET_CONFIG, login.clientSecret());
    }

    /** The login of {@code client}, one of this class's client ids. */
    public RegistryLogin login(String client) {
        String secret = secrets.get(client);
        if (secret == null) {
            throw new IllegalArgumentException("no registry client " + client + "; the clients are " + secrets.keySet());
        }
        return new RegistryLogin(client, secret);
    }

    /** The folder holding the clients' secrets, one file per client. */
    public Path directory() {
        return directory;
    }
}
