package org.careflow.bench.scenarios;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One streams app the memory scenario loads: its main class, application id, state directory and configuration file,
 * and the topics it reads, from its topology: catalogue topics and its own repartition topics.
 */
record MemoryApp(String name, String mainClass, String applicationId, Path stateDir, Path configFile, Set<String> externalSources,
                 Set<String> internalSources) {

    Set<String> sources() {
        Set<String> all = new LinkedHashSet<>(externalSources);
        all.addAll(internalSources);
        return all;
    }
}
