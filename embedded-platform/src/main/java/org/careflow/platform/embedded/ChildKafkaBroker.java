package org.careflow.platform.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A single-node KRaft broker in a JVM of its own ({@link KafkaNodeMain} through {@link ChildJvm}): for whoever measures
 * what a client costs and must not count the broker's CPU and garbage collection as its own (the bench). It dies with
 * this JVM, as every {@link ChildJvm} does. {@link #start} returns once the broker answers clients.
 */
public final class ChildKafkaBroker implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(100);

    private final ChildJvm jvm;
    private final KafkaNodeMain.Node node;

    private ChildKafkaBroker(ChildJvm jvm, KafkaNodeMain.Node node) {
        this.jvm = jvm;
        this.node = node;
    }

    /**
     * Starts a node on free ports in {@code dataDirectory}, logging to {@code logFile} (with {@code logConfiguration}, a
     * Log4j 2 resource on the class path, or none), and waits until it answers or {@code deadline} passes.
     *
     * @param brokerProperties settings over {@link EmbeddedKafkaBroker}'s single-node defaults, e.g. {@code num.partitions}
     * @param jvmOptions       the child's JVM options, e.g. its heap
     */
    public static ChildKafkaBroker start(Path dataDirectory, Map<String, String> brokerProperties, List<String> jvmOptions,
                                         Path logFile, String logConfiguration, Duration deadline) {
        int[] ports = FreePorts.reserve(2);
        KafkaNodeMain.Node node = KafkaNodeMain.Node.single(dataDirectory, ports[0], ports[1], brokerProperties);
        List<String> options = new ArrayList<>(jvmOptions);
        options.addAll(ChildJvm.quietJvmOptions());
        ChildJvm.Builder builder = ChildJvm.builder("kafka", KafkaNodeMain.class.getName()).jvmOptions(options)
            .args(node.arguments()).logFile(Objects.requireNonNull(logFile, "logFile"));
        if (logConfiguration != null) {
            builder.logConfiguration(logConfiguration);
        }
        ChildKafkaBroker broker = new ChildKafkaBroker(builder.build().start(), node);
        try {
            broker.awaitAnswer(deadline);
            return broker;
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    private void awaitAnswer(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrapServers(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000", AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000"))) {
            while (true) {
                jvm.requireAlive();
                try {
                    if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for the broker to start", e);
                } catch (Exception e) {
                    // Not listening yet: the JVM is still starting.
                }
                if (System.nanoTime() - end > 0) {
                    throw new IllegalStateException("The broker did not answer within " + deadline.toSeconds() + " s; see "
                        + jvm.logFile().toAbsolutePath());
                }
                LockSupport.parkNanos(POLL.toNanos());
            }
        }
    }

    public String bootstrapServers() {
        return node.bootstrapServers();
    }

    /** The broker's process, e.g. to read its CPU time. */
    public ProcessHandle process() {
        return ProcessHandle.of(jvm.pid()).orElseThrow(() -> new IllegalStateException("The broker's process is gone"));
    }

    /** Fails, naming its log, when the broker's JVM has ended. */
    public void requireAlive() {
        jvm.requireAlive();
    }

    /** SIGTERM (the node shuts down cleanly), SIGKILL if it takes too long. */
    @Override
    public void close() {
        jvm.close();
    }
}
