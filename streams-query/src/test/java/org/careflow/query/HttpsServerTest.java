package org.careflow.query;

import org.careflow.http.HttpServerFactory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.careflow.config.CommonConfig;
import org.careflow.config.HttpTlsSettings;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.HostInfo;
import org.careflow.security.EndpointClass;
import org.careflow.security.SecurityGate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP server with {@code http.tls.keystore.path} set: HTTPS only, and a forwarding client that trusts the instance's certificate. */
class HttpsServerTest {

    private static final String PASSWORD = "changeit-test";

    @TempDir
    static Path dir;
    private static Path keystore;
    private static Path truststore;

    private Javalin server;
    private HttpTlsSettings tls;

    /** A self-signed certificate for localhost (CN and SAN), in a PKCS12 key store, and a trust store holding it. */
    @BeforeAll
    static void generateStores() throws Exception {
        keystore = dir.resolve("server.p12");
        truststore = dir.resolve("trust.p12");
        Path cert = dir.resolve("server.crt");
        keytool("-genkeypair", "-alias", "careflow", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
            "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
            "-storepass", PASSWORD);
        keytool("-exportcert", "-alias", "careflow", "-keystore", keystore.toString(), "-storepass", PASSWORD, "-rfc",
            "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "careflow", "-file", cert.toString(), "-storetype", "PKCS12",
            "-keystore", truststore.toString(), "-storepass", PASSWORD);
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("keytool %s: %s", args[0], output).isZero();
    }

    @BeforeEach
    void start() {
        ConfigDef def = CommonConfig.define(new ConfigDef(), 0);
        tls = HttpTlsSettings.from(new AbstractConfig(def, Map.of(
            CommonConfig.HTTP_TLS_KEYSTORE_PATH_CONFIG, keystore.toString(),
            CommonConfig.HTTP_TLS_KEYSTORE_PASSWORD_CONFIG, PASSWORD,
            CommonConfig.HTTP_TLS_TRUSTSTORE_PATH_CONFIG, truststore.toString(),
            CommonConfig.HTTP_TLS_TRUSTSTORE_PASSWORD_CONFIG, PASSWORD), false));
        server = HttpServerFactory.builder("127.0.0.1", 0).maxRequestBytes(1024).ready(() -> true).gate(SecurityGate.disabled()).tls(tls)
            .routes(config -> { }).build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void shouldAnswerOverHttpsWithTheConfiguredCertificate() throws Exception {
        // Given: the client a forwarding instance builds from http.tls.truststore.*
        try (InstanceHttpClient client = InteractiveQueryService.newHttpClient(Duration.ofSeconds(5), tls.clientSslContext())) {
            // When: twice, the second time over the kept connection
            InstanceHttpClient.Answer first = client.get(new HostInfo("localhost", server.port()), "/health/live", List.of(), Duration.ofSeconds(5));
            InstanceHttpClient.Answer second = client.get(new HostInfo("localhost", server.port()), "/health/live", List.of(), Duration.ofSeconds(5));

            // Then
            assertThat(client.secure()).isTrue();
            for (InstanceHttpClient.Answer answer : List.of(first, second)) {
                assertThat(answer.status()).isEqualTo(200);
                assertThat(new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8)).contains("UP");
            }
        }
    }

    @Test
    void shouldForwardAQueryToTheOwningInstanceOverHttps() throws Exception {
        // Given: an owner instance serving HTTPS, and an entry instance whose stream processor says the owner has the key
        Javalin owner = HttpServerFactory.builder("127.0.0.1", 0).maxRequestBytes(1024).ready(() -> true).gate(SecurityGate.disabled()).tls(tls)
            .routes(config ->
            config.routes.get("/v1/things/{id}", ctx -> ctx.json(Map.of("answeredBy", "owner", "id", ctx.pathParam("id"),
                "forwarded", ctx.header(InteractiveQueryService.FORWARDED_HEADER) != null)), EndpointClass.PUBLIC)).build().start();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "https-forwarding-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        Topology topology = new Topology();
        topology.addSource("things", "things");
        HostInfo ownerHost = new HostInfo("localhost", owner.port());
        KafkaStreams streams = new KafkaStreams(topology, props) {
            @Override
            public State state() {
                return State.RUNNING;
            }

            @Override
            public <K> KeyQueryMetadata queryMetadataForKey(String storeName, K key, Serializer<K> keySerializer) {
                return new KeyQueryMetadata(ownerHost, java.util.Set.of(), 0);
            }
        };
        try (InstanceHttpClient forwarding = InteractiveQueryService.newHttpClient(Duration.ofSeconds(5), tls.clientSslContext());
             HttpClient caller = HttpClient.newBuilder().sslContext(tls.clientSslContext()).build()) {
            InteractiveQueryService queries = InteractiveQueryService.builder(streams, new HostInfo("localhost", server.port()))
                .client(forwarding).forwardTimeout(Duration.ofSeconds(5)).audit("test", AuditPublisher.disabled()).scheme(tls.scheme())
                .build();
            Javalin entry = HttpServerFactory.builder("127.0.0.1", 0).maxRequestBytes(1024).ready(() -> true).gate(SecurityGate.disabled()).tls(tls)
            .routes(config ->
                config.routes.get("/v1/things/{id}", ctx -> queries.respondFromOwner(ctx, "things-store", ctx.pathParam("id"),
                    stores -> Map.of("answeredBy", "entry")), EndpointClass.PUBLIC)).build().start();
            try {
                // When
                HttpResponse<String> response = caller.send(
                    HttpRequest.newBuilder(URI.create("https://localhost:" + entry.port() + "/v1/things/t-1")).build(),
                    HttpResponse.BodyHandlers.ofString());

                // Then: the owner answered, reached over HTTPS
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(HttpServerFactory.MAPPER.readTree(response.body()))
                    .isEqualTo(HttpServerFactory.MAPPER.readTree("{\"answeredBy\":\"owner\",\"id\":\"t-1\",\"forwarded\":true}"));
            } finally {
                entry.stop();
            }
        } finally {
            owner.stop();
            streams.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void shouldNotServePlainHttpOnTheTlsPort() {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            assertThatThrownBy(() -> client.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + "/health/live")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        }
    }

    @Test
    void shouldRefuseTheConnectionWhenTheClientDoesNotTrustTheCertificate() {
        // Given: the JVM's default trust store, which does not hold the self-signed certificate
        try (InstanceHttpClient client = InteractiveQueryService.newHttpClient(Duration.ofSeconds(5), HttpTlsSettings.none().clientSslContext())) {
            // When / Then
            assertThatThrownBy(() -> client.get(new HostInfo("localhost", server.port()), "/health/live", List.of(), Duration.ofSeconds(5)))
                .isInstanceOf(IOException.class);
        }
    }
}
