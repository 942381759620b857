package org.careflow.masterdata.topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.scheduling.WeeklySession;
import org.careflow.masterdata.mapping.EventIds;
import org.careflow.masterdata.mapping.Schedules;
import org.careflow.topics.ProviderScheduleKeys;
import org.careflow.topics.Topics;

/**
 * The provider's task: applies one row change to the stores (which mirror the provider's rows), then publishes the
 * provider's whole schedule if it changed, keyed by provider and facility ({@link ProviderScheduleKeys}). A provider
 * without a row or without sessions has no schedule: one published before is withdrawn with a tombstone. A provider
 * whose row moves to another facility (an ops change to the master data, captured and audited as every row change)
 * withdraws its schedule at the old facility and publishes it at the new one. When the rows make no valid schedule (a session shorter than the
 * slot, two sessions overlapping), this throws after the stores took the change: the change goes to the dead-letter
 * topic, the schedule last published stays in force, and the next change that makes the rows valid publishes again.
 *
 * @param <V> the row value: a provider (a schedule without sessions) or a session
 */
abstract sealed class PublishScheduleProcessor<V> extends ContextualProcessor<String, V, String, ProviderSchedule>
    permits PublishScheduleProcessor.ProviderRow, PublishScheduleProcessor.SessionRow {

    private static final StringSerializer KEYS = new StringSerializer();

    KeyValueStore<String, ProviderSchedule> providers;
    KeyValueStore<String, WeeklySession> sessions;
    private KeyValueStore<String, ProviderSchedule> published;

    @Override
    public void init(ProcessorContext<String, ProviderSchedule> context) {
        super.init(context);
        providers = context.getStateStore(MasterDataTopology.PROVIDERS_STORE);
        sessions = context.getStateStore(MasterDataTopology.SESSIONS_STORE);
        published = context.getStateStore(MasterDataTopology.SCHEDULES_STORE);
    }

    @Override
    public void process(Record<String, V> record) {
        if (record.key() == null) {
            return;
        }
        publish(apply(record), record);
    }

    /** Puts the change in the stores; returns the provider it belongs to. */
    abstract String apply(Record<String, V> record);

    private void publish(String providerId, Record<String, V> change) {
        ProviderSchedule provider = providers.get(providerId);
        List<WeeklySession> week = sessionsOf(providerId);
        ProviderSchedule current = published.get(providerId);
        if (provider == null || week.isEmpty()) {
            if (current != null) {
                published.delete(providerId);
                withdraw(current, change);
            }
            return;
        }
        String position = Changes.position(change.headers()).orElse(String.valueOf(change.timestamp()));
        ProviderSchedule schedule = Schedules.assemble(provider, week,
            EventIds.of(Topics.PROVIDER_SCHEDULES.name(), providerId, position), Instant.ofEpochMilli(change.timestamp()));
        if (Schedules.sameContent(schedule, current)) {
            return;
        }
        if (current != null && !current.getFacilityId().equals(schedule.getFacilityId())) {
            // The provider moved to another facility: the old facility's provider is withdrawn, not left behind.
            withdraw(current, change);
        }
        published.put(providerId, schedule);
        context().forward(new Record<>(ProviderScheduleKeys.of(providerId, schedule.getFacilityId()), schedule, change.timestamp(),
            new RecordHeaders()));
    }

    /** A tombstone for the facility's schedule of the provider that {@code current} last published. */
    private void withdraw(ProviderSchedule current, Record<String, V> change) {
        context().forward(new Record<String, ProviderSchedule>(ProviderScheduleKeys.of(current.getProviderId(), current.getFacilityId()),
            null, change.timestamp(), new RecordHeaders()));
    }

    private List<WeeklySession> sessionsOf(String providerId) {
        List<WeeklySession> week = new ArrayList<>();
        try (KeyValueIterator<String, WeeklySession> it = sessions.prefixScan(SessionKeys.prefix(providerId), KEYS)) {
            it.forEachRemaining(kv -> week.add(kv.value));
        }
        return week;
    }

    /** A provider row, keyed by providerId; null when the row was deleted. */
    static final class ProviderRow extends PublishScheduleProcessor<ProviderSchedule> {
        @Override
        String apply(Record<String, ProviderSchedule> record) {
            if (record.value() == null) {
                providers.delete(record.key());
            } else {
                providers.put(record.key(), record.value());
            }
            return record.key();
        }
    }

    /** A session, keyed {@code providerId|sessionId}; null when it left the provider. */
    static final class SessionRow extends PublishScheduleProcessor<WeeklySession> {
        @Override
        String apply(Record<String, WeeklySession> record) {
            if (record.value() == null) {
                sessions.delete(record.key());
            } else {
                sessions.put(record.key(), record.value());
            }
            return SessionKeys.providerOf(record.key());
        }
    }
}
