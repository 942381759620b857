package org.careflow.bench.scenarios;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.careflow.bench.BenchSettings;
import org.careflow.config.CommonConfig;
import org.careflow.http.metrics.AppMetrics;
import org.careflow.ingest.IngestApp;
import org.careflow.platform.embedded.ChildJvm;
import org.careflow.triage.TriageApp;

/**
 * The two careflow apps the end-to-end latency scenario measures, each in a JVM of its own ({@value ChildServers#HEAP}
 * heap, as the ingest scenario's servers), apart from the bench's load generator and reader: the ingest API and
 * streams-triage, each started with {@code --config} and ready once its {@code /health/ready} answers 200. Their output
 * goes to {@code latency-ingest-api.log} and {@code latency-streams-triage.log} beside the report.
 */
final class LatencyApps implements AutoCloseable {

    static final String INGEST = "ingest-api";
    static final String TRIAGE = "streams-triage";

    private final List<ChildJvm> children;
    private final int ingestPort;
    private final int triagePort;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    private LatencyApps(List<ChildJvm> children, int ingestPort, int triagePort) {
        this.children = children;
        this.ingestPort = ingestPort;
        this.triagePort = triagePort;
    }

    /** Starts both with these settings (each on a free port of its own) and waits until both are ready. */
    static LatencyApps start(BenchContext context, BenchSettings settings, String scenario, Map<String, ?> ingestSettings,
                             Map<String, ?> triageSettings) throws Exception {
        int ingestPort = ChildServers.freePort();
        int triagePort = ChildServers.freePort();
        Path dir = context.stack().newDirectory(context.uniqueName(scenario + "-apps"));
        List<ChildJvm> children = new ArrayList<>();
        try {
            children.add(ChildServers.start(settings, scenario, INGEST, IngestApp.class.getName(), List.of("--config",
                ChildServers.writeConfig(onPort(ingestSettings, ingestPort), dir.resolve(INGEST + ".properties")).toString())));
            children.add(ChildServers.start(settings, scenario, TRIAGE, TriageApp.class.getName(), List.of("--config",
                ChildServers.writeConfig(onPort(triageSettings, triagePort), dir.resolve(TRIAGE + ".properties")).toString())));
            LatencyApps apps = new LatencyApps(children, ingestPort, triagePort);
            ChildServers.awaitReady(children, List.of(apps.ingest("/health/ready"), apps.triage("/health/ready")));
            return apps;
        } catch (Exception | Error e) {
            children.forEach(ChildJvm::close);
            throw e;
        }
    }

    URI ingest(String path) {
        return URI.create("http://" + ChildServers.HOST + ":" + ingestPort + path);
    }

    URI triage(String path) {
        return URI.create("http://" + ChildServers.HOST + ":" + triagePort + path);
    }

    int ingestPort() {
        return ingestPort;
    }

    int triagePort() {
        return triagePort;
    }

    /** What streams-triage's {@code GET /metrics} answers now (Prometheus text). */
    String triageMetrics() throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(triage(AppMetrics.PATH)).timeout(Duration.ofSeconds(10)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("streams-triage's " + AppMetrics.PATH + " answered " + response.statusCode());
        }
        return response.body();
    }

    /** Fails when either app has ended (its log says why). */
    void requireAlive() {
        children.forEach(ChildJvm::requireAlive);
    }

    @Override
    public void close() {
        client.close();
        children.forEach(ChildJvm::signalStop);
        children.forEach(ChildJvm::close);
    }

    private static Map<String, Object> onPort(Map<String, ?> settings, int port) {
        Map<String, Object> out = new LinkedHashMap<>(settings);
        out.put(CommonConfig.HTTP_HOST_CONFIG, ChildServers.HOST);
        out.put(CommonConfig.HTTP_PORT_CONFIG, Integer.toString(port));
        return out;
    }
}
