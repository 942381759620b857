package org.careflow.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.careflow.topics.Topics;

/** The suite's scenarios, the full list and the quick subset, on one cluster. */
final class Faults {

    private static final Duration HEAL_DEADLINE = Duration.ofSeconds(180);

    private Faults() {
    }

    /** Every scenario by name, in the order the full suite runs them: one at a time, then in combination. */
    static Map<String, Fault> all(ChaosCluster cluster) {
        ChaosOptions options = cluster.options();
        Map<String, Fault> out = new LinkedHashMap<>();
        for (ChaosCluster.Instance instance : cluster.instances()) {
            if (instance.app().equals("streams-notifications")) {
                put(out, killNotifications(cluster, instance.index(), options.down()));
            } else if (!instance.app().equals(ChaosCluster.DISPATCHER)) {
                // (a dispatcher is killed with the streams-notifications instance beside it, as when it ran inside it)
                put(out, killInstance(cluster, instance, options.down()));
            }
        }
        put(out, killBroker(cluster, "kill-leader-broker", "SIGKILL of the leader of " + Topics.TRIAGE_SUBMISSIONS.name() + "-0",
            () -> cluster.leaderOf(Topics.TRIAGE_SUBMISSIONS.name()), options.down()));
        put(out, killBroker(cluster, "kill-active-controller", "SIGKILL of the active KRaft controller", cluster::activeController,
            options.down()));
        put(out, registryOutage(cluster, options.registryOutage()));
        if (runsDiskFull(options)) {
            put(out, diskFull(cluster, options.down()));
        }
        put(out, simple("kill-kafka-connect", "SIGKILL of the Kafka Connect worker", options.down(),
            () -> cluster.sinks().worker().kill(),
            () -> {
                cluster.sinks().worker().start();
                cluster.sinks().awaitWorker(HEAL_DEADLINE);
            }));
        put(out, pause(cluster, cluster.instance("streams-scheduling-1"), Duration.ofSeconds(20)));
        put(out, Fault.combined("combined-triage-and-leader", List.of(killInstance(cluster, cluster.instance("streams-triage-1"), options.down()),
            killBroker(cluster, "", "SIGKILL of the leader of " + Topics.TRIAGE_SUBMISSIONS.name() + "-0",
                () -> cluster.leaderOf(Topics.TRIAGE_SUBMISSIONS.name()), options.down()))));
        put(out, Fault.combined("combined-notifications-and-registry", List.of(
            killNotifications(cluster, 1, options.down()), registryOutage(cluster, options.registryOutage()))));
        return out;
    }

    static final String DISK_FULL = "disk-full-broker";

    /** Whether the disk-full scenario runs: in the full suite, or asked for by name (it needs to mount a small disk). */
    static boolean runsDiskFull(ChaosOptions options) {
        return options.scenario().map(DISK_FULL::equals).orElse(!options.quick());
    }

    /**
     * Fills the disk under one node's data: the node fails its writes, and with its only log directory failed Kafka
     * stops the node. Brought back by freeing the space and starting the node again on its data.
     */
    static Fault diskFull(ChaosCluster cluster, Duration down) {
        ChaosProcess node = cluster.node(ChaosCluster.DISK_FULL_NODE);
        return simple(DISK_FULL, "the disk under kafka-" + ChaosCluster.DISK_FULL_NODE + "'s data filled", down,
            () -> cluster.smallDisk().fill(),
            () -> {
                cluster.smallDisk().free();
                if (!node.isAlive()) {
                    node.start();
                }
                cluster.awaitBrokers(HEAL_DEADLINE);
                cluster.awaitFullIsr(HEAL_DEADLINE);
            });
    }

    /** The subset {@code --quick} runs, and {@code ./careflow test} with it. */
    static List<String> quick() {
        return List.of("kill-streams-triage-1", "kill-leader-broker", "kill-streams-notifications-1", "registry-outage");
    }

    static List<Fault> select(ChaosCluster cluster) {
        Map<String, Fault> all = all(cluster);
        ChaosOptions options = cluster.options();
        if (options.scenario().isPresent()) {
            Fault one = all.get(options.scenario().get());
            if (one == null) {
                throw new IllegalArgumentException("No scenario " + options.scenario().get() + "; there are " + all.keySet());
            }
            return List.of(one);
        }
        return options.quick() ? new ArrayList<>(quick().stream().map(all::get).toList()) : new ArrayList<>(all.values());
    }

    private static void put(Map<String, Fault> out, Fault fault) {
        out.put(fault.name(), fault);
    }

    static Fault killInstance(ChaosCluster cluster, ChaosCluster.Instance instance, Duration down) {
        return simple("kill-" + instance.name(), "SIGKILL of " + instance.name(), down,
            () -> instance.process().kill(),
            () -> {
                instance.process().start();
                cluster.awaitReady(instance, HEAL_DEADLINE);
            });
    }

    /**
     * SIGKILL of streams-notifications-{@code index} and of the dispatcher beside it, as when the dispatcher ran inside
     * that process: reminders planned but not yet sent, and sends whose outcome was not recorded, must survive both.
     */
    static Fault killNotifications(ChaosCluster cluster, int index, Duration down) {
        ChaosCluster.Instance notifications = cluster.instance("streams-notifications-" + index);
        ChaosCluster.Instance dispatcher = cluster.instance(ChaosCluster.DISPATCHER + "-" + index);
        return simple("kill-" + notifications.name(), "SIGKILL of " + notifications.name() + " and " + dispatcher.name(), down,
            () -> {
                notifications.process().kill();
                dispatcher.process().kill();
            },
            () -> {
                notifications.process().start();
                dispatcher.process().start();
                cluster.awaitReady(notifications, HEAL_DEADLINE);
                cluster.awaitReady(dispatcher, HEAL_DEADLINE);
            });
    }

    interface NodeChooser {
        int choose();
    }

    static Fault killBroker(ChaosCluster cluster, String name, String description, NodeChooser chooser, Duration down) {
        int[] victim = new int[1];
        return simple(name, description, down,
            () -> {
                victim[0] = chooser.choose();
                cluster.node(victim[0]).kill();
            },
            () -> {
                cluster.node(victim[0]).start();
                cluster.awaitBrokers(HEAL_DEADLINE);
                cluster.awaitFullIsr(HEAL_DEADLINE);
            });
    }

    static Fault registryOutage(ChaosCluster cluster, Duration outage) {
        return simple("registry-outage", "the registry stopped for " + outage.toSeconds() + " s", outage,
            cluster::stopRegistry, () -> cluster.startRegistry(HEAL_DEADLINE));
    }

    static Fault pause(ChaosCluster cluster, ChaosCluster.Instance instance, Duration stall) {
        return simple("stall-" + instance.name(), "SIGSTOP of " + instance.name() + " for " + stall.toSeconds() + " s, then SIGCONT", stall,
            () -> instance.process().pause(),
            () -> {
                instance.process().resume();
                cluster.awaitReady(instance, HEAL_DEADLINE);
            });
    }

    private static Fault simple(String name, String description, Duration down, Runnable inject, Runnable heal) {
        return new Fault.Of(name, description, down, inject, heal);
    }
}
