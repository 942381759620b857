package org.careflow.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ops command line: what it refuses before it reaches Kafka. */
class OpsCommandTest {

    private final List<String> out = new ArrayList<>();
    private final List<String> err = new ArrayList<>();

    private int run(String... args) {
        return OpsCommand.run(List.of(args), out::add, err::add);
    }

    @Test
    void shouldPrintUsageWhenCommandIsUnknown() {
        assertThat(run("rebalance")).isEqualTo(2);
        assertThat(String.join("\n", err)).contains("unknown command rebalance").contains("careflow ops status");
        assertThat(out).isEmpty();
    }

    @Test
    void shouldNameTheAppsWhenApplicationIdNamesNoApp() {
        assertThat(run("status", "--application-id", "streams-billing=x")).isEqualTo(2);
        assertThat(String.join("\n", err)).contains("APP=ID with APP one of streams-triage, streams-scheduling, streams-notifications, streams-masterdata");
    }

    @Test
    void shouldRefuseLayoutWhenItBreaksCoPartitioning() {
        assertThat(run("create-topics", "--topic-partitions", "booking-requests:12")).isEqualTo(2);
        assertThat(String.join("\n", err)).contains("[booking-requests, provider-schedules] co-partitioned");
    }

    @Test
    void shouldRefuseAppUrlWhenItHasNoPort() {
        assertThat(run("status", "--app", "triage.internal")).isEqualTo(2);
        assertThat(String.join("\n", err)).contains("--app takes an instance's base URL with its port");
    }

    @Test
    void shouldRefusePartitionsWhenNotAPositiveNumber() {
        assertThat(run("scale-partitions", "--topic", "triage-submissions", "--partitions", "0")).isEqualTo(2);
        assertThat(String.join("\n", err)).contains("--partitions takes a whole number of at least 1; got 0");
    }

    @Test
    void shouldExplainTheOpsLoginWhenPrintingUsage() {
        assertThat(run()).isEqualTo(2);
        assertThat(String.join("\n", err))
            .contains("--command-config FILE with security.protocol, sasl.mechanism and sasl.jaas.config")
            .contains("The local stack's user is \"ops\"")
            .contains("kafka-ops.properties")
            .contains("$CAREFLOW_OPS_TOKEN: a bearer token with careflow_role ops");
    }
}
