package org.careflow.security;

import java.util.Locale;

/** Groups endpoints that share one rate limit per client ({@code rate.limit.<class>.per.second} / {@code .burst}). */
public enum RateClass {
    QUERY(50, 100),
    INGEST(50, 100),
    BATCH(2, 5),
    ADMIN(5, 10),
    WEBHOOK(100, 200);

    private final int defaultPerSecond;
    private final int defaultBurst;

    RateClass(int defaultPerSecond, int defaultBurst) {
        this.defaultPerSecond = defaultPerSecond;
        this.defaultBurst = defaultBurst;
    }

    /** The name used in configuration keys: {@code query}, {@code ingest}, ... */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public int defaultPerSecond() {
        return defaultPerSecond;
    }

    public int defaultBurst() {
        return defaultBurst;
    }
}
