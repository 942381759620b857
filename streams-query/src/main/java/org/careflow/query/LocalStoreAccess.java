package org.careflow.query;

import java.util.Objects;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.careflow.query.InteractiveQueryService.LocalStores;

/** This instance's stores, as the views a query reads: one partition's active store, its local copies, or everything. */
final class LocalStoreAccess {

    private final KafkaStreams streams;

    LocalStoreAccess(KafkaStreams streams) {
        this.streams = Objects.requireNonNull(streams, "streams");
    }

    /** The active, serving stores of {@code partition}: a store still restoring throws instead of answering a wrong 404. */
    LocalStores active(int partition) {
        return new LocalStores() {
            @Override
            public <S> S store(String name, QueryableStoreType<S> type) {
                return storeOf(StoreQueryParameters.fromNameAndType(name, type).withPartition(partition));
            }
        };
    }

    /** Every local copy (active, restoring, standby) of {@code partition}, or of all partitions when null. */
    LocalStores copies(Integer partition) {
        return new LocalStores() {
            @Override
            public <S> S store(String name, QueryableStoreType<S> type) {
                StoreQueryParameters<S> parameters = StoreQueryParameters.fromNameAndType(name, type).enableStaleStores();
                return storeOf(partition == null ? parameters : parameters.withPartition(partition));
            }
        };
    }

    /** Every active partition this instance serves. */
    LocalStores all() {
        return new LocalStores() {
            @Override
            public <S> S store(String name, QueryableStoreType<S> type) {
                return storeOf(StoreQueryParameters.fromNameAndType(name, type));
            }
        };
    }

    /** The store, or InvalidStateStoreException (503) when the processor stopped running since it was checked. */
    private <S> S storeOf(StoreQueryParameters<S> parameters) {
        try {
            return streams.store(parameters);
        } catch (IllegalStateException e) {
            throw new InvalidStateStoreException("The stream processor is " + streams.state(), e);
        }
    }
}
