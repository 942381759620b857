package org.careflow.chaos;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.careflow.connectors.ConnectorConfigs;
import org.careflow.connectors.ConnectorsApply;
import org.careflow.platform.embedded.Await;
import org.careflow.platform.embedded.EmbeddedConnect;
import org.careflow.platform.embedded.EmbeddedMongo;
import org.careflow.platform.embedded.EmbeddedPostgres;
import org.careflow.security.SecretFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where careflow's outputs land: PostgreSQL and MongoDB (in the harness's process: the suite does not hurt them) and
 * the Kafka Connect worker that writes there (a process of its own, which the suite does SIGKILL), with the
 * connectors of {@code connectors/config} that carry booking outcomes and triage assessments applied as
 * {@code ./careflow connectors apply} would. It answers which bookings and assessments each store holds.
 */
final class Sinks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Sinks.class);
    /** The connectors the checks read back: appointments and assessments in PostgreSQL, assessments in MongoDB. */
    static final List<String> CONNECTORS = List.of("10-pg-appointments.json", "11-pg-assessments.json", "20-mongo-assessments.json");
    static final String DATABASE = "careflow";
    static final String CONNECTORS_HOME_PROPERTY = "careflow.connectors.home";

    private final EmbeddedPostgres postgres;
    private final EmbeddedMongo mongo;
    private final MongoClient mongoClient;
    private final ChaosProcess worker;
    private final String url;

    private Sinks(EmbeddedPostgres postgres, EmbeddedMongo mongo, ChaosProcess worker, String url) {
        this.postgres = postgres;
        this.mongo = mongo;
        this.worker = worker;
        this.url = url;
        this.mongoClient = MongoClients.create(mongo.connectionString());
    }

    /** Starts the stores and the worker, applies the connectors and waits until every one runs. */
    static Sinks start(Path dir, String bootstrap, String registryUrl, int restPort, Duration deadline) {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().dataDirectory(dir.resolve("postgres")).database(DATABASE)
            .user("careflow").password("chaos").build().start();
        EmbeddedMongo mongo = EmbeddedMongo.builder().build().start();
        Path home = Path.of(System.getProperty(CONNECTORS_HOME_PROPERTY, "connectors")).toAbsolutePath();
        Path pluginPath = Path.of(System.getProperty(EmbeddedConnect.PLUGIN_PATH_PROPERTY, home.resolve("target/plugins").toString()));
        Path connectDir = dir.resolve("connect");
        Path secrets = SecretFile.writeProperties(connectDir.resolve("secrets.properties"), Map.of(
            "SINK_JDBC_PASSWORD", postgres.password(),
            "MONGO_URI", mongo.connectionString(),
            // The registry runs without authentication here: the converters' login is sent and ignored.
            "REGISTRY_CLIENT_SECRET", "unused"));
        ChaosProcess worker = ChaosProcess.of("kafka-connect", ConnectWorkerMain.class.getName(), List.of("-Xmx512m", "-XX:+UseSerialGC"),
            List.of(bootstrap, String.valueOf(restPort), pluginPath.toString(), connectDir.toString()), dir.resolve("logs/kafka-connect.log"));
        Sinks sinks = new Sinks(postgres, mongo, worker.start(), "http://" + ChaosCluster.HOST + ":" + restPort);
        try {
            sinks.awaitWorker(deadline);
            Path configs = Files.createDirectories(connectDir.resolve("config"));
            for (String file : CONNECTORS) {
                Files.copy(home.resolve("config").resolve(file), configs.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
            Map<String, String> variables = new HashMap<>();
            variables.put(ConnectorConfigs.SECRETS_VARIABLE, "file:" + secrets);
            variables.put("REGISTRY_V2_URL", registryUrl.replace("/apis/registry/v3", "/apis/registry/v2"));
            variables.put("REPLICATION_FACTOR", String.valueOf(ChaosCluster.REPLICAS));
            variables.put("SINK_JDBC_URL", postgres.jdbcUrl(DATABASE));
            variables.put("SINK_JDBC_USER", postgres.user());
            variables.put("MONGO_DATABASE", DATABASE);
            int applied = ConnectorsApply.run(new ConnectorsApply.Options(sinks.url, configs, variables, deadline, null));
            if (applied != 0) {
                throw new IllegalStateException("Not every connector runs; see " + worker.logFile());
            }
            return sinks;
        } catch (IOException e) {
            sinks.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            sinks.close();
            throw e;
        }
    }

    ChaosProcess worker() {
        return worker;
    }

    /** Waits until the worker's REST API answers (after a start or a restart). */
    void awaitWorker(Duration deadline) {
        HttpClient http = HttpClient.newHttpClient();
        Await.until("the Connect worker to answer", deadline, () -> {
            worker.requireAlive();
            try {
                return http.send(HttpRequest.newBuilder(URI.create(url + "/connectors")).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    /** Booking ids in PostgreSQL's appointments table. */
    Set<String> appointmentIds() {
        return column("SELECT booking_id FROM appointments");
    }

    /** Submission ids in PostgreSQL's triage_assessments table. */
    Set<String> postgresAssessmentIds() {
        return column("SELECT submission_id FROM triage_assessments");
    }

    /** Submission ids in MongoDB's assessments collection. */
    Set<String> mongoAssessmentIds() {
        Set<String> ids = new HashSet<>();
        try {
            for (Document d : mongoClient.getDatabase(DATABASE).getCollection("assessments").find().projection(new Document("submissionId", 1))) {
                ids.add(d.getString("submissionId"));
            }
        } catch (RuntimeException e) {
            LOG.debug("Cannot read MongoDB yet: {}", e.toString());
        }
        return ids;
    }

    private Set<String> column(String sql) {
        Set<String> ids = new HashSet<>();
        try (Connection c = postgres.connection(DATABASE); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                ids.add(r.getString(1));
            }
        } catch (SQLException e) {
            // The table does not exist until the sink's first record creates it.
            LOG.debug("Cannot read PostgreSQL yet: {}", e.getMessage());
        }
        return ids;
    }

    @Override
    public void close() {
        worker.close();
        try {
            mongoClient.close();
        } finally {
            try {
                mongo.close();
            } finally {
                postgres.close();
            }
        }
    }
}
