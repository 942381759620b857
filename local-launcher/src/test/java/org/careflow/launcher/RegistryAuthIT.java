package org.careflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;
import org.apache.avro.specific.SpecificData;
import org.careflow.topics.RegistryLogin;
import org.careflow.topics.SchemaRegistrar;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local stack's schema registry requires a login from its own issuer, and each client may do only its job: the
 * apps read (the streams apps may add their own artifacts, never change the catalogue's), the registrar registers.
 */
@Tag("integration")
class RegistryAuthIT {

    private static final String CATALOGUE_ARTIFACT = SchemaRegistrar.artifactId(Topics.TRIAGE_SUBMISSIONS);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dataDir;
    private static LocalStack stack;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.start(StackOptions.ephemeral(dataDir));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @DisplayName("Invariant: nobody reads the registry without a login")
    void shouldRefuseAnonymousReadsWhenNoLoginIsSent() {
        assertThat(StackRegistry.get(stack, RegistryLogin.NONE, "/search/artifacts").statusCode())
            .as("listing artifacts anonymously").isEqualTo(401);
        assertThat(StackRegistry.get(stack, RegistryLogin.NONE, "/groups/default/artifacts/" + CATALOGUE_ARTIFACT).statusCode())
            .as("reading a catalogue artifact anonymously").isEqualTo(401);
        assertThat(StackRegistry.get(stack, RegistryLogin.NONE, "/ids/globalIds/" + catalogueGlobalId()).statusCode())
            .as("reading a schema by its global id anonymously").isEqualTo(401);
    }

    @Test
    @DisplayName("Invariant: a wrong client secret gets no token, and no access")
    void shouldRefuseATokenWhenTheClientSecretIsWrong() throws Exception {
        HttpResponse<String> token = HTTP.send(HttpRequest.newBuilder(URI.create(stack.registryAuth().issuer().tokenEndpoint()))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + LocalRegistryAuth.REGISTRAR_CLIENT
                + "&client_secret=not-the-secret")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(token.statusCode()).as("the issuer refuses a wrong secret").isEqualTo(401);
        assertThat(token.body()).doesNotContain("access_token");
        RegistryLogin wrong = new RegistryLogin(LocalRegistryAuth.REGISTRAR_CLIENT, "not-the-secret");
        assertThat(StackRegistry.get(stack, wrong, "/search/artifacts").statusCode())
            .as("the registry refuses the registrar's id with a wrong secret").isEqualTo(401);
    }

    @Test
    @DisplayName("Invariant: the ingest API's client reads schemas and cannot create or change any")
    void shouldLetTheIngestClientReadButNotWriteWhenLoggedIn() throws Exception {
        RegistryLogin ingest = stack.registryAuth().login(LocalRegistryAuth.INGEST_CLIENT);

        assertThat(StackRegistry.get(stack, ingest, "/groups/default/artifacts/" + CATALOGUE_ARTIFACT).statusCode())
            .as("the read-only client reads a catalogue artifact").isEqualTo(200);
        assertThat(StackRegistry.get(stack, ingest, "/ids/globalIds/" + catalogueGlobalId()).statusCode())
            .as("the read-only client reads a schema by global id, as a deserializer does").isEqualTo(200);
        assertThat(send(ingest, "POST", "/groups/default/artifacts", newArtifact("it-ingest-" + UUID.randomUUID())).statusCode())
            .as("the read-only client cannot create an artifact").isEqualTo(403);
        assertThat(send(ingest, "POST", "/groups/default/artifacts/" + CATALOGUE_ARTIFACT + "/versions", newVersion()).statusCode())
            .as("the read-only client cannot add a version to a catalogue artifact").isEqualTo(403);
    }

    @Test
    @DisplayName("Invariant: the streams apps' client may add its own artifacts but never change the catalogue's")
    void shouldKeepTheStreamsClientOffTheCatalogueWhenItWrites() throws Exception {
        RegistryLogin streams = stack.registryAuth().login(LocalRegistryAuth.STREAMS_CLIENT);

        assertThat(send(streams, "POST", "/groups/default/artifacts/" + CATALOGUE_ARTIFACT + "/versions", newVersion()).statusCode())
            .as("owner-only: a catalogue artifact belongs to the registrar").isEqualTo(403);
        assertThat(send(streams, "POST", "/admin/rules", "{\"ruleType\":\"VALIDITY\",\"config\":\"FULL\"}").statusCode())
            .as("global rules are the admin's").isEqualTo(403);
        assertThat(send(streams, "POST", "/groups/default/artifacts", newArtifact("it-streams-" + UUID.randomUUID())).statusCode())
            .as("a state-store schema of its own may be registered").isEqualTo(200);
    }

    @Test
    @DisplayName("Invariant: the registrar (sr-admin) registers the catalogue")
    void shouldLetTheRegistrarRegisterWhenLoggedIn() throws Exception {
        RegistryLogin registrar = stack.registryAuth().login(LocalRegistryAuth.REGISTRAR_CLIENT);

        assertThat(send(registrar, "POST", "/groups/default/artifacts", newArtifact("it-registrar-" + UUID.randomUUID())).statusCode())
            .as("the registrar creates an artifact").isEqualTo(200);
        assertThat(new SchemaRegistrar(stack.urls().get("schema registry"), registrar).registerAll(Topics.all()))
            .as("registering the catalogue again is idempotent and allowed").contains(CATALOGUE_ARTIFACT);
    }

    @Test
    @DisplayName("Invariant: the clients' secrets are made once per data directory, readable by their owner only")
    void shouldKeepEachClientSecretOwnerOnlyInTheDataDirectory() throws IOException {
        for (String client : LocalRegistryAuth.CLIENTS.keySet()) {
            Path file = stack.registryAuth().directory().resolve(client);
            assertThat(Files.readString(file).strip()).as(client + "'s secret file holds its secret")
                .isEqualTo(stack.registryAuth().login(client).clientSecret());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(client).isEqualTo("rw-------");
        }
        assertThat(LocalRegistryAuth.loadOrCreate(dataDir).login(LocalRegistryAuth.INGEST_CLIENT))
            .as("a second load of the same data directory finds the same secret")
            .isEqualTo(stack.registryAuth().login(LocalRegistryAuth.INGEST_CLIENT));
    }

    private static long catalogueGlobalId() {
        HttpResponse<String> versions = StackRegistry.get(stack, StackRegistry.reader(stack),
            "/groups/default/artifacts/" + CATALOGUE_ARTIFACT + "/versions");
        assertThat(versions.statusCode()).as("versions of " + CATALOGUE_ARTIFACT).isEqualTo(200);
        JsonNode first = HttpCalls.json(versions.body()).get("versions").get(0);
        return first.get("globalId").asLong();
    }

    private static String newArtifact(String artifactId) {
        return "{\"artifactId\":\"" + artifactId + "\",\"artifactType\":\"AVRO\",\"firstVersion\":" + newVersion() + "}";
    }

    /** A first or next version: the catalogue's own schema, so only authorization (never a rule) can refuse it. */
    private static String newVersion() {
        String schema = SpecificData.get().getSchema(Topics.TRIAGE_SUBMISSIONS.valueType()).toString();
        return "{\"content\":{\"content\":" + quoted(schema) + ",\"contentType\":\"application/json\"}}";
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static HttpResponse<String> send(RegistryLogin login, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.urls().get("schema registry") + path))
            .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        login.authorizationHeader().ifPresent(value -> request.header("Authorization", value));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
