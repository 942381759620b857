package org.careflow.chaos;

import java.time.Duration;
import java.util.List;

/**
 * One scenario of the suite: what it breaks and how it heals. {@link #inject()} hurts the cluster and returns at once;
 * after {@link #down()} the suite calls {@link #heal()}, which brings the part back and returns once it serves.
 */
interface Fault {

    String name();

    String description();

    Duration down();

    void inject();

    void heal();

    /** Several faults at once: injected together, healed in the reverse order (an app cannot be ready while the registry is away). */
    static Fault combined(String name, List<Fault> faults) {
        Duration down = faults.stream().map(Fault::down).max(Duration::compareTo).orElse(Duration.ZERO);
        return new Of(name, String.join(" + ", faults.stream().map(Fault::description).toList()), down,
            () -> faults.forEach(Fault::inject), () -> faults.reversed().forEach(Fault::heal));
    }

    /** A fault made of its parts: what it is called and says, how long it lasts, how it hurts and how it heals. */
    record Of(String name, String description, Duration down, Runnable injector, Runnable healer) implements Fault {

        @Override
        public void inject() {
            injector.run();
        }

        @Override
        public void heal() {
            healer.run();
        }
    }
}
