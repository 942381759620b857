package org.careflow.platform.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Apicurio Registry behind {@link EmbeddedOidcIssuer}: who may read and write schemas, checked over HTTP.
 */
class RegistryAuthenticationIT {

    private static final String SCHEMA = "{\"type\":\"record\",\"name\":\"Ping\",\"namespace\":\"org.careflow.it\","
        + "\"fields\":[{\"name\":\"at\",\"type\":\"long\"}]}";
    private static final String READER = "it-reader";
    private static final String DEVELOPER = "it-developer";
    private static final String ADMIN = "it-admin";
    private static final String SECRET_PREFIX = "secret-of-";

    @TempDir
    static Path keys;
    private static EmbeddedOidcIssuer issuer;
    private static EmbeddedRegistry registry;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        issuer = EmbeddedOidcIssuer.builder().keyDirectory(keys)
            .client(READER, SECRET_PREFIX + READER, "sr-readonly")
            .client(DEVELOPER, SECRET_PREFIX + DEVELOPER, "sr-developer")
            .client(ADMIN, SECRET_PREFIX + ADMIN, "sr-admin")
            .build().start();
        registry = EmbeddedRegistry.builder().authentication(issuer).build().start();
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (issuer != null) {
            issuer.close();
        }
    }

    @Test
    void shouldRefuseAnonymousReadsWhenAuthenticationIsOn() throws Exception {
        // When: nobody logs in
        HttpResponse<String> list = send(get("/search/artifacts"));

        // Then: schemas are not readable anonymously
        assertThat(list.statusCode()).as("anonymous read access is off").isEqualTo(401);
    }

    @Test
    void shouldRefuseATokenWhenTheClientSecretIsWrong() throws Exception {
        // When: a known client asks for a token with a wrong secret
        HttpResponse<String> token = send(tokenRequest(READER, "not-the-secret"));

        // Then: the issuer refuses, and the registry refuses the same credentials as HTTP Basic
        assertThat(token.statusCode()).as("the issuer grants tokens only for the right secret").isEqualTo(401);
        assertThat(token.body()).contains("invalid_client").doesNotContain("access_token");
        assertThat(send(basic(get("/search/artifacts"), READER, "not-the-secret")).statusCode())
            .as("the registry exchanges Basic credentials at the issuer and refuses a wrong secret").isEqualTo(401);
    }

    @Test
    void shouldLetOnlyTheRightRolesWriteWhenClientsLogIn() throws Exception {
        // Given: the admin registers an artifact
        HttpResponse<String> created = send(bearer(createArtifact("it-admins-value"), token(ADMIN)));
        assertThat(created.statusCode()).as("sr-admin may register a schema: " + created.body()).isEqualTo(200);

        // When / Then: a read-only client reads it, by token and by Basic client credentials, but cannot write
        assertThat(send(bearer(get("/groups/default/artifacts/it-admins-value"), token(READER))).statusCode())
            .as("sr-readonly reads artifacts").isEqualTo(200);
        assertThat(send(basic(get("/groups/default/artifacts/it-admins-value"), READER, SECRET_PREFIX + READER)).statusCode())
            .as("a client id and secret as HTTP Basic are exchanged for a token").isEqualTo(200);
        assertThat(send(bearer(createArtifact("it-readers-value"), token(READER))).statusCode())
            .as("sr-readonly cannot create artifacts").isEqualTo(403);

        // And: a developer creates its own artifacts, but cannot add a version to the admin's (owner-only)
        assertThat(send(bearer(createArtifact("it-developers-value"), token(DEVELOPER))).statusCode())
            .as("sr-developer creates artifacts").isEqualTo(200);
        assertThat(send(bearer(createVersion("it-admins-value"), token(DEVELOPER))).statusCode())
            .as("only an artifact's owner (or an admin) changes it").isEqualTo(403);
    }

    @Test
    void shouldKeepTheSigningKeyWhenTheIssuerRestartsOnTheSameDirectory() throws Exception {
        // Given: the key file made at the first start
        String first = Files.readString(keys.resolve(EmbeddedOidcIssuer.KEY_FILE));

        // When: another issuer starts on the same directory
        try (EmbeddedOidcIssuer second = EmbeddedOidcIssuer.builder().keyDirectory(keys).client(READER, "x", "sr-readonly").build()
            .start()) {
            HttpResponse<String> jwks = send(HttpRequest.newBuilder(URI.create(second.jwksUrl())).GET().build());

            // Then: it publishes the same key
            assertThat(Files.readString(keys.resolve(EmbeddedOidcIssuer.KEY_FILE))).isEqualTo(first);
            assertThat(jwks.body()).contains(send(HttpRequest.newBuilder(URI.create(issuer.jwksUrl())).GET().build()).body()
                .replaceAll(".*\"kid\":\"([^\"]+)\".*", "$1"));
        }
    }

    private static String token(String client) throws IOException, InterruptedException {
        HttpResponse<String> response = send(tokenRequest(client, SECRET_PREFIX + client));
        assertThat(response.statusCode()).as("token for " + client).isEqualTo(200);
        return response.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
    }

    private static HttpRequest tokenRequest(String client, String secret) {
        return basic(HttpRequest.newBuilder(URI.create(issuer.tokenEndpoint()))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")), client, secret).build();
    }

    private static HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(registry.url() + path)).GET();
    }

    private static HttpRequest.Builder createArtifact(String artifactId) {
        String body = "{\"artifactId\":\"" + artifactId + "\",\"artifactType\":\"AVRO\",\"firstVersion\":{\"content\":{\"content\":"
            + quoted(SCHEMA) + ",\"contentType\":\"application/json\"}}}";
        return HttpRequest.newBuilder(URI.create(registry.url() + "/groups/default/artifacts"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static HttpRequest.Builder createVersion(String artifactId) {
        String body = "{\"content\":{\"content\":" + quoted(SCHEMA) + ",\"contentType\":\"application/json\"}}";
        return HttpRequest.newBuilder(URI.create(registry.url() + "/groups/default/artifacts/" + artifactId + "/versions"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static String quoted(String json) {
        return "\"" + json.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static HttpRequest.Builder basic(HttpRequest.Builder request, String user, String password) {
        return request.header("Authorization", "Basic " + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    private static HttpRequest bearer(HttpRequest.Builder request, String token) {
        return request.header("Authorization", "Bearer " + token).build();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return send(request.build());
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
