package org.careflow.platform.embedded;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A minimal OpenID Connect issuer on 127.0.0.1 for the local stack, so that the Apicurio Registry can require a login
 * without an external identity provider: it publishes a discovery document and a JWKS, and its token endpoint
 * grants {@code client_credentials} to a fixed set of clients, issuing short-lived RS256 JWTs whose {@code groups}
 * claim carries the client's registry roles ({@code sr-readonly}, {@code sr-developer}, {@code sr-admin}).
 *
 * <p>Its paths follow Keycloak's ({@code /realms/NAME/protocol/openid-connect/token} and {@code .../certs}), the
 * defaults Apicurio and its clients assume, so the registry is configured exactly as against a production realm.
 * The RSA key is kept (owner-only) in {@link Builder#keyDirectory(Path)} when one is given, so a restart keeps the
 * same key; otherwise it lives only as long as the issuer. Client secrets are never logged, nor are tokens.
 */
public final class EmbeddedOidcIssuer implements AutoCloseable {

    /** The file of {@link Builder#keyDirectory(Path)} holding the private RSA key as a JWK. */
    public static final String KEY_FILE = "oidc-issuer-key.jwk.json";
    /** The claim holding the client's roles, for {@code quarkus.oidc.roles.role-claim-path}. */
    public static final String ROLES_CLAIM = "groups";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedOidcIssuer.class);
    private static final String HOST = "127.0.0.1";
    private static final String TOKEN_PATH = "/protocol/openid-connect/token";
    private static final String JWKS_PATH = "/protocol/openid-connect/certs";
    private static final String DISCOVERY_PATH = "/.well-known/openid-configuration";

    /** A client of the token endpoint: its id, its secret and the roles its tokens carry. */
    public record Client(String id, String secret, Set<String> roles) {
        public Client {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(secret, "secret");
            roles = Set.copyOf(roles);
            if (id.isBlank() || secret.isBlank()) {
                throw new IllegalArgumentException("a client needs a non-blank id and secret");
            }
        }

        @Override
        public String toString() {
            return "Client[id=" + id + ", roles=" + roles + "]";
        }
    }

    private final int requestedPort;
    private final String realm;
    private final String audience;
    private final Duration tokenTtl;
    private final Path keyDirectory;
    private final Map<String, Client> clients;

    private HttpServer server;
    private ExecutorService executor;
    private RSAKey key;
    private String issuer;

    private EmbeddedOidcIssuer(Builder builder) {
        this.requestedPort = builder.port;
        this.realm = builder.realm;
        this.audience = builder.audience;
        this.tokenTtl = builder.tokenTtl;
        this.keyDirectory = builder.keyDirectory;
        this.clients = Map.copyOf(builder.clients);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Loads or makes the key and starts serving; returns this issuer. */
    public synchronized EmbeddedOidcIssuer start() {
        if (server != null) {
            throw new IllegalStateException("The issuer is already started");
        }
        key = keyDirectory == null ? generateKey() : loadOrCreateKey(keyDirectory);
        try {
            server = HttpServer.create(new InetSocketAddress(HOST, requestedPort), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen on " + HOST + ":" + requestedPort + " for the OIDC issuer", e);
        }
        String base = "/realms/" + realm;
        issuer = "http://" + HOST + ":" + server.getAddress().getPort() + base;
        server.createContext(base + DISCOVERY_PATH, exchange -> answer(exchange, this::discovery));
        server.createContext(base + JWKS_PATH, exchange -> answer(exchange, this::jwks));
        server.createContext(base + TOKEN_PATH, exchange -> answer(exchange, this::token));
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.start();
        LOG.info("OIDC issuer {} serving {} clients", issuer, clients.size());
        return this;
    }

    /** The issuer URL ({@code iss} of its tokens), which is also the base of its discovery document. */
    public synchronized String issuer() {
        requireStarted();
        return issuer;
    }

    /** The token endpoint ({@code client_credentials}, client secret as HTTP Basic or in the form). */
    public String tokenEndpoint() {
        return issuer() + TOKEN_PATH;
    }

    /** The JWKS URL, where the public half of the signing key is published. */
    public String jwksUrl() {
        return issuer() + JWKS_PATH;
    }

    /** The audience ({@code aud}) of every token it issues. */
    public String audience() {
        return audience;
    }

    /** The claim carrying the roles, for the relying party's configuration. */
    public String rolesClaim() {
        return ROLES_CLAIM;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    private Response discovery(HttpExchange exchange) {
        if (!"GET".equals(exchange.getRequestMethod())) {
            return Response.error(405, "invalid_request", "use GET");
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("issuer", issuer);
        document.put("token_endpoint", issuer + TOKEN_PATH);
        document.put("jwks_uri", issuer + JWKS_PATH);
        document.put("grant_types_supported", List.of("client_credentials"));
        document.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        document.put("response_types_supported", List.of("token"));
        document.put("subject_types_supported", List.of("public"));
        document.put("id_token_signing_alg_values_supported", List.of(JWSAlgorithm.RS256.getName()));
        return Response.ok(document);
    }

    private Response jwks(HttpExchange exchange) {
        if (!"GET".equals(exchange.getRequestMethod())) {
            return Response.error(405, "invalid_request", "use GET");
        }
        return Response.ok(new JWKSet(key.toPublicJWK()).toJSONObject(true));
    }

    private Response token(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            return Response.error(405, "invalid_request", "use POST with a form body");
        }
        Map<String, String> form = parseForm(exchange.getRequestBody());
        if (!"client_credentials".equals(form.get("grant_type"))) {
            return Response.error(400, "unsupported_grant_type", "only client_credentials is supported");
        }
        String[] credentials = basicCredentials(exchange.getRequestHeaders().getFirst("Authorization"));
        String clientId = credentials != null ? credentials[0] : form.get("client_id");
        String secret = credentials != null ? credentials[1] : form.get("client_secret");
        Client client = clientId == null ? null : clients.get(clientId);
        // Compare the secret in constant time, and answer an unknown client exactly as a wrong secret.
        if (client == null || secret == null || !MessageDigest.isEqual(client.secret().getBytes(StandardCharsets.UTF_8),
            secret.getBytes(StandardCharsets.UTF_8))) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"" + realm + "\"");
            return Response.error(401, "invalid_client", "unknown client or wrong secret");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", mint(client));
        body.put("token_type", "Bearer");
        body.put("expires_in", tokenTtl.toSeconds());
        return Response.ok(body);
    }

    private String mint(Client client) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
            .issuer(issuer)
            .audience(audience)
            .subject(client.id())
            .claim("azp", client.id())
            .claim("preferred_username", client.id())
            .claim(ROLES_CLAIM, List.copyOf(client.roles()))
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(now.plus(tokenTtl)))
            .jwtID(UUID.randomUUID().toString())
            .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
            claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign a token", e);
        }
        return jwt.serialize();
    }

    /** The client id and secret of an HTTP Basic header, form-decoded as RFC 6749 2.3.1 asks; null if there is none. */
    private static String[] basicCredentials(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return null;
            }
            return new String[] {URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Map<String, String> parseForm(InputStream body) throws IOException {
        // A token request is a few hundred bytes; refuse to buffer more than a little.
        byte[] bytes = body.readNBytes(16 * 1024);
        Map<String, String> form = new HashMap<>();
        for (String pair : new String(bytes, StandardCharsets.UTF_8).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.putIfAbsent(name, value);
        }
        return form;
    }

    private interface Handler {
        Response handle(HttpExchange exchange) throws IOException;
    }

    private record Response(int status, Map<String, Object> body) {
        static Response ok(Map<String, Object> body) {
            return new Response(200, body);
        }

        static Response error(int status, String error, String description) {
            return new Response(status, Map.of("error", error, "error_description", description));
        }
    }

    private static void answer(HttpExchange exchange, Handler handler) throws IOException {
        try (exchange) {
            Response response;
            try {
                response = handler.handle(exchange);
            } catch (RuntimeException e) {
                LOG.warn("OIDC issuer failed to answer {} {}", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
                response = Response.error(500, "server_error", "the issuer failed");
            }
            byte[] bytes = JSONObjectUtils.toJSONString(response.body()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(response.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private static RSAKey generateKey() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.RS256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot generate an RSA key", e);
        }
    }

    /** The key in {@code directory}, made there (owner-only) on first use; a process racing here keeps the first file. */
    private static RSAKey loadOrCreateKey(Path directory) {
        Path file = directory.resolve(KEY_FILE);
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(directory);
                boolean posix = Files.getFileStore(directory).supportsFileAttributeView("posix");
                try {
                    Path created = posix ? Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                        : Files.createFile(file);
                    Files.writeString(created, generateKey().toJSONString(), StandardCharsets.UTF_8);
                    LOG.info("Created the OIDC issuer's signing key in {}", directory);
                } catch (FileAlreadyExistsException e) {
                    // Another process made it first: read theirs.
                }
            }
            JWK jwk = JWK.parse(Files.readString(file, StandardCharsets.UTF_8));
            if (!(jwk instanceof RSAKey rsa) || !rsa.isPrivate()) {
                throw new IllegalStateException(file + " is not a private RSA JWK: delete it to make a new key");
            }
            return rsa;
        } catch (ParseException e) {
            throw new IllegalStateException(file + " is not a JWK (" + e.getMessage() + "): delete it to make a new key", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the OIDC issuer's key in " + directory, e);
        }
    }

    private synchronized void requireStarted() {
        if (server == null) {
            throw new IllegalStateException("The issuer is not started");
        }
    }

    /** Options of an {@link EmbeddedOidcIssuer}. */
    public static final class Builder {
        private int port;
        private String realm = "careflow";
        private String audience = "registry-api";
        private Duration tokenTtl = Duration.ofMinutes(5);
        private Path keyDirectory;
        private final Map<String, Client> clients = new LinkedHashMap<>();

        private Builder() {
        }

        /** The port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = FreePorts.checkPort("port", port);
            return this;
        }

        /** The realm name in the issuer's paths. Default {@code careflow}. */
        public Builder realm(String realm) {
            if (!realm.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("realm must be letters, digits, '.', '_' or '-', was " + realm);
            }
            this.realm = realm;
            return this;
        }

        /** The audience of the tokens, the relying party's client id. Default {@code registry-api}, the registry's. */
        public Builder audience(String audience) {
            this.audience = Objects.requireNonNull(audience, "audience");
            return this;
        }

        /** How long a token lives. Default 5 minutes: clients fetch a new one, so a leaked token is short-lived. */
        public Builder tokenTtl(Duration tokenTtl) {
            if (tokenTtl.isNegative() || tokenTtl.isZero() || tokenTtl.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("tokenTtl must be more than 0 and at most 1 hour, was " + tokenTtl);
            }
            this.tokenTtl = tokenTtl;
            return this;
        }

        /** Where the signing key is kept between starts. Default: none, a new key each start. */
        public Builder keyDirectory(Path keyDirectory) {
            this.keyDirectory = Objects.requireNonNull(keyDirectory, "keyDirectory");
            return this;
        }

        /** Adds a client that may ask for tokens carrying {@code roles}. */
        public Builder client(String id, String secret, String... roles) {
            Client client = new Client(id, secret, Set.of(roles));
            if (clients.putIfAbsent(id, client) != null) {
                throw new IllegalArgumentException("client " + id + " is already defined");
            }
            return this;
        }

        public EmbeddedOidcIssuer build() {
            if (clients.isEmpty()) {
                throw new IllegalStateException("an issuer without clients issues nothing: add at least one client");
            }
            return new EmbeddedOidcIssuer(this);
        }
    }
}
