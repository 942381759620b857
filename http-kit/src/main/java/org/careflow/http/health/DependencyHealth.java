package org.careflow.http.health;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The dependencies an app found down while processing (the schema registry, for a record it could not read), for its
 * readiness: one marked down stays so until its own check passes again, which readiness asks on every call. An app
 * that waits for a dependency says so instead of looking healthy while it makes no progress.
 */
public final class DependencyHealth {

    private record Down(String reason, BooleanSupplier recovered) {
    }

    private final Map<String, Down> down = new ConcurrentHashMap<>();

    /** Marks {@code dependency} down for {@code reason} until {@code recovered} answers true. */
    public void down(String dependency, String reason, BooleanSupplier recovered) {
        down.put(Objects.requireNonNull(dependency, "dependency"), new Down(Objects.requireNonNull(reason, "reason"),
            Objects.requireNonNull(recovered, "recovered")));
    }

    /** The dependencies still down, with why; each is checked again first, and dropped once it recovered. */
    public Map<String, String> current() {
        Map<String, String> still = new TreeMap<>();
        down.forEach((dependency, d) -> {
            if (d.recovered().getAsBoolean()) {
                down.remove(dependency, d);
            } else {
                still.put(dependency, d.reason());
            }
        });
        return still;
    }
}
