package org.careflow.masterdata.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.careflow.masterdata.cdc.DebeziumRows.contact;
import static org.careflow.masterdata.cdc.DebeziumRows.contactKey;
import static org.careflow.masterdata.cdc.DebeziumRows.facility;
import static org.careflow.masterdata.cdc.DebeziumRows.facilityKey;
import static org.careflow.masterdata.cdc.DebeziumRows.provider;
import static org.careflow.masterdata.cdc.DebeziumRows.providerKey;
import static org.careflow.masterdata.cdc.DebeziumRows.session;
import static org.careflow.masterdata.cdc.DebeziumRows.sessionKey;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.careflow.events.notifications.ConsentSource;
import org.careflow.events.facilities.Facility;
import org.careflow.events.facilities.OnCallContact;
import org.careflow.events.notifications.Channel;
import org.careflow.events.notifications.PatientContact;
import org.careflow.events.scheduling.LocalTimeRange;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.scheduling.Weekday;
import org.careflow.events.scheduling.WeeklySession;
import org.careflow.masterdata.MasterDataConfig;
import org.careflow.masterdata.cdc.DebeziumRows;
import org.careflow.masterdata.cdc.PlainCdcSerdes;
import org.careflow.topics.EventSerdes;
import org.careflow.topics.PlainAvroEventSerdes;
import org.careflow.topics.ProviderScheduleKeys;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Debezium's changes of the master-data tables, in the test driver, to schedule and contact events. */
class MasterDataTopologyTest {

    private static final Instant NOW = Instant.parse("2026-11-23T08:00:00Z");

    private final EventSerdes serdes = new PlainAvroEventSerdes();
    private final PlainCdcSerdes cdcSerdes = new PlainCdcSerdes(
        Map.of(Topics.MASTERDATA_PROVIDERS.name(), DebeziumRows.PROVIDER_KEY, Topics.MASTERDATA_PROVIDER_SESSIONS.name(), DebeziumRows.SESSION_KEY,
            Topics.MASTERDATA_PATIENT_CONTACTS.name(), DebeziumRows.CONTACT_KEY, Topics.MASTERDATA_FACILITIES.name(), DebeziumRows.FACILITY_KEY),
        Map.of(Topics.MASTERDATA_PROVIDERS.name(), DebeziumRows.PROVIDER_VALUE, Topics.MASTERDATA_PROVIDER_SESSIONS.name(),
            DebeziumRows.SESSION_VALUE, Topics.MASTERDATA_PATIENT_CONTACTS.name(), DebeziumRows.CONTACT_VALUE,
            Topics.MASTERDATA_FACILITIES.name(), DebeziumRows.FACILITY_VALUE));
    private final MasterDataConfig config = new MasterDataConfig(Map.of());
    private TopologyTestDriver driver;
    private TestInputTopic<GenericRecord, GenericRecord> providers;
    private TestInputTopic<GenericRecord, GenericRecord> sessions;
    private TestInputTopic<GenericRecord, GenericRecord> contacts;
    private TestOutputTopic<String, ProviderSchedule> schedules;
    private TestOutputTopic<String, PatientContact> contactEvents;
    private TestInputTopic<GenericRecord, GenericRecord> facilities;
    private TestOutputTopic<String, Facility> facilityEvents;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void start() {
        driver = newDriver();
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private TopologyTestDriver newDriver() {
        Properties props = config.streamsProperties(8084);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        TopologyTestDriver created = new TopologyTestDriver(MasterDataTopology.build(config, serdes, cdcSerdes), props, NOW);
        providers = input(created, Topics.MASTERDATA_PROVIDERS.name());
        sessions = input(created, Topics.MASTERDATA_PROVIDER_SESSIONS.name());
        contacts = input(created, Topics.MASTERDATA_PATIENT_CONTACTS.name());
        facilities = input(created, Topics.MASTERDATA_FACILITIES.name());
        facilityEvents = created.createOutputTopic(Topics.FACILITIES.name(), Serdes.String().deserializer(),
            serdes.valueSerde(Topics.FACILITIES).deserializer());
        schedules = created.createOutputTopic(Topics.PROVIDER_SCHEDULES.name(), Serdes.String().deserializer(),
            serdes.valueSerde(Topics.PROVIDER_SCHEDULES).deserializer());
        contactEvents = created.createOutputTopic(Topics.PATIENT_CONTACTS.name(), Serdes.String().deserializer(),
            serdes.valueSerde(Topics.PATIENT_CONTACTS).deserializer());
        deadLetters = created.createOutputTopic(Topics.MASTERDATA_DEAD_LETTERS.name(), Serdes.ByteArray().deserializer(),
            Serdes.ByteArray().deserializer());
        return created;
    }

    private TestInputTopic<GenericRecord, GenericRecord> input(TopologyTestDriver created, String topic) {
        var descriptor = Topics.cdc(topic);
        return created.createInputTopic(topic, cdcSerdes.keySerde(descriptor).serializer(), cdcSerdes.valueSerde(descriptor).serializer(),
            NOW, java.time.Duration.ofSeconds(1));
    }

    @Test
    void shouldKeepEachAuditRecordOnceAtItsTimeWhenDeliveredTwice() {
        // Given two reads, the first delivered twice
        var audits = driver.createInputTopic(Topics.AUDIT_EVENTS.name(), Serdes.String().serializer(),
            serdes.valueSerde(Topics.AUDIT_EVENTS).serializer(), NOW, java.time.Duration.ofSeconds(1));
        org.careflow.events.security.DataAccessAudit first = audit("a-1", NOW.minusSeconds(120));
        audits.pipeInput(first.getEventId(), first);
        audits.pipeInput(first.getEventId(), first);
        audits.pipeInput("a-2", audit("a-2", NOW.minusSeconds(60)));

        // When the store is read by time
        List<String> kept = new java.util.ArrayList<>();
        org.apache.kafka.streams.state.WindowStore<String, org.careflow.events.security.DataAccessAudit> store =
            driver.getWindowStore(MasterDataTopology.AUDIT_STORE);
        try (var it = store.fetchAll(NOW.minusSeconds(3600), NOW)) {
            it.forEachRemaining(kv -> kept.add(kv.value.getEventId()));
        }

        // Then each is there once, in time order
        assertThat(kept).containsExactly("a-1", "a-2");
    }

    private static org.careflow.events.security.DataAccessAudit audit(String eventId, Instant at) {
        return org.careflow.events.security.DataAccessAudit.newBuilder().setEventId(eventId).setOccurredAt(at).setSubject("c-1")
            .setClientId(null).setRole(org.careflow.events.security.AccessRole.CLINICIAN).setTokenId(null).setApp("streams-triage")
            .setInstance("i:1").setForwardedBy(null).setMethod("GET").setEndpoint("/v1/patients/{patientId}/triage")
            .setEndpointClass("PATIENT_TRIAGE_READ").setPatientId("p-1").setFacilityIds(List.of("f-1")).setResourceId(null)
            .setOutcome(org.careflow.events.security.AccessOutcome.ALLOWED).setStatus(200).setReason(null).build();
    }

    @Test
    void shouldPublishTheWholeScheduleWhenProviderThenSessionsArrive() {
        // Given
        providers.pipeInput(providerKey("dr-1"), provider("dr-1", "f-1").build());
        assertThat(schedules.isEmpty()).as("a provider without sessions has no schedule").isTrue();

        // When
        sessions.pipeInput(sessionKey(1), session(1, "dr-1", "WEDNESDAY", "13:00", "17:00").build());
        sessions.pipeInput(sessionKey(2), session(2, "dr-1", "MONDAY", "09:00", "12:00").build());

        // Then
        List<TestRecord<String, ProviderSchedule>> published = schedules.readRecordsToList();
        assertThat(published).hasSize(2).allSatisfy(r -> assertThat(r.key()).isEqualTo(ProviderScheduleKeys.of("dr-1", "f-1")));
        ProviderSchedule latest = published.get(1).value();
        assertThat(latest.getWeeklyTemplate()).containsExactly(week(Weekday.MONDAY, "09:00", "12:00"), week(Weekday.WEDNESDAY, "13:00", "17:00"));
        assertThat(latest.getProviderId()).isEqualTo("dr-1");
        assertThat(latest.getFacilityId()).isEqualTo("f-1");
        assertThat(latest.getTimeZone()).isEqualTo("Europe/London");
        assertThat(latest.getSlotMinutes()).isEqualTo(30);
        assertThat(latest.getAppointmentTypes()).containsExactly("new-patient", "follow-up");
        assertThat(latest.getTimeOff()).isEmpty();
        assertThat(latest.getExtraSessions()).isEmpty();
        assertThat(latest.getOccurredAt()).as("the time of the change record").isEqualTo(NOW.plusSeconds(1));
        assertThat(published.get(0).value().getEventId()).isNotEqualTo(latest.getEventId());
        assertThat(published.get(1).headers().toArray()).as("no header of the change reaches the event").isEmpty();
    }

    @Test
    void shouldHoldSessionsUntilTheirProviderArrives() {
        // Given
        sessions.pipeInput(sessionKey(1), session(1, "dr-1", "MONDAY", "09:00", "12:00").build());
        sessions.pipeInput(sessionKey(2), session(2, "dr-1", "TUESDAY", "09:00", "12:00").build());
        assertThat(schedules.isEmpty()).isTrue();

        // When
        providers.pipeInput(providerKey("dr-1"), provider("dr-1", "f-1").build());

        // Then
        assertThat(schedules.readValuesToList()).singleElement().satisfies(s -> assertThat(s.getWeeklyTemplate())
            .containsExactly(week(Weekday.MONDAY, "09:00", "12:00"), week(Weekday.TUESDAY, "09:00", "12:00")));
    }

    @Test
    void shouldChangeTheScheduleWhenASessionIsUpdatedOrDeleted() {
        // Given
        providers.pipeInput(providerKey("dr-1"), provider("dr-1", "f-1").build());
        sessions.pipeInput(sessionKey(1), session(1, "dr-1", "MONDAY", "09:00", "12:00").build());
        sessions.pipeInput(sessionKey(2), session(2, "dr-1", "TUESDAY", "09:00", "12:00").build());
        schedules.readRecordsToList();

        // When session 1 moves to the afternoon, then session 2 is deleted
        sessions.pipeInput(sessionKey(1), session(1, "dr-1", "MONDAY", "14:00", "17:00").build());
        sessions.pipeInput(sessionKey(2), (GenericRecord) null);

        // Then
        List<ProviderSchedule> published = schedules.readValuesToList();
        assertThat(published).hasSize(2);
        assertThat(published.get(0).getWeeklyTemplate()).containsExactly(week(Weekday.MONDAY, "14:00", "17:00"), week(Weekday.TUESDAY, "09:00", "12:00"));
        assertThat(published.get(1).getWeeklyTemplate()).containsExactly(week(Weekday.MONDAY, "14:00", "17:00"));

        // When the last session goes, the provider has no bookable hours: its schedule is withdrawn
        sessions.pipeInput(sessionKey(1), (GenericRecord) null);

        assertThat(schedules.readRecordsToList()).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(ProviderScheduleKeys.of("dr-1", "f-1"));
            assertThat(r.value()).isNull();
        });
    }

    @Test
    void shouldMoveTheSessionWhenItsRowNamesAnotherProvider() {
        // Given
        providers.pipeInput(providerKey("dr-1"), provider("dr-1", "f-1").build());
        providers.pipeInput(providerKey("dr-2"), provider("dr-2", "f-1").build());
        sessions.pipeInput(sessionKey(1), session(1, "dr-1", "MONDAY", "09:00", "12:00").build());
        sessions.pipeInput(sessionKey(2), session(2, "dr-1", "TUESDAY", "09:00", "12:00").build());
        schedules.readRecordsToList();

        // When
        sessions.pipeInput(sessionKey(2), session(2, "dr-2", "TUESDAY", "09:00", "12:00").build());

        // Then
        List<KeyValue<String, ProviderSchedule>> published = schedules.readKeyValuesToList();
        assertThat(published).extracting(kv -> kv.key).containsExactly(ProviderScheduleKeys.of("dr-1", "f-1"), ProviderScheduleKeys.of("dr-2", "f-1"));
        assertThat(published.get(0).value.getWeeklyTemplate()).containsExactly(week(Weekday.MONDAY, "09:00", "12:00"));
        assertThat(published.get(1).value.getWeeklyTemplate()).containsExactly(week(Weekday.TUESDAY, "09:00", "12:00"));
    }

    @Test
    void shouldWithdrawTheScheduleWhenProviderIsDeletedAndPublishItAgainWhenItReturns() {
        // Given
        providers.pipeInput(providerKey("dr-1"), provider("dr-1", "f-1").build());
        sessions.pipeInput(sessionKey(1), session(1, "dr-1", "MONDAY", "09:00", "12:00").build());
        schedules.readRecordsToList();

        // When
        providers.pipeInput(providerKey("dr-1"), (GenericRecord) null);

        // Then a tombstone: streams-scheduling removes the schedule and flags booked slots as conflicts
        assertThat(schedules.readRecordsToList()).singleElement().satisfies(r -> assertThat(r.value()).isNull());
        assertThat(schedulesStore().get("dr-1")).isNull();

        // When the provider is inserted again, its sessions (still in the table) make its schedule again
        providers.pipeInput(providerKey("dr-1"), provider("dr-1", "f-2").build());

        assertThat(schedules.readValuesToList()).singleElement().satisfies(s -> {
            assertThat(s.getFacilityId()).isEqualTo("f-2");
            assertThat(s.getWeeklyTemplate()).containsExactly(week(Weekday.MONDAY, "09:00", "12:00"));
        });
    }

    @Test
    void shouldWithdrawTheOldFacilitysProviderThenPublishTheNewWhenAProviderRowMovesToAnotherFacility() {
        // Given
        providers.pipeInput(providerKey("dr-1"), provider("dr-1", "f-1").build());
        sessions.pipeInput(sessionKey(1), session(1, "dr-1", "MONDAY", "09:00", "12:00").build());
        schedules.readRecordsToList();

        // When ops moves the provider to f-2 in the master data
        providers.pipeInput(providerKey("dr-1"), provider("dr-1", "f-2").build());

        // Then f-1's provider is withdrawn (not left offering slots), and f-2's published under its own key
        List<KeyValue<String, ProviderSchedule>> published = schedules.readKeyValuesToList();
        assertThat(published).extracting(kv -> kv.key).containsExactly(ProviderScheduleKeys.of("dr-1", "f-1"), ProviderScheduleKeys.of("dr-1", "f-2"));
        assertThat(published.get(0).value).as("a tombstone for f-1's provider").isNull();
        assertThat(published.get(1).value.getFacilityId()).isEqualTo("f-2");
    }

    @Test
    void shouldPublishNothingWhenAChangeLeavesTheScheduleAsItWas() {
        // Given
        providers.pipeInput(providerKey("dr-1"), provider("dr-1", "f-1").build());
        sessions.pipeInput(sessionKey(1), session(1, "dr-1", "MONDAY", "09:00", "12:00").build());
        schedules.readRecordsToList();

        // When the display name changes (no part of a schedule), and a session row is written again unchanged
        providers.pipeInput(providerKey("dr-1"), provider("dr-1", "f-1").set("display_name", "Dr Renamed").build());
        sessions.pipeInput(sessionKey(1), session(1, "dr-1", "MONDAY", "09:00", "12:00").build());

        // Then
        assertThat(schedules.isEmpty()).isTrue();
    }

    @Test
    void shouldSendInvalidRowsUnchangedToTheDeadLetterTopicAndKeepTheLastValidState() {
        // Given
        providers.pipeInput(providerKey("dr-1"), provider("dr-1", "f-1").build());
        sessions.pipeInput(sessionKey(1), session(1, "dr-1", "MONDAY", "09:00", "12:00").build());
        contacts.pipeInput(contactKey("p-1"), contact("p-1", "+447700900123").build());
        schedules.readRecordsToList();
        contactEvents.readRecordsToList();
        GenericRecord badProvider = provider("dr-1", "f-1").set("time_zone", "Mars/Olympus_Mons").build();
        GenericRecord badSession = session(1, "dr-1", "MONDAY", "12:00", "09:00").build();
        GenericRecord badContact = contact("p-1", "07700 900987").build();

        // When
        providers.pipeInput(providerKey("dr-1"), badProvider);
        sessions.pipeInput(sessionKey(1), badSession);
        contacts.pipeInput(contactKey("p-1"), badContact);

        // Then
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).hasSize(3);
        assertThat(dead.get(0).value()).as("the change record, unchanged").isEqualTo(bytes(Topics.MASTERDATA_PROVIDERS.name(), badProvider));
        assertThat(dead.get(1).value()).isEqualTo(bytes(Topics.MASTERDATA_PROVIDER_SESSIONS.name(), badSession));
        assertThat(dead.get(2).value()).isEqualTo(bytes(Topics.MASTERDATA_PATIENT_CONTACTS.name(), badContact));
        assertThat(dead.get(0).key()).isEqualTo(cdcSerdes.keySerde(Topics.MASTERDATA_PROVIDERS).serializer()
            .serialize(Topics.MASTERDATA_PROVIDERS.name(), providerKey("dr-1")));
        assertThat(header(dead.get(0), "__streams.errors.message")).contains("providers row is invalid: time_zone must be an IANA time-zone id");
        assertThat(header(dead.get(0), "__streams.errors.topic")).isEqualTo(Topics.MASTERDATA_PROVIDERS.name());
        assertThat(header(dead.get(1), "__streams.errors.message")).contains("end_time must be after start_time");
        assertThat(header(dead.get(2), "__streams.errors.message")).contains("phone must be an E.164 number").doesNotContain("900987");
        assertThat(schedules.isEmpty()).isTrue();
        assertThat(contactEvents.isEmpty()).isTrue();
        assertThat(schedulesStore().get("dr-1").getWeeklyTemplate()).containsExactly(week(Weekday.MONDAY, "09:00", "12:00"));

        // When a valid change follows, the stream carries on
        sessions.pipeInput(sessionKey(2), session(2, "dr-1", "FRIDAY", "09:00", "10:00").build());
        assertThat(schedules.readValuesToList()).singleElement().satisfies(s -> assertThat(s.getTimeZone()).isEqualTo("Europe/London"));
    }

    @Test
    void shouldDeadLetterTheChangeWhenRowsTogetherMakeNoValidSchedule() {
        // Given
        providers.pipeInput(providerKey("dr-1"), provider("dr-1", "f-1").build());
        sessions.pipeInput(sessionKey(1), session(1, "dr-1", "MONDAY", "09:00", "12:00").build());
        ProviderSchedule before = schedules.readValuesToList().get(0);

        // When a second session overlaps the first, and the slot grows longer than the session
        sessions.pipeInput(sessionKey(2), session(2, "dr-1", "MONDAY", "11:00", "13:00").build());
        providers.pipeInput(providerKey("dr-1"), provider("dr-1", "f-1").set("slot_minutes", 240).build());

        // Then both changes are dead letters, and the schedule in force is the last valid one
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).hasSize(2);
        assertThat(header(dead.get(0), "__streams.errors.message"))
            .contains("schedule of provider dr-1 is invalid: session MONDAY 11:00-13:00 overlaps session MONDAY 09:00-12:00");
        assertThat(header(dead.get(0), Changes.POSITION_HEADER)).as("points at the change record").isEqualTo(Topics.MASTERDATA_PROVIDER_SESSIONS.name() + "/0/1");
        assertThat(header(dead.get(1), "__streams.errors.message")).contains("shorter than one slot (240 minutes)");
        assertThat(schedules.isEmpty()).isTrue();
        assertThat(schedulesStore().get("dr-1")).isEqualTo(before);

        // When the rows become valid again, the schedule they make now is published
        providers.pipeInput(providerKey("dr-1"), provider("dr-1", "f-1").build());
        sessions.pipeInput(sessionKey(2), session(2, "dr-1", "MONDAY", "13:00", "15:00").build());

        assertThat(schedules.readValuesToList()).singleElement().satisfies(s -> assertThat(s.getWeeklyTemplate())
            .containsExactly(week(Weekday.MONDAY, "09:00", "12:00"), week(Weekday.MONDAY, "13:00", "15:00")));
    }

    // ---- facilities: the CDC writer of the facilities topic, beside the ingest API's PUT

    @Test
    void shouldPublishFacilitiesAndTombstonesWhenFacilityRowsChange() {
        // When a facility row is inserted, updated (self-triage opened, email removed) and deleted
        facilities.pipeInput(facilityKey("clinic-north"), facility("clinic-north").build());
        facilities.pipeInput(facilityKey("clinic-north"), facility("clinic-north").set("accepts_self_triage", true)
            .set("oncall_email", " ").build());
        facilities.pipeInput(facilityKey("clinic-north"), (GenericRecord) null);

        // Then each is the event the ingest API would write, keyed by facilityId, and the delete unregisters it
        List<TestRecord<String, Facility>> published = facilityEvents.readRecordsToList();
        assertThat(published).hasSize(3).allSatisfy(r -> assertThat(r.key()).isEqualTo("clinic-north"));
        Facility first = published.get(0).value();
        assertThat(first.getName()).isEqualTo("Clinic clinic-north");
        assertThat(first.getActive()).isTrue();
        assertThat(first.getAcceptsSelfTriage()).isFalse();
        assertThat(first.getTimeZone()).isEqualTo("Europe/London");
        assertThat(first.getOnCallContacts()).extracting(OnCallContact::getChannel, OnCallContact::getAddress).containsExactly(
            org.assertj.core.groups.Tuple.tuple(Channel.WEBHOOK, "https://pager.example.org/clinic-north"),
            org.assertj.core.groups.Tuple.tuple(Channel.EMAIL, "duty-clinic-north@example.org"));
        assertThat(published.get(1).value().getAcceptsSelfTriage()).isTrue();
        assertThat(published.get(1).value().getOnCallContacts()).extracting(OnCallContact::getChannel).containsExactly(Channel.WEBHOOK);
        assertThat(published.get(2).value()).as("a deleted row unregisters the facility").isNull();
    }

    @Test
    void shouldDeadLetterAFacilityRowWhoseOnCallWebhookIsNotAPublicHttpsUrl() {
        // Invariant: the CDC path holds on-call webhooks to the rule the ingest API applies
        facilities.pipeInput(facilityKey("clinic-north"), facility("clinic-north").build());
        facilityEvents.readRecordsToList();

        facilities.pipeInput(facilityKey("clinic-north"), facility("clinic-north").set("oncall_webhook_url", "http://169.254.169.254/latest").build());
        facilities.pipeInput(facilityKey("clinic-south"), facility("clinic-south").set("oncall_webhook_url", "https://10.1.2.3/hook")
            .set("name", "").build());

        assertThat(facilityEvents.isEmpty()).as("the last valid record stays in force").isTrue();
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).hasSize(2);
        assertThat(header(dead.get(0), "__streams.errors.message")).contains("oncall_webhook_url").doesNotContain("169.254");
        assertThat(header(dead.get(1), "__streams.errors.message")).contains("oncall_webhook_url").contains("name");
    }

    @Test
    void shouldPublishContactsAndTombstonesWhenContactRowsChange() {
        // When
        contacts.pipeInput(contactKey("p-1"), contact("p-1", "+447700900123").build());
        contacts.pipeInput(contactKey("p-1"), contact("p-1", "+447700900456").set("consent_granted", false)
            .set("consent_at", "2026-11-22T18:00:00Z").build());
        contacts.pipeInput(contactKey("p-1"), (GenericRecord) null);

        // Then
        List<TestRecord<String, PatientContact>> published = contactEvents.readRecordsToList();
        assertThat(published).hasSize(3).allSatisfy(r -> assertThat(r.key()).isEqualTo("p-1"));
        assertThat(published.get(0).value().getPhone()).isEqualTo("+447700900123");
        assertThat(published.get(0).value().getConsent().getSource()).isEqualTo(ConsentSource.STAFF);
        assertThat(published.get(0).value().getOccurredAt()).isEqualTo(NOW);
        assertThat(published.get(1).value().getPhone()).isEqualTo("+447700900456");
        assertThat(published.get(1).value().getConsent().getRevokedAt()).isEqualTo(Instant.parse("2026-11-22T18:00:00Z"));
        assertThat(published.get(2).value()).as("a deleted row erases the contact").isNull();
        assertThat(published.get(0).value().getEventId()).isNotEqualTo(published.get(1).value().getEventId());
    }

    @Test
    void shouldGiveTheSameEventIdsWhenTheChangesAreReadAgain() {
        // Given
        List<String> first = replay();
        driver.close();

        // When a new application reads the same change topics from the start
        driver = newDriver();
        List<String> second = replay();

        // Then
        assertThat(first).hasSize(3).doesNotHaveDuplicates();
        assertThat(second).isEqualTo(first);
    }

    private List<String> replay() {
        providers.pipeInput(providerKey("dr-1"), provider("dr-1", "f-1").build());
        sessions.pipeInput(sessionKey(1), session(1, "dr-1", "MONDAY", "09:00", "12:00").build());
        sessions.pipeInput(sessionKey(2), session(2, "dr-1", "MONDAY", "13:00", "15:00").build());
        contacts.pipeInput(contactKey("p-1"), contact("p-1", "+447700900123").build());
        List<String> ids = new java.util.ArrayList<>(schedules.readValuesToList().stream().map(ProviderSchedule::getEventId).toList());
        ids.addAll(contactEvents.readValuesToList().stream().map(PatientContact::getEventId).toList());
        return ids;
    }

    @Test
    void shouldSkipAnUnreadableRecordAndGoOnWhenBytesAreNotAvro() {
        // The dead-letter record itself needs a real broker: the test driver does not route deserialization failures to it.
        Serializer<byte[]> raw = Serdes.ByteArray().serializer();
        driver.createInputTopic(Topics.MASTERDATA_PATIENT_CONTACTS.name(), raw, raw)
            .pipeInput("garbage".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3});
        contacts.pipeInput(contactKey("p-2"), contact("p-2", "+447700900222").build());

        assertThat(contactEvents.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("p-2");
    }

    @Test
    void shouldMatchPinnedDescriptionWhenTopologyIsBuilt() throws IOException {
        Topology topology = MasterDataTopology.build(config, serdes, cdcSerdes);

        Path pin = Path.of("src/test/resources/masterdata-topology.txt");
        if (Boolean.getBoolean("careflow.updatePins")) {
            Files.writeString(pin, topology.describe().toString());
        }
        assertThat(topology.describe().toString().strip())
            .as("the topology changed: if deliberate, rerun with -Dcareflow.updatePins=true and commit the file")
            .isEqualTo(Files.readString(pin).strip());
    }

    private static WeeklySession week(Weekday day, String start, String end) {
        return new WeeklySession(day, new LocalTimeRange(LocalTime.parse(start), LocalTime.parse(end)));
    }

    private byte[] bytes(String topic, GenericRecord value) {
        return cdcSerdes.valueSerde(Topics.cdc(topic)).serializer().serialize(topic, value);
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertThat(header).as("header %s", name).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private KeyValueStore<String, ProviderSchedule> schedulesStore() {
        return driver.getKeyValueStore(MasterDataTopology.SCHEDULES_STORE);
    }
}
