package org.careflow.bench.scenarios;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.careflow.bench.BenchSettings;
import org.careflow.config.CommonConfig;
import org.careflow.ingest.IngestApp;
import org.careflow.ingest.IngestConfig;
import org.careflow.platform.embedded.ChildJvm;

/**
 * The servers the ingest scenarios measure, each in a JVM of its own, so that neither shares garbage collection, JIT
 * or heap with the bench's HTTP clients (or the broker): careflow's ingest API as production runs it ({@link IngestApp}'s
 * {@code main} with a {@code --config} file) and its floor ({@link BareIngestFloor}'s {@code main}, given the same file).
 * Both get the same JVM options ({@value #HEAP} heap), the bench's {@code java} and class path through embedded-platform's
 * {@link ChildJvm} (which ends them when the bench's process dies), a port chosen here, and are ready once their
 * {@code /health/ready} answers 200. Their output goes to {@code <scenario>-ingest-api.log} and {@code <scenario>-floor.log}
 * beside the report.
 */
final class IngestServers implements AutoCloseable {

    static final String HEAP = ChildServers.HEAP;
    static final String API = "ingest-api";
    static final String FLOOR = "floor";
    /** The name of the measured server's process in CPU metrics: {@code POST c=16 CPU server}. */
    static final String SERVER = "server";
    private static final String HOST = ChildServers.HOST;

    private final List<ChildJvm> children;
    private final int apiPort;
    private final int floorPort;

    private IngestServers(List<ChildJvm> children, int apiPort, int floorPort) {
        this.children = children;
        this.apiPort = apiPort;
        this.floorPort = floorPort;
    }

    /**
     * Starts both with {@code config}'s settings (each on a free port), the floor pre-encoding {@code floorEvents} events
     * of the bench's synthetic data from {@code floorFirstIndex} on, and waits until both are ready.
     */
    static IngestServers start(BenchContext context, BenchSettings settings, String scenario, IngestConfig config,
                               long floorFirstIndex, int floorEvents) throws Exception {
        int apiPort = freePort();
        int floorPort = freePort();
        Path dir = context.stack().newDirectory(context.uniqueName(scenario + "-servers"));
        Path apiConfig = writeConfig(config, apiPort, dir.resolve("ingest-api.properties"));
        Path floorConfig = writeConfig(config, floorPort, dir.resolve("floor.properties"));
        SyntheticData data = context.data();
        List<ChildJvm> children = new ArrayList<>();
        try {
            children.add(ChildServers.start(settings, scenario, API, IngestApp.class.getName(), List.of("--config", apiConfig.toString())));
            children.add(ChildServers.start(settings, scenario, FLOOR, BareIngestFloor.class.getName(),
                List.of(floorConfig.toString(), Long.toString(data.seed()), Long.toString(data.epoch().toEpochMilli()),
                    Long.toString(floorFirstIndex), Integer.toString(floorEvents))));
            IngestServers servers = new IngestServers(children, apiPort, floorPort);
            servers.awaitReady();
            return servers;
        } catch (Exception | Error e) {
            children.forEach(ChildJvm::close);
            throw e;
        }
    }

    /** The ingest API's URI of {@code path}. */
    URI api(String path) {
        return URI.create("http://" + HOST + ":" + apiPort + path);
    }

    /** The floor's URI of {@code path}. */
    URI floor(String path) {
        return URI.create("http://" + HOST + ":" + floorPort + path);
    }

    /**
     * The ingest API's process named {@value #SERVER}, for {@link org.careflow.bench.infra.MeasuredProcesses}: careflow's
     * rounds measure it, the floor's rounds measure {@link #floorProcess()} under the same name, so that each CPU figure
     * is compared with the other server's.
     */
    Map<String, ProcessHandle> apiProcess() {
        return process(children.get(0));
    }

    /** The floor's process named {@value #SERVER}. */
    Map<String, ProcessHandle> floorProcess() {
        return process(children.get(1));
    }

    private static Map<String, ProcessHandle> process(ChildJvm child) {
        return Map.of(SERVER, ProcessHandle.of(child.pid()).orElseThrow(() -> new IllegalStateException(child.name() + " has ended")));
    }

    /** Fails when either server has ended (its log says why). */
    void requireAlive() {
        children.forEach(ChildJvm::requireAlive);
    }

    private void awaitReady() throws Exception {
        ChildServers.awaitReady(children, List.of(api("/health/ready"), floor("/health/ready")));
    }

    private static Path writeConfig(IngestConfig config, int port, Path file) {
        Map<String, Object> settings = new LinkedHashMap<>(config.originals());
        settings.put(CommonConfig.HTTP_HOST_CONFIG, HOST);
        settings.put(CommonConfig.HTTP_PORT_CONFIG, Integer.toString(port));
        return ChildServers.writeConfig(settings, file);
    }

    private static int freePort() throws IOException {
        return ChildServers.freePort();
    }

    @Override
    public void close() {
        children.forEach(ChildJvm::signalStop);
        children.forEach(ChildJvm::close);
    }
}
