package org.careflow.chaos;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.careflow.platform.embedded.EmbeddedConnect;

/**
 * The chaos suite's Kafka Connect worker, in a JVM of its own so that SIGKILL takes it down with its tasks and their
 * uncommitted offsets. Its internal topics are replicated three times like everything else; connectors read their
 * secrets from a file through Connect's FileConfigProvider.
 *
 * <p>Arguments: bootstrap servers, REST port, plugin path, the folder of the secrets file.
 */
public final class ConnectWorkerMain {

    static final String GROUP = "careflow-connect";

    private ConnectWorkerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: ConnectWorkerMain BOOTSTRAP REST_PORT PLUGIN_PATH SECRETS_DIR");
        }
        EmbeddedConnect.Builder builder = EmbeddedConnect.builder().bootstrapServers(args[0]).restPort(Integer.parseInt(args[1]))
            .pluginPath(Path.of(args[2])).groupId(GROUP)
            .workerProperty("config.providers", "file")
            .workerProperty("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider")
            .workerProperty("config.providers.file.param.allowed.paths", args[3]);
        for (String store : new String[] {"config", "offset", "status"}) {
            builder.workerProperty(store + ".storage.replication.factor", String.valueOf(ChaosCluster.REPLICAS));
        }
        // Offsets committed often: after a SIGKILL the sinks write again at most this much, idempotently (upserts).
        builder.workerProperty("offset.flush.interval.ms", "2000");
        EmbeddedConnect connect = builder.build();
        Runtime.getRuntime().addShutdownHook(new Thread(connect::close, "connect-shutdown"));
        connect.start();
        new CountDownLatch(1).await();
    }
}
