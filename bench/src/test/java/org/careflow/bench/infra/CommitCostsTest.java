package org.careflow.bench.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CommitCostsTest {

    private static String scrape(double commits, double flushNs, double offsetsNs, double endNs, double avgMs, double maxMs) {
        return """
            # HELP kafka_stream_thread_commit_total The total number of calls to commit
            # TYPE kafka_stream_thread_commit_total counter
            kafka_stream_thread_commit_total{app="streams-triage",thread_id="t-1"} %s
            # TYPE kafka_stream_thread_commit_latency_avg gauge
            kafka_stream_thread_commit_latency_avg{app="streams-triage",thread_id="t-1"} %s
            kafka_stream_thread_commit_latency_max{app="streams-triage",thread_id="t-1"} %s
            kafka_producer_flush_time_ns_total{app="streams-triage",client_id="t-1-producer"} %s
            kafka_producer_txn_send_offsets_time_ns_total{app="streams-triage",client_id="t-1-producer"} %s
            kafka_producer_txn_commit_time_ns_total{app="streams-triage",client_id="t-1-producer"} %s
            kafka_producer_flush_time_ns_total{app="streams-triage",client_id="ingest"} NaN
            """.formatted(commits, avgMs, maxMs, flushNs, offsetsNs, endNs);
    }

    @Test
    void shouldGiveEachPartPerCommitBetweenTwoScrapes() {
        // Given two scrapes 100 commits apart
        CommitCosts before = CommitCosts.of(scrape(50, 1e9, 2e8, 1e8, 4, 9));
        CommitCosts after = CommitCosts.of(scrape(150, 4e9, 6e8, 3e8, 6.5, 31));

        // When the costs since the first are taken
        Map<String, Object> costs = after.since(before);

        // Then each producer part is its time over the commits, in ms; the window figures are the latest scrape's
        assertThat(costs).contains(entry("commits", 100L), entry("producer flush ms per commit", 30.0),
            entry("offsets sent to the transaction ms per commit", 4.0), entry("transaction ended ms per commit", 2.0),
            entry("commit ms, mean of the last stretch", 6.5), entry("commit ms, longest of the last stretch", 31.0));
    }

    @Test
    void shouldGiveZeroPerCommitWhenNothingWasCommitted() {
        CommitCosts same = CommitCosts.of(scrape(50, 1e9, 2e8, 1e8, 4, 9));

        assertThat(same.since(same)).contains(entry("commits", 0L), entry("producer flush ms per commit", 0.0));
        assertThat(CommitCosts.present(scrape(1, 1, 1, 1, 1, 1))).isTrue();
        assertThat(CommitCosts.present("jvm_threads_live_threads 12\n")).isFalse();
    }
}
