package org.careflow.bench.scenarios;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.careflow.bench.BenchSettings;
import org.careflow.config.ConfigSources;
import org.careflow.platform.embedded.ChildJvm;

/** What the scenarios that run careflow's servers in JVMs of their own share: ports, configuration files, readiness. */
final class ChildServers {

    static final String HOST = "127.0.0.1";
    /** The heap of every server these scenarios start. */
    static final String HEAP = "512m";
    static final Duration READY_DEADLINE = Duration.ofMinutes(2);

    private ChildServers() {
    }

    /** The JVM options of every server: {@value #HEAP} heap, quiet, and C1 alone in the smoke test (whose figures mean nothing). */
    static List<String> jvmOptions(BenchSettings settings) {
        List<String> options = new ArrayList<>(List.of("-Xmx" + HEAP));
        options.addAll(ChildJvm.quietJvmOptions());
        if ("smoke".equals(settings.mode())) {
            options.add(MemoryScenario.SMOKE_JIT_OPTION);
        }
        return options;
    }

    /** Starts {@code mainClass} with {@code args}, its output in {@code <scenario>-<name>.log} beside the report. */
    static ChildJvm start(BenchSettings settings, String scenario, String name, String mainClass, List<String> args) {
        return ChildJvm.builder(name, mainClass).jvmOptions(jvmOptions(settings)).args(args)
            .logFile(settings.outputDir().resolve(scenario + "-" + name + ".log"))
            .logConfiguration(MemoryScenario.CHILD_LOG_CONFIGURATION).withoutEnvironment(ConfigSources.ENV_PREFIX).build().start();
    }

    /** A port free now; the child binds it a moment later (another process taking it in between fails the start loudly). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Writes {@code settings} as a properties file a careflow app reads with {@code --config}. */
    static Path writeConfig(Map<String, ?> settings, Path file) {
        Properties properties = new Properties();
        settings.forEach((key, value) -> properties.setProperty(key, String.valueOf(value)));
        try (OutputStream out = Files.newOutputStream(file)) {
            properties.store(out, "written by the bench for a server it starts");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
        return file;
    }

    /** Waits until each of {@code ready} answers 200, failing at once when one of {@code children} has ended. */
    static void awaitReady(List<ChildJvm> children, List<URI> ready) throws Exception {
        long end = System.nanoTime() + READY_DEADLINE.toNanos();
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build()) {
            for (URI uri : ready) {
                while (true) {
                    children.forEach(ChildJvm::requireAlive);
                    try {
                        HttpResponse<Void> response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build(),
                            HttpResponse.BodyHandlers.discarding());
                        if (response.statusCode() == 200) {
                            break;
                        }
                    } catch (IOException e) {
                        // Not listening yet.
                    }
                    if (System.nanoTime() - end > 0) {
                        throw new IllegalStateException(uri + " was not ready within " + READY_DEADLINE.toSeconds() + " s");
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                }
            }
        }
    }
}
