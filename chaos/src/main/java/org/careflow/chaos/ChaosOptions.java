package org.careflow.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What {@code ./careflow chaos} was asked: the quick subset or the full suite, optionally one scenario, where the JSON
 * report goes, and the load's rate.
 */
record ChaosOptions(boolean quick, Optional<String> scenario, Path out, double rate) {

    static final String USAGE = "usage: ./careflow chaos [--quick] [--scenario NAME] [--out FILE] [--rate REQUESTS_PER_SECOND]";
    static final double DEFAULT_RATE = 10;

    static ChaosOptions parse(String[] args, Path defaultOut) {
        boolean quick = false;
        String scenario = null;
        Path out = defaultOut;
        double rate = DEFAULT_RATE;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--scenario" -> scenario = value(args, ++i);
                case "--out" -> out = Path.of(value(args, ++i));
                case "--rate" -> rate = Double.parseDouble(value(args, ++i));
                default -> throw new IllegalArgumentException("Unknown option " + args[i] + "\n" + USAGE);
            }
        }
        if (rate <= 0) {
            throw new IllegalArgumentException("--rate must be positive\n" + USAGE);
        }
        return new ChaosOptions(quick, Optional.ofNullable(scenario), out, rate);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value\n" + USAGE);
        }
        return args[i];
    }

    /** How long the load runs before each fault. */
    Duration before() {
        return quick ? Duration.ofSeconds(5) : Duration.ofSeconds(15);
    }

    /** How long a killed process stays down, or a paused one stopped, before it is brought back. */
    Duration down() {
        return quick ? Duration.ofSeconds(5) : Duration.ofSeconds(15);
    }

    /** The registry outage. */
    Duration registryOutage() {
        return quick ? Duration.ofSeconds(15) : Duration.ofSeconds(30);
    }

    /** How long the load runs after the fault is healed, before the checks' cutoff. */
    Duration after() {
        return quick ? Duration.ofSeconds(5) : Duration.ofSeconds(15);
    }

    /** How long the checks wait for what was acknowledged to show. */
    Duration checkDeadline() {
        return Duration.ofSeconds(180);
    }
}
