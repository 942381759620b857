package org.careflow.bench.drain;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.careflow.bench.infra.StreamsRuns;
import org.careflow.query.StreamsHttpApp;
import org.careflow.triage.TriageApp;
import org.careflow.triage.TriageConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM a drain app runs in, apart from the bench's, so that the bench holds only the load and the measuring and each
 * app's CPU time is its own. It stays up across rounds (its JIT warms up once, as in production) and takes commands on
 * its standard input: {@code start FILE} starts the round a {@link DrainRoundConfig} file describes (streams-triage
 * through {@code TriageApp.start}, or a raw app) and reports RUNNING in the {@link ProgressFile}; {@code stop} closes it.
 * It ends when its standard input closes (the bench is gone).
 *
 * <p>Arguments: the progress file.
 */
public final class DrainAppMain {

    private static final Logger LOG = LoggerFactory.getLogger(DrainAppMain.class);
    private static final Duration RUNNING_DEADLINE = Duration.ofMinutes(5);

    private DrainAppMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: DrainAppMain PROGRESS_FILE");
        }
        ProgressFile progress = ProgressFile.map(Path.of(args[0]));
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        AutoCloseable current = null;
        for (String line = commands.readLine(); line != null; line = commands.readLine()) {
            if (line.startsWith("start ")) {
                DrainRoundConfig config = DrainRoundConfig.read(Path.of(line.substring("start ".length())));
                progress.starting(config.round());
                try {
                    current = start(config, progress);
                } catch (RuntimeException e) {
                    LOG.error("Round {} of {} did not start", config.round(), config.app(), e);
                    progress.setState(ProgressFile.State.FAILED);
                }
            } else if (line.equals("stop")) {
                if (current != null) {
                    current.close();
                    current = null;
                }
                progress.setState(ProgressFile.State.STOPPED);
            } else {
                LOG.warn("Unknown command: {}", line);
            }
        }
        if (current != null) {
            current.close();
        }
    }

    private static AutoCloseable start(DrainRoundConfig config, ProgressFile progress) {
        if (config.app() == DrainApp.TRIAGE) {
            StreamsHttpApp app = TriageApp.start(new TriageConfig(new HashMap<String, Object>(config.settings())));
            watch(app.streams(), progress);
            return app::close;
        }
        Topology topology = config.app() == DrainApp.AGGREGATE
            ? AggregateTopology.build(config.inputTopic(), progress::count)
            : SameShapeTopology.build(config.shape(), config.inputTopic(), config.outputTopic());
        Properties props = new Properties();
        props.putAll(config.settings());
        KafkaStreams streams = new KafkaStreams(topology, props);
        streams.setUncaughtExceptionHandler(e -> StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        streams.start();
        watch(streams, progress);
        return () -> StreamsRuns.close(streams);
    }

    /** Reports RUNNING once {@code streams} is, and FAILED if it stops on its own afterwards. */
    private static void watch(KafkaStreams streams, ProgressFile progress) {
        progress.running(StreamsRuns.awaitRunning(streams, RUNNING_DEADLINE, "The drain app"));
        Thread watcher = new Thread(() -> {
            while (progress.state() == ProgressFile.State.RUNNING) {
                KafkaStreams.State state = streams.state();
                if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR) {
                    progress.setState(ProgressFile.State.FAILED);
                    return;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
            }
        }, "drain-app-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }
}
