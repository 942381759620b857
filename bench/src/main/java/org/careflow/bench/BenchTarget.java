package org.careflow.bench;

/**
 * Where the bench runs: on a broker and registry it starts itself ({@link #EMBEDDED}), or on an existing Kafka cluster
 * and registry given by their addresses, which it uses and leaves running. The apps it measures run in the bench's
 * JVM (or JVMs of its own) either way, pointed at the target.
 *
 * @param bootstrapServers  Kafka bootstrap servers of an existing cluster; null for the embedded stack
 * @param registryUrl       the Apicurio Registry v3 API URL of an existing registry; null for the embedded stack
 * @param replicationFactor replication factor of the topics the bench creates when they are missing
 */
public record BenchTarget(String bootstrapServers, String registryUrl, short replicationFactor) {

    public static final BenchTarget EMBEDDED = new BenchTarget(null, null, (short) 1);

    public BenchTarget {
        if ((bootstrapServers == null) != (registryUrl == null)) {
            throw new IllegalArgumentException("--kafka and --registry go together: give both to use an existing stack, or neither");
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("--replication-factor must be at least 1, was " + replicationFactor);
        }
    }

    /** Whether the bench uses an existing broker and registry instead of starting its own. */
    public boolean existing() {
        return bootstrapServers != null;
    }
}
