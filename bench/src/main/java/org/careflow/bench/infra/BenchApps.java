package org.careflow.bench.infra;

import java.nio.file.Path;
import org.careflow.config.StreamsSettings;
import org.careflow.security.AuthSettings;

/**
 * The settings of a careflow streams app the bench runs on its stack, from the platform's one settings builder: the
 * stack's brokers and registry, HTTP on a free port of {@code host}, advertised as {@code host}, and authentication off.
 * Scenarios add what they measure (guarantee, RocksDB budget, the user's {@code --triage-setting}s) as named fields.
 */
public final class BenchApps {

    private BenchApps() {
    }

    public static StreamsSettings.Builder streamsApp(BenchStack stack, String host, String applicationId, Path stateDir) {
        return StreamsSettings.builder()
            .bootstrapServers(stack.bootstrapServers())
            .registry(stack.registryUrl())
            .http(host, 0)
            .advertisedHost(host)
            .applicationId(applicationId)
            .stateDir(stateDir)
            // The benchmark measures with authentication off (see bench/README.md).
            .override(AuthSettings.AUTH_ENABLED_CONFIG, "false");
    }
}
