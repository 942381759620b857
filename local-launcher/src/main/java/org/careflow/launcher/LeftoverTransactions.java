package org.careflow.launcher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the transactions a killed local stack left open, before any app starts. When {@code ./careflow up} dies by
 * SIGKILL, its exactly-once producers die mid-transaction: their records, and the offsets they committed with them
 * (pending in {@code __consumer_offsets}), stay undecided until the transaction coordinator times them out, and a
 * restarted app cannot even read where its partitions resume ("last committed offset could not be determined"),
 * sometimes for minutes. On the local stack's own broker, just started, no producer of a previous run can be alive.
 *
 * <p>Each transaction is ended the way its coordinator would end it, all of its partitions together: one still
 * ongoing is aborted (what it wrote is discarded, and the apps resume from their last committed transaction); one the
 * dead producer had already asked to commit or abort is left for the coordinator to complete as decided, so no part
 * of a committed transaction is ever undone. Only a partition whose transaction no coordinator knows (a hanging
 * transaction) is aborted on its own, and only once it has stayed unknown for {@link #HANGING_AFTER}.
 */
final class LeftoverTransactions {

    private static final Logger LOG = LoggerFactory.getLogger(LeftoverTransactions.class);
    private static final long TIMEOUT_SECONDS = 60;
    private static final Duration HANGING_AFTER = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Set<TransactionState> UNDECIDED = Set.of(TransactionState.ONGOING, TransactionState.PREPARE_EPOCH_FENCE);
    private static final Set<TransactionState> ENDING = Set.of(TransactionState.PREPARE_COMMIT, TransactionState.PREPARE_ABORT);

    private LeftoverTransactions() {
    }

    /** Ends every transaction open on any partition of the cluster; returns how many partitions had one. */
    static int abortAll(Admin admin) {
        try {
            List<TopicPartition> partitions = allPartitions(admin);
            Map<TopicPartition, ProducerState> open = openTransactions(admin, partitions);
            int found = open.size();
            Set<String> terminated = new HashSet<>();
            Map<TopicPartition, Long> unknownSince = new HashMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (!open.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(open.size() + " partition(s) still have a transaction open after " + TIMEOUT_SECONDS + " s");
                }
                Map<Long, TransactionListing> known = knownTransactions(admin);
                for (Map.Entry<TopicPartition, ProducerState> partition : open.entrySet()) {
                    ProducerState producer = partition.getValue();
                    TransactionListing transaction = known.get(producer.producerId());
                    if (transaction != null) {
                        unknownSince.remove(partition.getKey());
                        if (UNDECIDED.contains(transaction.state()) && terminated.add(transaction.transactionalId())) {
                            // The coordinator aborts it on every partition it touched, the offsets included.
                            admin.forceTerminateTransaction(transaction.transactionalId()).result().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                        }
                    } else if (hangingFor(unknownSince, partition.getKey()).compareTo(HANGING_AFTER) >= 0) {
                        abortHanging(admin, partition.getKey(), producer);
                    }
                }
                Thread.sleep(POLL.toMillis());
                open = openTransactions(admin, partitions);
            }
            if (found > 0) {
                LOG.info("Ended the transactions a previous, killed run left open on {} partition(s); the apps resume from their last commit", found);
            }
            return found;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not end the transactions a previous run left open: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while ending the transactions a previous run left open", e);
        }
    }

    private static List<TopicPartition> allPartitions(Admin admin) throws ExecutionException, InterruptedException, TimeoutException {
        Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<TopicPartition> partitions = new ArrayList<>();
        for (TopicDescription topic : admin.describeTopics(topics).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values()) {
            topic.partitions().forEach(p -> partitions.add(new TopicPartition(topic.name(), p.partition())));
        }
        return partitions;
    }

    private static Map<TopicPartition, ProducerState> openTransactions(Admin admin, List<TopicPartition> partitions)
        throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, PartitionProducerState> states = admin.describeProducers(partitions).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<TopicPartition, ProducerState> open = new HashMap<>();
        states.forEach((partition, state) -> state.activeProducers().stream()
            .filter(producer -> producer.currentTransactionStartOffset().isPresent())
            .findFirst()
            .ifPresent(producer -> open.put(partition, producer)));
        return open;
    }

    /** The transactions their coordinators still have to decide or complete, by producer id. */
    private static Map<Long, TransactionListing> knownTransactions(Admin admin) throws ExecutionException, InterruptedException, TimeoutException {
        Map<Long, TransactionListing> known = new HashMap<>();
        for (TransactionListing listing : admin.listTransactions().all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            if (UNDECIDED.contains(listing.state()) || ENDING.contains(listing.state())) {
                known.put(listing.producerId(), listing);
            }
        }
        return known;
    }

    private static Duration hangingFor(Map<TopicPartition, Long> unknownSince, TopicPartition partition) {
        long since = unknownSince.computeIfAbsent(partition, p -> System.nanoTime());
        return Duration.ofNanos(System.nanoTime() - since);
    }

    /** A partition whose transaction no coordinator knows; if its producer has moved on meanwhile, the next look sees it. */
    private static void abortHanging(Admin admin, TopicPartition partition, ProducerState producer) throws InterruptedException, TimeoutException {
        try {
            admin.abortTransaction(new AbortTransactionSpec(partition, producer.producerId(), (short) producer.producerEpoch(),
                producer.coordinatorEpoch().orElse(0))).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            LOG.debug("A hanging transaction on {} was not aborted ({}); looking again", partition, e.getCause().toString());
        }
    }
}
