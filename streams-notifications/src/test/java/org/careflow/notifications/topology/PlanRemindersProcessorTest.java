package org.careflow.notifications.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.careflow.events.notifications.ConsentSource;
import org.careflow.events.notifications.MessagingConsent;
import org.careflow.events.notifications.PatientContact;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.events.scheduling.BookingStatus;
import org.careflow.notifications.reminders.ReminderPolicy;
import org.careflow.topics.PlainAvroEventSerdes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The planner on its own: the punctuator it schedules, and what one punctuation sends. */
class PlanRemindersProcessorTest {

    private static final Instant NOW = Instant.parse("2026-11-23T08:00:00Z");
    private static final Instant SLOT = Instant.parse("2026-11-25T15:00:00Z");

    private final PlainAvroEventSerdes serdes = new PlainAvroEventSerdes();
    private MockProcessorContext<String, Emissions> context;
    private PlanRemindersProcessor processor;
    private KeyValueStore<String, String> dueIndex;

    @BeforeEach
    void init() {
        context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(NOW.toEpochMilli());
        store(NotificationsTopology.REMINDERS_STORE, serdes.internalValueSerde(org.careflow.state.notifications.PatientReminders.class));
        dueIndex = store(NotificationsTopology.DUE_INDEX_STORE, Serdes.String());
        KeyValueStore<String, PatientContact> contacts = store(NotificationsTopology.CONTACTS_STORE, serdes.internalValueSerde(PatientContact.class));
        store(NotificationsTopology.MESSAGES_STORE, serdes.internalValueSerde(org.careflow.state.notifications.PatientMessages.class));
        store(NotificationsTopology.CONTACT_TRUST_STORE, serdes.internalValueSerde(org.careflow.state.notifications.ContactTrust.class));
        contacts.put("p-1", PatientContact.newBuilder().setEventId("c").setOccurredAt(NOW).setPatientId("p-1").setPhone("+447700900001")
            .setLanguage("en-GB").setTimeZone("Europe/London")
            .setConsent(MessagingConsent.newBuilder().setGranted(true).setSource(ConsentSource.API).setConsentedAt(NOW).build()).build());
        processor = new PlanRemindersProcessor(ReminderPolicy.parse(List.of("24h", "2h"), List.of(), "21:00-08:00", 50, ZoneId.of("UTC"), "en"),
            Duration.ofSeconds(1), 50, org.careflow.topics.BusinessMetrics.NONE);
        processor.init(context);
    }

    private <V> KeyValueStore<String, V> store(String name, org.apache.kafka.common.serialization.Serde<V> valueSerde) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), valueSerde)
            .withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        return store;
    }

    @Test
    void shouldScheduleAWallClockPunctuatorWhenInitialised() {
        assertThat(context.scheduledPunctuators()).singleElement().satisfies(p -> {
            assertThat(p.getType()).isEqualTo(PunctuationType.WALL_CLOCK_TIME);
            assertThat(p.getInterval()).isEqualTo(Duration.ofSeconds(1));
        });
    }

    @Test
    void shouldIndexPendingRemindersByDueTimeAndSendOnlyThoseDueWhenPunctuated() {
        // Given
        processor.process(new Record<>("p-1", outcome(), NOW.toEpochMilli()));
        assertThat(context.forwarded()).singleElement().satisfies(f -> assertThat(f.record().value().outbound()).hasSize(1));
        context.resetForwards();
        assertThat(keys()).containsExactly(Ids.dueKey(SLOT.minus(Duration.ofHours(24)).toEpochMilli(), "b-1/24h"),
            Ids.dueKey(SLOT.minus(Duration.ofHours(2)).toEpochMilli(), "b-1/2h"));

        // When the punctuator runs at the 24h reminder's instant
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(SLOT.minus(Duration.ofHours(24)).toEpochMilli());

        // Then it sends that one and removes it from the index, leaving the 2h one
        assertThat(context.forwarded()).singleElement().satisfies(f ->
            assertThat(f.record().value().outbound()).singleElement().satisfies(kv ->
                assertThat(kv.value.getIdempotencyKey()).isEqualTo("reminder:b-1/24h")));
        assertThat(keys()).containsExactly(Ids.dueKey(SLOT.minus(Duration.ofHours(2)).toEpochMilli(), "b-1/2h"));
    }

    @Test
    void shouldSendAReminderIndexedBeforeTheLastScanWhenTheClockWentBack() {
        // Given a punctuation at the 2h reminder's instant, which finds nothing (no booking yet)
        long scanned = SLOT.minus(Duration.ofHours(2)).toEpochMilli();
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(scanned);
        assertThat(context.forwarded()).isEmpty();

        // When the booking is planned at a system time before that scan (the clock went back), its reminders due before it
        processor.process(new Record<>("p-1", outcome(), NOW.toEpochMilli()));
        context.resetForwards();
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(scanned + 1);

        // Then the next scan still finds both: it starts at the earliest entry indexed since the last one
        assertThat(context.forwarded().stream().flatMap(f -> f.record().value().outbound().stream())
            .map(kv -> kv.value.getIdempotencyKey()).toList()).containsExactly("reminder:b-1/24h", "reminder:b-1/2h");
        assertThat(keys()).isEmpty();
    }

    @Test
    void shouldSendWhatAnEarlierInstanceIndexedWhenARestartedProcessorPunctuates() {
        // Given a booking planned by one instance of the processor
        processor.process(new Record<>("p-1", outcome(), NOW.toEpochMilli()));
        context.resetForwards();

        // When a new instance (a restart) takes over the same stores and punctuates at the 24h reminder's instant
        MockProcessorContext<String, Emissions> restarted = new MockProcessorContext<>();
        restarted.setCurrentSystemTimeMs(NOW.toEpochMilli());
        for (String name : List.of(NotificationsTopology.REMINDERS_STORE, NotificationsTopology.DUE_INDEX_STORE, NotificationsTopology.CONTACTS_STORE,
                NotificationsTopology.MESSAGES_STORE, NotificationsTopology.CONTACT_TRUST_STORE)) {
            restarted.addStateStore(context.getStateStore(name));
        }
        PlanRemindersProcessor next = new PlanRemindersProcessor(ReminderPolicy.parse(List.of("24h", "2h"), List.of(), "21:00-08:00", 50,
            ZoneId.of("UTC"), "en"), Duration.ofSeconds(1), 50, org.careflow.topics.BusinessMetrics.NONE);
        next.init(restarted);
        restarted.scheduledPunctuators().get(0).getPunctuator().punctuate(SLOT.minus(Duration.ofHours(24)).toEpochMilli());

        // Then the reminder the earlier instance indexed is sent
        assertThat(restarted.forwarded()).singleElement().satisfies(f ->
            assertThat(f.record().value().outbound()).singleElement().satisfies(kv ->
                assertThat(kv.value.getIdempotencyKey()).isEqualTo("reminder:b-1/24h")));
    }

    @Test
    void shouldSpellDueKeysAsTheStoredLayoutDoesWhenBuiltWithoutAFormatter() {
        // The due index's key layout is stored: the key builder must give what %013d gave
        for (long millis : new long[] {0L, 7L, 1_764_000_000_000L, 9_999_999_999_999L, 12_345_678_901_234L}) {
            assertThat(Ids.dueKey(millis, "b-1/24h")).isEqualTo(String.format("%013d/%s", millis, "b-1/24h"));
            assertThat(Ids.dueUpTo(millis)).isEqualTo(String.format("%013d/\uffff", millis));
        }
    }

    private List<String> keys() {
        List<String> keys = new java.util.ArrayList<>();
        try (var it = dueIndex.all()) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        return keys;
    }

    private static BookingOutcome outcome() {
        return BookingOutcome.newBuilder().setEventId("e").setOccurredAt(NOW).setBookingId("b-1").setPatientId("p-1").setProviderId("dr-a")
            .setFacilityId("f-1").setSlotStart(SLOT).setSlotEnd(SLOT.plusSeconds(1800)).setAppointmentType("follow-up")
            .setStatus(BookingStatus.CONFIRMED).setDecidedAt(NOW).build();
    }
}
