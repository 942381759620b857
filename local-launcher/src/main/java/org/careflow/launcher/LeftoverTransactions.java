package org.careflow.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the transactions a killed local stack left open, before any app starts. When {@code ./careflow up} dies by
 * SIGKILL, its exactly-once producers die mid-transaction: their records, and the offsets they committed with them
 * (pending in {@code __consumer_offsets}), stay undecided until the transaction coordinator times them out, and a
 * restarted app cannot even read where its partitions resume ("last committed offset could not be determined"),
 * sometimes for minutes. On the local stack's own broker, just started, no producer of a previous run can be alive, so
 * every transaction still open on a partition is a leftover: it is aborted (what it wrote is discarded, exactly as the
 * coordinator would on timeout), and the apps then resume from their last committed transaction.
 */
final class LeftoverTransactions {

    private static final Logger LOG = LoggerFactory.getLogger(LeftoverTransactions.class);
    private static final long TIMEOUT_SECONDS = 60;

    private LeftoverTransactions() {
    }

    /** Aborts every transaction open on any partition of the cluster; returns how many partitions had one. */
    static int abortAll(Admin admin) {
        try {
            Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<TopicPartition> partitions = new ArrayList<>();
            for (TopicDescription topic : admin.describeTopics(topics).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values()) {
                topic.partitions().forEach(p -> partitions.add(new TopicPartition(topic.name(), p.partition())));
            }
            Map<TopicPartition, PartitionProducerState> states = admin.describeProducers(partitions).all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            int aborted = 0;
            for (Map.Entry<TopicPartition, PartitionProducerState> state : states.entrySet()) {
                for (ProducerState producer : state.getValue().activeProducers()) {
                    if (producer.currentTransactionStartOffset().isPresent()) {
                        admin.abortTransaction(new AbortTransactionSpec(state.getKey(), producer.producerId(), (short) producer.producerEpoch(),
                            producer.coordinatorEpoch().orElse(0))).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                        aborted++;
                    }
                }
            }
            if (aborted > 0) {
                LOG.info("Aborted {} transaction(s) a previous, killed run left open; the apps resume from their last commit", aborted);
            }
            return aborted;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not end the transactions a previous run left open: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while ending the transactions a previous run left open", e);
        }
    }
}
