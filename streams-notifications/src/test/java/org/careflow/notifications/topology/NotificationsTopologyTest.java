package org.careflow.notifications.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.events.notifications.Channel;
import org.careflow.events.notifications.ConsentChange;
import org.careflow.events.notifications.ConsentSource;
import org.careflow.events.notifications.ContactOutcome;
import org.careflow.events.notifications.ContactOutcomeStatus;
import org.careflow.events.notifications.ContactWriter;
import org.careflow.events.notifications.DeliveryError;
import org.careflow.events.notifications.DeliveryStatus;
import org.careflow.events.notifications.InboundMessage;
import org.careflow.events.notifications.MessageIntent;
import org.careflow.events.notifications.MessageLogEntry;
import org.careflow.events.notifications.MessagingConsent;
import org.careflow.events.notifications.NotificationStatus;
import org.careflow.events.notifications.OutboundNotification;
import org.careflow.events.notifications.PatientContact;
import org.careflow.events.notifications.RecipientKind;
import org.careflow.events.notifications.ReminderCancelled;
import org.careflow.events.notifications.ReminderScheduled;
import org.careflow.events.scheduling.BookingCancellation;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.events.scheduling.BookingStatus;
import org.careflow.events.scheduling.CancelledBy;
import org.careflow.events.triage.AssessmentSummary;
import org.careflow.events.facilities.Facility;
import org.careflow.events.facilities.OnCallAlertRouted;
import org.careflow.events.facilities.OnCallContact;
import org.careflow.events.facilities.OnCallRouting;
import org.careflow.events.triage.DeteriorationAlert;
import org.careflow.topics.BusinessMetrics;
import org.careflow.events.triage.DeteriorationReason;
import org.careflow.events.triage.RiskBand;
import org.careflow.notifications.NotificationsConfig;
import org.careflow.state.notifications.ContactTrust;
import org.careflow.state.notifications.Direction;
import org.careflow.state.notifications.MessageEntry;
import org.careflow.state.notifications.NotificationRecord;
import org.careflow.state.notifications.PatientMessages;
import org.careflow.state.notifications.PatientReminders;
import org.careflow.state.notifications.PhonePatients;
import org.careflow.state.notifications.PhonePending;
import org.careflow.state.notifications.ReminderEntry;
import org.careflow.state.notifications.ReminderStatus;
import org.careflow.topics.BusinessMetrics;
import org.careflow.topics.EventSerdes;
import org.careflow.topics.PlainAvroEventSerdes;
import org.careflow.topics.Topic;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The notifications graph in the test driver, with wall-clock time advanced by hand. Monday 2026-11-23, 08:00 UTC
 * (London is on UTC in winter, New York five hours behind).
 */
class NotificationsTopologyTest {

    private static final Instant NOW = Instant.parse("2026-11-23T08:00:00Z");
    private static final ZoneId LONDON = ZoneId.of("Europe/London");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private final EventSerdes serdes = new PlainAvroEventSerdes();
    private TopologyTestDriver driver;
    private TestInputTopic<String, BookingOutcome> outcomes;
    private TestInputTopic<String, PatientContact> contacts;
    private TestInputTopic<String, InboundMessage> inbound;
    private TestInputTopic<String, NotificationStatus> statuses;
    private TestInputTopic<String, DeteriorationAlert> alerts;
    private TestInputTopic<String, Facility> facilities;
    private TestOutputTopic<String, OnCallAlertRouted> alertOutcomes;
    private final List<String> counted = new java.util.ArrayList<>();
    private TestInputTopic<String, ConsentChange> consentsIn;
    private TestOutputTopic<String, OutboundNotification> outbound;
    private TestOutputTopic<String, ReminderScheduled> scheduled;
    private TestOutputTopic<String, ReminderCancelled> cancelled;
    private TestOutputTopic<String, BookingCancellation> cancellations;
    private TestOutputTopic<String, ConsentChange> consents;
    private TestOutputTopic<String, InboundMessage> inbox;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private TestOutputTopic<String, MessageLogEntry> messageLog;
    private TestOutputTopic<String, ContactOutcome> contactOutcomes;
    /** Contact decisions counted, as status/reason. */
    private final List<String> contactsCounted = new java.util.ArrayList<>();
    private int contactEvents;
    private final List<String> remindersCounted = new java.util.ArrayList<>();

    private void start(Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>();
        all.putAll(settings);
        NotificationsConfig config = new NotificationsConfig(all);
        Properties props = config.streamsProperties(8083);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        BusinessMetrics metrics = new BusinessMetrics() {
            @Override
            public void contactDecision(String status, String reason) {
                contactsCounted.add(status + "/" + reason);
            }

            @Override
            public void onCallAlert(String outcome) {
                counted.add(outcome);
            }

            @Override
            public void reminder(String outcome) {
                remindersCounted.add(outcome);
            }
        };
        driver = new TopologyTestDriver(NotificationsTopology.build(config, serdes, metrics), props, NOW);
        clock = NOW.toEpochMilli();
        outcomes = input(Topics.BOOKING_OUTCOMES);
        contacts = input(Topics.PATIENT_CONTACTS);
        inbound = input(Topics.INBOUND_MESSAGES);
        statuses = input(Topics.NOTIFICATION_STATUSES);
        alerts = input(Topics.TRIAGE_ALERTS);
        facilities = input(Topics.FACILITIES);
        alertOutcomes = output(Topics.ONCALL_ALERT_OUTCOMES);
        consentsIn = input(Topics.CONSENT_CHANGES);
        outbound = output(Topics.OUTBOUND_NOTIFICATIONS);
        scheduled = output(Topics.REMINDERS_SCHEDULED);
        cancelled = output(Topics.REMINDERS_CANCELLED);
        cancellations = output(Topics.BOOKING_CANCELLATIONS);
        consents = output(Topics.CONSENT_CHANGES);
        inbox = output(Topics.MESSAGING_INBOX);
        messageLog = output(Topics.MESSAGE_LOG);
        contactOutcomes = output(Topics.CONTACT_OUTCOMES);
        deadLetters = driver.createOutputTopic(Topics.NOTIFICATIONS_DEAD_LETTERS.name(), Serdes.ByteArray().deserializer(),
            Serdes.ByteArray().deserializer());
    }

    private void start() {
        start(Map.of());
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
    }

    // ---- reminders ----

    @Test
    void shouldSendConfirmationAtOnceAndEachReminderOnceAtItsInstantWhenBookingIsConfirmed() {
        // Given a patient with consent, and an appointment on Wednesday at 15:00 London time
        start();
        contact("p-1", "+447700900001", LONDON, true);
        Instant slot = Instant.parse("2026-11-25T15:00:00Z");

        // When
        confirm("b-1", "p-1", slot);

        // Then the confirmation goes at once, and the two reminders are planned
        List<OutboundNotification> first = outbound.readValuesToList();
        assertThat(first).singleElement().satisfies(n -> {
            assertThat(n.getTemplateId()).isEqualTo(Messages.CONFIRMATION_TEMPLATE);
            assertThat(n.getRecipientAddress()).isEqualTo("+447700900001");
            assertThat(n.getChannel()).isEqualTo(Channel.WHATSAPP);
            assertThat(n.getRelatedBookingId()).isEqualTo("b-1");
            assertThat(n.getIdempotencyKey()).isEqualTo("reminder:b-1/confirmation");
            assertThat(n.getExpiresAt()).isEqualTo(slot);
        });
        assertThat(scheduled.readValuesToList()).extracting(ReminderScheduled::getOffsetLabel, ReminderScheduled::getDueAt)
            .containsExactly(tuple("confirmation", NOW), tuple("24h", slot.minus(Duration.ofHours(24))), tuple("2h", slot.minus(Duration.ofHours(2))));

        // When the clock reaches a second before the 24h reminder: nothing
        advanceTo(slot.minus(Duration.ofHours(24)).minusSeconds(1));
        assertThat(outbound.isEmpty()).isTrue();
        // at its instant: the 24h reminder, once
        advanceTo(slot.minus(Duration.ofHours(24)));
        assertThat(outbound.readValuesToList()).extracting(n -> n.getTemplateParameters().get("reminder_offset")).containsExactly("24h");
        advanceTo(slot.minus(Duration.ofHours(3)));
        assertThat(outbound.isEmpty()).isTrue();
        advanceTo(slot.minus(Duration.ofHours(2)).plusSeconds(1));
        assertThat(outbound.readValuesToList()).extracting(n -> n.getTemplateParameters().get("reminder_offset")).containsExactly("2h");
        advanceTo(slot.plus(Duration.ofHours(5)));
        assertThat(outbound.isEmpty()).isTrue();
        assertThat(reminderStatuses("p-1", "b-1")).containsExactly(ReminderStatus.SENT, ReminderStatus.SENT, ReminderStatus.SENT);
    }

    @Test
    void shouldSendNothingAgainWhenTheSameConfirmationIsRedeliveredAfterReminderWasSent() {
        // Given the 24h reminder has been sent
        start();
        contact("p-1", "+447700900001", LONDON, true);
        Instant slot = Instant.parse("2026-11-25T15:00:00Z");
        confirm("b-1", "p-1", slot);
        advanceTo(slot.minus(Duration.ofHours(24)));
        assertThat(outbound.readValuesToList()).hasSize(2);

        // When the outcome is delivered again (as after a crash before its offset was committed)
        confirm("b-1", "p-1", slot);
        advanceTo(slot.minus(Duration.ofHours(2)));

        // Then only the 2h reminder follows: no second confirmation, no second 24h reminder
        assertThat(outbound.readValuesToList()).extracting(OutboundNotification::getIdempotencyKey).containsExactly("reminder:b-1/2h");
    }

    @Test
    void shouldSkipOffsetsAlreadyPastWhenBookingIsConfirmedLate() {
        // Given an appointment in three hours
        start();
        contact("p-1", "+447700900001", LONDON, true);
        Instant slot = NOW.plus(Duration.ofHours(3));

        // When
        confirm("b-1", "p-1", slot);
        advanceTo(slot);

        // Then the confirmation and the 2h reminder go; the 24h one is skipped, never sent late
        assertThat(outbound.readValuesToList()).extracting(OutboundNotification::getIdempotencyKey)
            .containsExactly("reminder:b-1/confirmation", "reminder:b-1/2h");
        assertThat(reminderStatuses("p-1", "b-1")).containsExactly(ReminderStatus.SENT, ReminderStatus.SKIPPED, ReminderStatus.SENT);
    }

    @Test
    void shouldCancelPendingRemindersWhenBookingIsCancelled() {
        start();
        contact("p-1", "+447700900001", LONDON, true);
        Instant slot = Instant.parse("2026-11-25T15:00:00Z");
        confirm("b-1", "p-1", slot);
        outbound.readValuesToList();

        // When
        outcomes.pipeInput("b-1", outcome("b-1", "p-1", slot, BookingStatus.CANCELLED), NOW.plusSeconds(60));
        advanceTo(slot);

        // Then nothing more is sent, and both reminders are recorded as cancelled
        assertThat(outbound.isEmpty()).isTrue();
        assertThat(cancelled.readValuesToList()).extracting(ReminderCancelled::getReminderId).containsExactly("b-1/24h", "b-1/2h");
        assertThat(reminderStatuses("p-1", "b-1")).containsExactly(ReminderStatus.SENT, ReminderStatus.CANCELLED, ReminderStatus.CANCELLED);
    }

    @Test
    void shouldMoveRemindersToTheNewTimeWhenBookingIsRescheduled() {
        // Given a booking on Wednesday, rescheduled to Friday (scheduling cancels the old one and confirms the new)
        start();
        contact("p-1", "+447700900001", LONDON, true);
        Instant oldSlot = Instant.parse("2026-11-25T15:00:00Z");
        Instant newSlot = Instant.parse("2026-11-27T11:00:00Z");
        confirm("b-1", "p-1", oldSlot);
        outcomes.pipeInput("b-2", outcome("b-2", "p-1", newSlot, BookingStatus.CONFIRMED), NOW.plusSeconds(60));
        outcomes.pipeInput("b-1", outcome("b-1", "p-1", oldSlot, BookingStatus.CANCELLED), NOW.plusSeconds(60));
        outbound.readValuesToList();

        // When time passes beyond both
        advanceTo(newSlot);

        // Then only the new booking's reminders go, at the new times
        List<OutboundNotification> sent = outbound.readValuesToList();
        assertThat(sent).extracting(OutboundNotification::getIdempotencyKey).containsExactly("reminder:b-2/24h", "reminder:b-2/2h");
        assertThat(sent).extracting(OutboundNotification::getOccurredAt)
            .containsExactly(newSlot.minus(Duration.ofHours(24)), newSlot.minus(Duration.ofHours(2)));
    }

    @Test
    void shouldMoveReminderBeforeQuietHoursOrDropItInLondonAndNewYork() {
        for (ZoneId zone : List.of(LONDON, NEW_YORK)) {
            // Given an appointment at 22:30 on Thursday and one at 09:00 on Friday, local time
            start();
            contact("p-1", "+447700900001", zone, true);
            Instant late = LocalDateTime.parse("2026-11-26T22:30").atZone(zone).toInstant();
            Instant early = LocalDateTime.parse("2026-11-27T09:00").atZone(zone).toInstant();

            // When
            confirm("b-late", "p-1", late);
            confirm("b-early", "p-1", early);

            // Then the late one's 24h reminder (22:30 on Wednesday, quiet) moves to 20:59 on Wednesday; its 2h one stays at 20:30
            assertThat(dueAt("p-1", "b-late")).as(zone.getId()).containsExactly(NOW,
                LocalDateTime.parse("2026-11-25T20:59").atZone(zone).toInstant(),
                LocalDateTime.parse("2026-11-26T20:30").atZone(zone).toInstant());
            // and the early one's 2h reminder (07:00, quiet) would move 10 hours earlier: dropped. Its 24h one is at 09:00.
            assertThat(reminderStatuses("p-1", "b-early")).containsExactly(ReminderStatus.SENT, ReminderStatus.PENDING, ReminderStatus.SKIPPED);
            outbound.readValuesToList();

            // And when the time comes, each is sent at its (moved) instant, never in quiet hours
            advanceTo(LocalDateTime.parse("2026-11-25T20:58").atZone(zone).toInstant());
            assertThat(outbound.isEmpty()).isTrue();
            advanceTo(LocalDateTime.parse("2026-11-25T20:59").atZone(zone).toInstant());
            assertThat(outbound.readValuesToList()).extracting(OutboundNotification::getIdempotencyKey).containsExactly("reminder:b-late/24h");
            advanceTo(LocalDateTime.parse("2026-11-26T12:00").atZone(zone).toInstant());
            assertThat(outbound.readValuesToList()).extracting(OutboundNotification::getIdempotencyKey).containsExactly("reminder:b-early/24h");
            advanceTo(LocalDateTime.parse("2026-11-27T12:00").atZone(zone).toInstant());
            assertThat(outbound.readValuesToList()).extracting(OutboundNotification::getIdempotencyKey).containsExactly("reminder:b-late/2h");
            driver.close();
            driver = null;
        }
    }

    @Test
    void shouldUseFacilityAndTypeOffsetsWhenConfigured() {
        start(Map.of(NotificationsConfig.REMINDER_OFFSET_OVERRIDES_CONFIG, "f-1/surgery=72h+1h,f-2="));
        contact("p-1", "+447700900001", LONDON, true);
        Instant slot = Instant.parse("2026-11-30T10:00:00Z");

        outcomes.pipeInput("b-1", BookingOutcome.newBuilder(outcome("b-1", "p-1", slot, BookingStatus.CONFIRMED)).setAppointmentType("surgery").build(), NOW);
        outcomes.pipeInput("b-2", BookingOutcome.newBuilder(outcome("b-2", "p-1", slot.plus(Duration.ofDays(1)), BookingStatus.CONFIRMED))
            .setFacilityId("f-2").build(), NOW);

        assertThat(scheduled.readValuesToList()).extracting(ReminderScheduled::getReminderId)
            .containsExactly("b-1/confirmation", "b-1/72h", "b-1/1h", "b-2/confirmation");
    }

    @Test
    void shouldSuppressRemindersWhenPatientSentStopAndKeepTheOptOutAgainstAnOlderConsent() {
        // Given a booking with reminders pending
        start();
        contact("p-1", "+447700900001", LONDON, true);
        Instant slot = Instant.parse("2026-11-25T15:00:00Z");
        confirm("b-1", "p-1", slot);
        outbound.readValuesToList();

        // When the patient replies STOP, and a client then re-sends the contact with its older consent
        reply("+447700900001", "wamid.in-1", " stop ", null, null, NOW.plusSeconds(120));
        contact("p-1", "+447700900001", LONDON, true);
        advanceTo(slot);

        // Then consent is revoked, by the patient's message, and no reminder is sent
        assertThat(consents.readValuesToList()).singleElement().satisfies(c -> {
            assertThat(c.getGranted()).isFalse();
            assertThat(c.getSource()).isEqualTo(ConsentSource.PATIENT_MESSAGE);
            assertThat(c.getEvidence()).isEqualTo("wamid.in-1");
        });
        assertThat(outbound.isEmpty()).isTrue();
        assertThat(reminderStatuses("p-1", "b-1")).containsExactly(ReminderStatus.SENT, ReminderStatus.SUPPRESSED, ReminderStatus.SUPPRESSED);
    }

    @Test
    void shouldSuppressReminderWhenPatientHasNoContact() {
        start();
        confirm("b-1", "p-9", Instant.parse("2026-11-25T15:00:00Z"));

        assertThat(outbound.isEmpty()).isTrue();
        assertThat(cancelled.readValuesToList()).extracting(ReminderCancelled::getReason).containsExactly("no contact details for the patient");
    }

    @Test
    void shouldDeadLetterAndCarryOnWhenAContactCannotBeUsed() {
        // Given a contact record written by another system with a time zone that does not exist
        start();
        contacts.pipeInput("p-1", PatientContact.newBuilder(contactRecord("p-1", "+447700900001", LONDON, true)).setTimeZone("Mars/Olympus").build(), NOW);

        // When a booking for that patient is confirmed, then one for another patient
        confirm("b-1", "p-1", Instant.parse("2026-11-25T15:00:00Z"));
        contact("p-2", "+447700900002", LONDON, true);
        confirm("b-2", "p-2", Instant.parse("2026-11-25T15:00:00Z"));

        // Then the bad one is dead-lettered with the reason, and the next is handled
        assertThat(deadLetters.readRecordsToList()).singleElement()
            .satisfies(r -> assertThat(new String(r.headers().lastHeader("__streams.errors.message").value())).contains("Mars/Olympus"));
        assertThat(outbound.readValuesToList()).extracting(OutboundNotification::getPatientId).containsExactly("p-2");
    }

    // ---- replies ----

    @Test
    void shouldRequestCancellationWhenPatientRepliesTwoToAReminder() {
        // Given a reminder the provider accepted as wamid.out-1
        start();
        contact("p-1", "+447700900001", LONDON, true);
        Instant slot = Instant.parse("2026-11-25T15:00:00Z");
        confirm("b-1", "p-1", slot);
        confirm("b-0", "p-1", slot.minus(Duration.ofDays(1)));
        OutboundNotification confirmation = outbound.readValuesToList().get(0);
        statuses.pipeInput(confirmation.getNotificationId(), status(confirmation.getNotificationId(), DeliveryStatus.SENT, "wamid.out-1"), NOW);

        // When the patient replies "2" to it (not to the earlier booking b-0, which is the next one)
        reply("+447700900001", "wamid.in-1", "2", "wamid.out-1", null, NOW.plusSeconds(60));

        // Then a patient cancellation of b-1 goes to scheduling
        assertThat(cancellations.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("b-1");
            assertThat(kv.value.getCancelledBy()).isEqualTo(CancelledBy.PATIENT);
            assertThat(kv.value.getPatientId()).isEqualTo("p-1");
        });
        assertThat(messages("p-1")).filteredOn(e -> e.getDirection() == Direction.INBOUND).singleElement().satisfies(e -> {
            assertThat(e.getIntent()).isEqualTo(MessageIntent.CANCEL);
            assertThat(e.getAction()).isEqualTo(ActOnReplyProcessor.CANCELLATION_REQUESTED);
            assertThat(e.getInReplyTo()).isEqualTo(confirmation.getNotificationId());
        });
    }

    @Test
    void shouldActOnceOnButtonPayloadAndOnNextAppointmentWhenReplyNamesNoMessage() {
        start();
        contact("p-1", "+447700900001", LONDON, true);
        confirm("b-1", "p-1", Instant.parse("2026-11-25T15:00:00Z"));
        confirm("b-2", "p-1", Instant.parse("2026-11-24T15:00:00Z"));

        // A button naming b-1, delivered twice; then a typed "YES" with no context
        reply("+447700900001", "wamid.in-1", "Cancel", null, "CANCEL:b-1", NOW.plusSeconds(60));
        reply("+447700900001", "wamid.in-1", "Cancel", null, "CANCEL:b-1", NOW.plusSeconds(61));
        reply("+447700900001", "wamid.in-2", "yes ", null, null, NOW.plusSeconds(62));

        assertThat(cancellations.readKeyValuesToList().stream().map(kv -> kv.key).toList()).containsExactly("b-1");
        PatientReminders state = store(NotificationsTopology.REMINDERS_STORE).get("p-1") instanceof PatientReminders r ? r : null;
        assertThat(state.getBookings()).filteredOn(b -> b.getBookingId().equals("b-2"))
            .singleElement().satisfies(b -> assertThat(b.getAttendanceConfirmedAt()).isEqualTo(NOW.plusSeconds(62)));
    }

    @Test
    void shouldUseTheWordsOfThePatientsLanguage() {
        start();
        contacts.pipeInput("p-1", PatientContact.newBuilder(contactRecord("p-1", "+447700900001", LONDON, true)).setLanguage("cy-GB").build(), NOW);
        confirm("b-1", "p-1", Instant.parse("2026-11-25T15:00:00Z"));

        reply("+447700900001", "wamid.in-1", "Canslo", null, null, NOW.plusSeconds(60));

        assertThat(cancellations.readKeyValuesToList().stream().map(kv -> kv.key).toList()).containsExactly("b-1");
    }

    @Test
    void shouldSendToInboxWhenSenderIsUnknownSharedOrTheTextMeansNothing() {
        start();
        contact("p-1", "+447700900001", LONDON, true);
        contact("p-2", "+447700900002", LONDON, true);
        contact("p-3", "+447700900002", LONDON, true);

        reply("+447700900099", "wamid.in-1", "hello?", null, null, NOW);
        reply("+447700900002", "wamid.in-2", "2", null, null, NOW);
        reply("+447700900001", "wamid.in-3", "Can I bring my son?", null, null, NOW);
        reply("+447700900001", "wamid.in-4", "1", null, null, NOW);

        List<KeyValue<String, InboundMessage>> held = inbox.readKeyValuesToList();
        assertThat(held).extracting(kv -> kv.key).containsExactly("+447700900099", "+447700900002", "+447700900001", "+447700900001");
        assertThat(held).extracting(kv -> kv.value.getPatientId()).containsExactly(null, null, "p-1", "p-1");
        assertThat(held).extracting(kv -> kv.value.getIntent())
            .containsExactly(MessageIntent.UNKNOWN, MessageIntent.CANCEL, MessageIntent.UNKNOWN, MessageIntent.CONFIRM);
        assertThat(cancellations.isEmpty()).isTrue();
    }

    @Test
    void shouldFollowThePhoneWhenContactChangesIt() {
        start();
        contact("p-1", "+447700900001", LONDON, true);
        contact("p-1", "+447700900003", LONDON, true);

        reply("+447700900001", "wamid.in-1", "hi", null, null, NOW);
        reply("+447700900003", "wamid.in-2", "hi", null, null, NOW);

        assertThat(inbox.readValuesToList()).extracting(InboundMessage::getPatientId).containsExactly(null, "p-1");
    }

    @Test
    void shouldOfferFreeFormWindowForTwentyFourHoursAfterPatientWrote() {
        start();
        contact("p-1", "+447700900001", LONDON, true);
        reply("+447700900001", "wamid.in-1", "hi", null, null, NOW);
        Instant slot = Instant.parse("2026-11-25T15:00:00Z");

        confirm("b-1", "p-1", slot);
        advanceTo(slot.minus(Duration.ofHours(2)));

        List<OutboundNotification> sent = outbound.readValuesToList();
        assertThat(sent.get(0).getSessionWindowEndsAt()).isEqualTo(NOW.plus(Duration.ofHours(24)));
        assertThat(sent.get(2).getSessionWindowEndsAt()).isNull();
    }

    // ---- delivery statuses ----

    @Test
    void shouldMoveStatusForwardOnlyWhenReportsArriveOutOfOrder() {
        start();
        contact("p-1", "+447700900001", LONDON, true);
        confirm("b-1", "p-1", Instant.parse("2026-11-25T15:00:00Z"));
        String id = outbound.readValuesToList().get(0).getNotificationId();

        statuses.pipeInput(id, status(id, DeliveryStatus.SENT, "wamid.out-1"), NOW);
        statuses.pipeInput(id, status(id, DeliveryStatus.READ, "wamid.out-1"), NOW);
        statuses.pipeInput(id, status(id, DeliveryStatus.DELIVERED, "wamid.out-1"), NOW);
        statuses.pipeInput(id, status(id, DeliveryStatus.SENT, "wamid.out-1"), NOW);

        NotificationRecord record = (NotificationRecord) store(NotificationsTopology.NOTIFICATIONS_STORE).get(id);
        assertThat(record.getStatus()).isEqualTo(DeliveryStatus.READ);
        assertThat(record.getHistory()).extracting(s -> s.getStatus()).containsExactly(DeliveryStatus.SENT, DeliveryStatus.READ, DeliveryStatus.DELIVERED);
        assertThat(messages("p-1")).filteredOn(e -> e.getId().equals(id)).singleElement()
            .satisfies(e -> assertThat(e.getStatus()).isEqualTo(DeliveryStatus.READ));
        // The message-log topic carries each move, keyed by the message, so a sink's upsert ends at READ
        List<KeyValue<String, MessageLogEntry>> log = messageLog.readKeyValuesToList();
        assertThat(log).extracting(kv -> kv.key).containsOnly(id);
        assertThat(log).extracting(kv -> kv.value.getStatus()).containsExactly(null, "SENT", "READ");
        assertThat(log.get(2).value.getProviderMessageId()).isEqualTo("wamid.out-1");
        assertThat(log.get(2).value.getTemplateId()).isEqualTo(Messages.CONFIRMATION_TEMPLATE);
    }

    @Test
    void shouldLogInboundMessagesWithWhatWasDoneWhenPatientReplies() {
        start();
        contact("p-1", "+447700900001", LONDON, true);

        reply("+447700900001", "wamid.in-1", "STOP", null, null, NOW);

        assertThat(messageLog.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("wamid.in-1");
            assertThat(kv.value.getPatientId()).isEqualTo("p-1");
            assertThat(kv.value.getIntent()).isEqualTo("STOP");
            assertThat(kv.value.getAction()).isEqualTo(ActOnReplyProcessor.CONSENT_REVOKED);
        });
    }

    @Test
    void shouldKeepFailedFinalAndTrackStatusesThatArriveBeforeTheirNotification() {
        start();
        statuses.pipeInput("n-1", NotificationStatus.newBuilder(status("n-1", DeliveryStatus.FAILED, null))
            .setError(new DeliveryError("131026", "undeliverable", false)).build(), NOW);
        statuses.pipeInput("n-1", status("n-1", DeliveryStatus.DELIVERED, null), NOW);

        NotificationRecord record = (NotificationRecord) store(NotificationsTopology.NOTIFICATIONS_STORE).get("n-1");
        assertThat(record.getStatus()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(record.getHistory().get(0).getErrorCode()).isEqualTo("131026");
    }

    // ---- on-call alerts ----

    @Test
    void shouldPageEveryContactOfTheFacilityRecordWhenARegisteredFacilitysPatientDeteriorates() {
        // Given a registered facility with two on-call contacts
        start();
        facility("f-1", true, contact(Channel.WEBHOOK, "https://pager.example.org/hook"), contact(Channel.EMAIL, "duty@example.org"));

        // When one of its patients deteriorates (the alert delivered twice)
        alerts.pipeInput("f-1", alert("a-1", "f-1"), NOW);
        alerts.pipeInput("f-1", alert("a-1", "f-1"), NOW);

        // Then each contact is paged, and the repeat is the same notifications (the dispatcher sends each once)
        List<OutboundNotification> sent = outbound.readValuesToList();
        assertThat(sent).extracting(OutboundNotification::getChannel, OutboundNotification::getRecipientAddress)
            .containsExactly(tuple(Channel.WEBHOOK, "https://pager.example.org/hook"), tuple(Channel.EMAIL, "duty@example.org"),
                tuple(Channel.WEBHOOK, "https://pager.example.org/hook"), tuple(Channel.EMAIL, "duty@example.org"));
        assertThat(sent.get(0).getRecipientKind()).isEqualTo(RecipientKind.ON_CALL);
        assertThat(sent.get(0).getTemplateParameters()).containsEntry("band", "HIGH").containsEntry("patient", "p-1");
        assertThat(sent.get(2).getNotificationId()).isEqualTo(sent.get(0).getNotificationId());
        assertThat(sent.get(3).getNotificationId()).isEqualTo(sent.get(1).getNotificationId()).isNotEqualTo(sent.get(0).getNotificationId());
        List<OnCallAlertRouted> routed = alertOutcomes.readValuesToList();
        assertThat(routed).extracting(OnCallAlertRouted::getOutcome).containsExactly(OnCallRouting.PAGED, OnCallRouting.PAGED);
        assertThat(routed.get(0).getNotificationIds()).containsExactly(sent.get(0).getNotificationId(), sent.get(1).getNotificationId());
        assertThat(counted).containsExactly("PAGED", "PAGED");
    }

    @Test
    void shouldPageNobodyAndRecordTheOutcomeWhenTheAlertNamesAFacilityThatIsNotRegistered() {
        // Invariant: on-call paging only ever goes to a registered facility's contacts; the operator's * is no fallback for it.
        start(Map.of(NotificationsConfig.ONCALL_CONTACTS_CONFIG, "*=mailto:duty@example.org,f-ghost=https://pager.example.org/ghost"));
        facility("f-1", true, contact(Channel.EMAIL, "ward@example.org"));

        alerts.pipeInput("f-ghost", alert("a-1", "f-ghost"), NOW);
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(alertOutcomes.isEmpty()).as("waiting for the facility's record, not yet decided").isTrue();
        driver.advanceWallClockTime(Duration.ofMinutes(1));

        assertThat(outbound.isEmpty()).isTrue();
        assertThat(alertOutcomes.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("f-ghost");
            assertThat(kv.value.getOutcome()).isEqualTo(OnCallRouting.FACILITY_UNKNOWN);
            assertThat(kv.value.getAlertEventId()).isEqualTo("a-1");
            assertThat(kv.value.getNotificationIds()).isEmpty();
        });
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(counted).containsExactly("FACILITY_UNKNOWN");
    }

    @Test
    @DisplayName("No clinical signal dropped: an alert that overtakes its facility's record pages as soon as the record arrives")
    void shouldPageWhenTheFacilityRecordArrivesAfterTheAlert() {
        start();
        alerts.pipeInput("f-late", alert("a-1", "f-late"), NOW);
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(alertOutcomes.isEmpty()).isTrue();

        facility("f-late", true, contact(Channel.EMAIL, "ward@example.org"));
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        assertThat(outbound.readValuesToList()).singleElement().satisfies(n -> assertThat(n.getRecipientAddress()).isEqualTo("ward@example.org"));
        assertThat(alertOutcomes.readValuesToList()).extracting(OnCallAlertRouted::getOutcome).containsExactly(OnCallRouting.PAGED);
    }

    @Test
    void shouldPageNobodyWhenTheFacilityIsInactiveOrWasRemoved() {
        start(Map.of(NotificationsConfig.ONCALL_CONTACTS_CONFIG, "*=mailto:duty@example.org"));
        facility("f-closed", false, contact(Channel.EMAIL, "ward@example.org"));
        facility("f-gone", true, contact(Channel.EMAIL, "gone@example.org"));
        facilities.pipeInput("f-gone", null, NOW);

        alerts.pipeInput("f-closed", alert("a-1", "f-closed"), NOW);
        alerts.pipeInput("f-gone", alert("a-2", "f-gone"), NOW);
        driver.advanceWallClockTime(Duration.ofMinutes(1));

        assertThat(outbound.isEmpty()).isTrue();
        assertThat(alertOutcomes.readValuesToList()).extracting(OnCallAlertRouted::getOutcome)
            .containsExactly(OnCallRouting.FACILITY_INACTIVE, OnCallRouting.FACILITY_UNKNOWN);
    }

    @Test
    void shouldRecordNoContactsAndPageNobodyWhenARegisteredFacilityNamesNoneAndThereIsNoOperatorDefault() {
        // Invariant: an alert nobody can receive is a recorded, counted outcome, not a notification without an address
        start();
        facility("f-1", true);

        alerts.pipeInput("f-1", alert("a-1", "f-1"), NOW);

        assertThat(outbound.isEmpty()).isTrue();
        assertThat(alertOutcomes.readValuesToList()).extracting(OnCallAlertRouted::getOutcome).containsExactly(OnCallRouting.NO_CONTACTS);
        assertThat(counted).containsExactly("NO_CONTACTS");
    }

    @Test
    void shouldUseTheOperatorDefaultOnlyForARegisteredFacilityThatNamesNoContact() {
        start(Map.of(NotificationsConfig.ONCALL_CONTACTS_CONFIG, "f-2=https://pager.example.org/f2,*=mailto:duty@example.org"));
        facility("f-1", true);
        facility("f-2", true);
        facility("f-3", true, contact(Channel.EMAIL, "own@example.org"));

        alerts.pipeInput("f-1", alert("a-1", "f-1"), NOW);
        alerts.pipeInput("f-2", alert("a-2", "f-2"), NOW);
        alerts.pipeInput("f-3", alert("a-3", "f-3"), NOW);

        assertThat(outbound.readValuesToList()).extracting(OutboundNotification::getFacilityId, OutboundNotification::getRecipientAddress)
            .containsExactly(tuple("f-1", "duty@example.org"), tuple("f-2", "https://pager.example.org/f2"), tuple("f-3", "own@example.org"));
    }

    @Test
    void shouldApplyConsentChangesFromOtherSourcesByTheirTime() {
        start();
        contact("p-1", "+447700900001", LONDON, true);
        consentsIn.pipeInput("p-1", consent("p-1", false, NOW.plusSeconds(10)), NOW);
        consentsIn.pipeInput("p-1", consent("p-1", true, NOW.plusSeconds(5)), NOW);

        confirm("b-1", "p-1", Instant.parse("2026-11-25T15:00:00Z"));

        assertThat(outbound.isEmpty()).isTrue();
    }

    // ---- contacts: who may change them, verification, shared phones ----

    private static final String VICTIM = "+447700900001";
    private static final String ATTACKER = "+447700900666";
    private static final String FAMILY = "+447700900050";

    @Test
    void shouldRefuseAndKeepVictimsPhoneAndConsentWhenAnotherFacilitysIntegrationRewritesTheContact() {
        // Given p-1, booked at f-1, whose contact f-1's integration wrote; p-1 has since sent STOP
        start();
        Instant slot = Instant.parse("2026-11-25T15:00:00Z");
        confirm("b-1", "p-1", slot);
        contacts.pipeInput("p-1", facilityContact("p-1", VICTIM, true, NOW.minus(Duration.ofDays(1)), "f-1"), NOW);
        reply(VICTIM, "wamid.in-stop", "STOP", null, null, NOW.plusSeconds(10));
        contactOutcomes.readValuesToList();
        contactsCounted.clear();

        // When f-2's integration (no booking, no earlier write for p-1) rewrites the phone and grants consent, newer
        contacts.pipeInput("p-1", facilityContact("p-1", ATTACKER, true, NOW.plusSeconds(60), "f-2"), NOW.plusSeconds(60));

        // Then it is a readable decision, counted: nothing changed
        assertThat(contactOutcomes.readValuesToList()).singleElement().satisfies(o -> {
            assertThat(o.getStatus()).isEqualTo(ContactOutcomeStatus.WAITING_FOR_LINK);
            assertThat(o.getReason()).isEqualTo(ContactWrites.NOT_LINKED);
            assertThat(o.getCallerFacilityIds()).containsExactly("f-2");
        });
        assertThat(contactsCounted).containsExactly("WAITING_FOR_LINK/NOT_LINKED");
        PatientContact held = contactFor("p-1", "f-1");
        assertThat(held.getPhone()).isEqualTo(VICTIM);
        assertThat(held.getConsent().getGranted()).isFalse();
        // and a "2" from the attacker's phone cancels nothing
        reply(ATTACKER, "wamid.in-2", "2", null, null, NOW.plusSeconds(120));
        assertThat(cancellations.isEmpty()).isTrue();
        assertThat(inbox.readValuesToList()).extracting(InboundMessage::getPatientId).containsExactly((String) null);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldSendRemindersToTheLinkedFacilitysNumberWhenAnUnlinkedFacilityWroteFirst() {
        // Given f-2's integration wrote p-1's contact first, then f-1's (neither has a booking yet)
        start();
        contacts.pipeInput("p-1", facilityContact("p-1", ATTACKER, true, NOW, "f-2"), NOW);
        contacts.pipeInput("p-1", facilityContact("p-1", VICTIM, true, NOW.plusSeconds(1), "f-1"), NOW.plusSeconds(1));
        assertThat(store(NotificationsTopology.CONTACTS_STORE).get("p-1")).isNull();

        // When f-1 books the patient
        confirm("b-1", "p-1", Instant.parse("2026-11-25T15:00:00Z"));

        // Then f-1's record takes effect (the booking links f-1), f-2's keeps waiting, and the confirmation goes to f-1's number
        assertThat(outbound.readValuesToList()).extracting(OutboundNotification::getRecipientAddress).containsExactly(VICTIM);
        assertThat(contactOutcomes.readValuesToList()).extracting(ContactOutcome::getStatus).containsExactly(
            ContactOutcomeStatus.WAITING_FOR_LINK, ContactOutcomeStatus.WAITING_FOR_LINK, ContactOutcomeStatus.APPLIED);
        // and f-1 may change it from now on, even after the booking is gone
        contacts.pipeInput("p-1", facilityContact("p-1", "+447700900002", true, NOW.plusSeconds(5), "f-1"), NOW.plusSeconds(5));
        assertThat(contactFor("p-1", "f-1").getPhone()).isEqualTo("+447700900002");
    }

    @Test
    void shouldAnswerTheSameForUnknownAndForeignPatientsWhenAnUnlinkedFacilityWrites() {
        // Given p-1 is f-1's patient; p-9 is known nowhere
        start();
        confirm("b-1", "p-1", Instant.parse("2026-11-25T15:00:00Z"));
        contacts.pipeInput("p-1", facilityContact("p-1", VICTIM, true, NOW, "f-1"), NOW);
        contactOutcomes.readValuesToList();

        // When f-2 writes both, and a facility caller with no facility writes
        contacts.pipeInput("p-1", facilityContact("p-1", ATTACKER, true, NOW.plusSeconds(1), "f-2"), NOW);
        contacts.pipeInput("p-9", facilityContact("p-9", ATTACKER, true, NOW.plusSeconds(1), "f-2"), NOW);
        contacts.pipeInput("p-1", facilityContact("p-1", ATTACKER, true, NOW.plusSeconds(1)), NOW);

        // Then the two answers differ in nothing but the ids; the facility-less write is refused
        List<ContactOutcome> decided = contactOutcomes.readValuesToList();
        assertThat(decided).extracting(ContactOutcome::getStatus, ContactOutcome::getReason, ContactOutcome::getDetail)
            .containsExactly(tuple(ContactOutcomeStatus.WAITING_FOR_LINK, ContactWrites.NOT_LINKED, decided.get(0).getDetail()),
                tuple(ContactOutcomeStatus.WAITING_FOR_LINK, ContactWrites.NOT_LINKED, decided.get(0).getDetail()),
                tuple(ContactOutcomeStatus.REFUSED, ContactWrites.NO_FACILITY, decided.get(2).getDetail()));
        assertThat(contactFor("p-1", "f-1").getPhone()).isEqualTo(VICTIM);
    }

    @Test
    void shouldKeepActingOnOwnersRepliesWhenAnotherPatientRegistersTheirVerifiedNumber() {
        // Given p-1's number, written by f-1, and a booking
        start();
        Instant slot = Instant.parse("2026-11-25T15:00:00Z");
        confirm("b-1", "p-1", slot);
        contacts.pipeInput("p-1", facilityContact("p-1", VICTIM, true, NOW, "f-1"), NOW);
        outbound.readValuesToList();

        // When p-2 registers p-1's number as their own
        contacts.pipeInput("p-2", patientContact("p-2", VICTIM, NOW.plusSeconds(1)), NOW.plusSeconds(1));

        // Then the registration waits for verification: a code goes to the number, p-2's contact holds no phone
        assertThat(contactOutcomes.readValuesToList()).last().satisfies(o -> {
            assertThat(o.getPatientId()).isEqualTo("p-2");
            assertThat(o.getStatus()).isEqualTo(ContactOutcomeStatus.VERIFICATION_SENT);
        });
        OutboundNotification verification = outbound.readValuesToList().get(0);
        assertThat(verification.getTemplateId()).isEqualTo(ContactWrites.VERIFICATION_TEMPLATE);
        assertThat(verification.getRecipientAddress()).isEqualTo(VICTIM);
        assertThat(((PatientContact) store(NotificationsTopology.CONTACTS_STORE).get("p-2")).getPhone()).isNull();
        // and the owner's "2" and STOP still act for the owner, and only for the owner
        reply(VICTIM, "wamid.in-1", "2", null, null, NOW.plusSeconds(60));
        reply(VICTIM, "wamid.in-2", "STOP", null, null, NOW.plusSeconds(61));
        assertThat(cancellations.readValuesToList()).extracting(BookingCancellation::getPatientId).containsExactly("p-1");
        assertThat(consents.readValuesToList()).extracting(ConsentChange::getPatientId).containsExactly("p-1");
        assertThat(inbox.isEmpty()).isTrue();
    }

    @Test
    void shouldBindTheSelfRegisteredPhoneWhenTheCodeComesBackFromThatPhone() {
        // Given p-2 registered a new phone, and has a booking
        start();
        contacts.pipeInput("p-2", patientContact("p-2", "+447700900002", NOW), NOW);
        String code = outbound.readValuesToList().get(0).getTemplateParameters().get("code");

        // When the code comes back from that phone
        reply("+447700900002", "wamid.in-1", " " + code + " ", null, null, NOW.plusSeconds(60));

        // Then the phone is the patient's: verified, with an outcome, and reminders go to it
        assertThat(contactOutcomes.readValuesToList()).extracting(ContactOutcome::getStatus)
            .containsExactly(ContactOutcomeStatus.VERIFICATION_SENT, ContactOutcomeStatus.PHONE_VERIFIED);
        assertThat(((PatientContact) store(NotificationsTopology.CONTACTS_STORE).get("p-2")).getPhone()).isEqualTo("+447700900002");
        confirm("b-2", "p-2", Instant.parse("2026-11-25T15:00:00Z"));
        assertThat(outbound.readValuesToList()).extracting(OutboundNotification::getRecipientAddress).containsExactly("+447700900002");
        assertThat(contactsCounted).containsExactly("VERIFICATION_SENT/VERIFICATION_PENDING", "PHONE_VERIFIED/null");
        // and a "2" from it now acts for p-2
        reply("+447700900002", "wamid.in-2", "2", null, null, NOW.plusSeconds(120));
        assertThat(cancellations.readValuesToList()).extracting(BookingCancellation::getBookingId).containsExactly("b-2");
    }

    @Test
    void shouldNotBindWhenTheCodeIsWrongComesFromAnotherPhoneOrExpired() {
        // Given p-2 holds a phone and registered a new one
        start();
        contact("p-2", "+447700900002", LONDON, true);
        contacts.pipeInput("p-2", patientContact("p-2", "+447700900003", NOW), NOW);
        String code = outbound.readValuesToList().get(0).getTemplateParameters().get("code");
        String wrong = code.equals("000000") ? "111111" : "000000";

        // When the right code comes from another phone, and a wrong code from the new phone
        reply(ATTACKER, "wamid.in-1", code, null, null, NOW.plusSeconds(60));
        reply("+447700900003", "wamid.in-2", wrong, null, null, NOW.plusSeconds(61));
        // and the right code from the new phone after it expired
        advanceTo(NOW.plus(ContactWrites.VERIFICATION_TTL).plusSeconds(1));
        reply("+447700900003", "wamid.in-3", code, null, null, NOW.plus(ContactWrites.VERIFICATION_TTL).plusSeconds(1));

        // Then the phone held is unchanged and nothing was verified
        assertThat(((PatientContact) store(NotificationsTopology.CONTACTS_STORE).get("p-2")).getPhone()).isEqualTo("+447700900002");
        assertThat(contactOutcomes.readValuesToList()).extracting(ContactOutcome::getStatus)
            .doesNotContain(ContactOutcomeStatus.PHONE_VERIFIED);
        assertThat(inbox.readValuesToList()).hasSize(3);
    }

    @Test
    void shouldMatchAReplyToTheMessageItAnswersWhenTheFamilyPhoneIsShared() {
        // Given a phone two patients share (each written by the facility that books them), each with an appointment
        start();
        sharedFamilyPhone();
        List<OutboundNotification> sent = outbound.readValuesToList();
        statuses.pipeInput(sent.get(0).getNotificationId(), status(sent.get(0).getNotificationId(), DeliveryStatus.SENT, "wamid.out-1"), NOW);
        statuses.pipeInput(sent.get(1).getNotificationId(), status(sent.get(1).getNotificationId(), DeliveryStatus.SENT, "wamid.out-2"), NOW);

        // When the phone replies "2" to p-2's confirmation
        reply(FAMILY, "wamid.in-1", "2", "wamid.out-2", null, NOW.plusSeconds(60));

        // Then p-2's booking, and only it, is cancelled
        assertThat(cancellations.readValuesToList()).extracting(BookingCancellation::getPatientId, BookingCancellation::getBookingId)
            .containsExactly(tuple("p-2", "b-4"));
        assertThat(inbox.isEmpty()).isTrue();
    }

    @Test
    void shouldAskWhichAppointmentWhenATypedReplyOnASharedPhoneIsAmbiguous() {
        // Given the shared phone, both patients' confirmations accepted by the provider
        start();
        sharedFamilyPhone();
        List<OutboundNotification> sent = outbound.readValuesToList();
        statuses.pipeInput(sent.get(0).getNotificationId(), status(sent.get(0).getNotificationId(), DeliveryStatus.SENT, "wamid.out-1"), NOW);
        statuses.pipeInput(sent.get(1).getNotificationId(), status(sent.get(1).getNotificationId(), DeliveryStatus.SENT, "wamid.out-2"), NOW);

        // When the phone types "2" without replying to a message
        reply(FAMILY, "wamid.in-1", "2", null, null, NOW.plusSeconds(60));

        // Then nothing is cancelled, and the phone is asked which appointment, inside the window its message opened
        assertThat(cancellations.isEmpty()).isTrue();
        assertThat(outbound.readValuesToList()).singleElement().satisfies(n -> {
            assertThat(n.getTemplateId()).isEqualTo(ResolveSenderProcessor.CLARIFY_TEMPLATE);
            assertThat(n.getRecipientAddress()).isEqualTo(FAMILY);
            assertThat(n.getTemplateParameters()).containsEntry("appointments", "2");
            assertThat(n.getSessionWindowEndsAt()).isEqualTo(NOW.plusSeconds(60).plus(Duration.ofHours(24)));
        });
        // and a reply to the right message then acts
        reply(FAMILY, "wamid.in-2", "2", "wamid.out-1", null, NOW.plusSeconds(120));
        assertThat(cancellations.readValuesToList()).extracting(BookingCancellation::getBookingId).containsExactly("b-3");
    }

    /**
     * {@link #FAMILY} bound to p-1 (booked at f-1) and p-2 (booked at f-2) by those facilities' writes; then b-3 (p-1) and
     * b-4 (p-2) are confirmed, and their confirmations go to the shared phone.
     */
    private void sharedFamilyPhone() {
        confirm("b-1", "p-1", Instant.parse("2026-11-25T15:00:00Z"));
        outcomes.pipeInput("b-2", BookingOutcome.newBuilder(outcome("b-2", "p-2", Instant.parse("2026-11-26T15:00:00Z"), BookingStatus.CONFIRMED))
            .setFacilityId("f-2").build(), NOW);
        contacts.pipeInput("p-1", facilityContact("p-1", FAMILY, true, NOW, "f-1"), NOW);
        contacts.pipeInput("p-2", facilityContact("p-2", FAMILY, true, NOW, "f-2"), NOW);
        confirm("b-3", "p-1", Instant.parse("2026-11-25T16:00:00Z"));
        outcomes.pipeInput("b-4", BookingOutcome.newBuilder(outcome("b-4", "p-2", Instant.parse("2026-11-26T16:00:00Z"), BookingStatus.CONFIRMED))
            .setFacilityId("f-2").build(), NOW);
    }

    private PatientContact facilityContact(String patientId, String phone, boolean consent, Instant at, String... facilities) {
        return PatientContact.newBuilder(contactRecord(patientId, phone, LONDON, consent)).setEventId("c-" + (++contactEvents)).setOccurredAt(at)
            .setConsent(MessagingConsent.newBuilder().setGranted(consent).setSource(ConsentSource.API)
                .setConsentedAt(consent ? at : null).setRevokedAt(consent ? null : at).build())
            .setWrittenBy(ContactWriter.FACILITY).setCallerFacilityIds(List.of(facilities)).build();
    }

    private PatientContact patientContact(String patientId, String phone, Instant at) {
        return PatientContact.newBuilder(contactRecord(patientId, phone, LONDON, true)).setEventId("c-" + (++contactEvents)).setOccurredAt(at)
            .setWrittenBy(ContactWriter.PATIENT).build();
    }

    // ---- contacts: a facility's write reaches only that facility's messages and bookings ----

    @Test
    void shouldRemindTheVictimsNumberForAnotherFacilitysBookingWhenAFacilityBooksThePatientAndWritesItsOwnPhone() {
        // Given p-1, booked at f-1, whose number f-1 wrote; f-2 books p-1 at its own provider (which links it) and writes its phone
        start();
        Instant slot = Instant.parse("2026-11-25T15:00:00Z");
        victimWithAnotherFacilitysPhone(slot);

        // When f-1 books p-1 again, and the reminders fall due
        confirm("b-3", "p-1", slot.plus(Duration.ofDays(1)));
        advanceTo(slot.minus(Duration.ofHours(23)));

        // Then every message of f-1's bookings goes to the victim's number; only f-2's own booking's go to f-2's number
        assertThat(outbound.readValuesToList()).extracting(OutboundNotification::getRelatedBookingId, OutboundNotification::getRecipientAddress)
            .containsExactly(tuple("b-3", VICTIM), tuple("b-1", VICTIM), tuple("b-2", ATTACKER));
        // and f-2's write changed neither the patient's own record nor what f-1 wrote
        assertThat(store(NotificationsTopology.CONTACTS_STORE).get("p-1")).isNull();
        assertThat(contactFor("p-1", "f-1").getPhone()).isEqualTo(VICTIM);
    }

    @Test
    void shouldNotSendAnotherFacilitysPhoneAMessageOfABookingItDidNotWriteFor() {
        // Given only f-2 wrote p-1's contact (f-2 books p-1 too)
        start();
        confirmAt("b-2", "p-1", Instant.parse("2026-11-25T16:00:00Z"), "f-2");
        contacts.pipeInput("p-1", facilityContact("p-1", ATTACKER, true, NOW, "f-2"), NOW);
        outbound.readValuesToList();

        // When f-1 books p-1 (f-1 wrote nothing, and the patient gave no number of their own)
        confirm("b-1", "p-1", Instant.parse("2026-11-25T15:00:00Z"));

        // Then f-1's confirmation is suppressed for want of a contact: it never goes to the number f-2 wrote
        assertThat(outbound.isEmpty()).isTrue();
        assertThat(reminderStatuses("p-1", "b-1").get(0)).isEqualTo(ReminderStatus.SUPPRESSED);
        assertThat(entries("p-1", "b-1").get(0).getNote()).isEqualTo("no contact details for the patient");
    }

    @Test
    void shouldCancelOnlyTheWritingFacilitysBookingWhenThePhoneItWroteRepliesTwo() {
        // Given p-1's bookings at f-1 (the victim's number) and at f-2 (f-2's number), each confirmed to its own number
        start();
        Instant slot = Instant.parse("2026-11-25T15:00:00Z");
        victimWithAnotherFacilitysPhone(slot);

        // When f-2's number replies "2" typed, then presses a button naming f-1's booking, then answers f-1's confirmation
        reply(ATTACKER, "wamid.in-1", "2", null, null, NOW.plusSeconds(60));
        reply(ATTACKER, "wamid.in-2", "Cancel", null, "CANCEL:b-1", NOW.plusSeconds(61));
        reply(ATTACKER, "wamid.in-3", "2", "wamid.out-b-1", null, NOW.plusSeconds(62));

        // Then only f-2's own booking is cancelled; the attempts on f-1's booking go to a person, acting on nothing
        assertThat(cancellations.readValuesToList()).extracting(BookingCancellation::getBookingId).containsExactly("b-2");
        assertThat(inbox.readValuesToList()).extracting(InboundMessage::getMessageId).containsExactly("wamid.in-2", "wamid.in-3");
        // and the victim's own "2" still cancels f-1's booking
        reply(VICTIM, "wamid.in-4", "2", null, null, NOW.plusSeconds(63));
        assertThat(cancellations.readValuesToList()).extracting(BookingCancellation::getBookingId).containsExactly("b-1");
    }

    @Test
    void shouldNotSilenceAnotherFacilitysMessagesWhenThePhoneAFacilityWroteSendsStop() {
        // Given p-1's bookings at f-1 (the victim's number) and at f-2 (f-2's number)
        start();
        Instant slot = Instant.parse("2026-11-25T15:00:00Z");
        victimWithAnotherFacilitysPhone(slot);

        // When f-2's number sends STOP, and the reminders fall due
        reply(ATTACKER, "wamid.in-stop", "STOP", null, null, NOW.plusSeconds(60));
        advanceTo(slot.minus(Duration.ofHours(23)));

        // Then the opt-out concerns f-2's messages alone: f-1's reminder still goes to the victim's number
        assertThat(consents.readValuesToList()).singleElement().satisfies(c -> {
            assertThat(c.getGranted()).isFalse();
            assertThat(c.getFacilityIds()).containsExactly("f-2");
        });
        assertThat(outbound.readValuesToList()).extracting(OutboundNotification::getRelatedBookingId, OutboundNotification::getRecipientAddress)
            .containsExactly(tuple("b-1", VICTIM));
        assertThat(reminderStatuses("p-1", "b-2")).containsExactly(ReminderStatus.SENT, ReminderStatus.SUPPRESSED, ReminderStatus.PENDING);
        assertThat(contactFor("p-1", "f-1").getConsent().getGranted()).isTrue();
        // and the victim's own STOP silences f-1's
        reply(VICTIM, "wamid.in-stop-2", "STOP", null, null, NOW.plus(Duration.ofDays(1)).plusSeconds(1));
        advanceTo(slot.minus(Duration.ofHours(2)));
        assertThat(outbound.isEmpty()).isTrue();
    }

    @Test
    void shouldSendEveryFacilitysMessagesToThePatientsVerifiedNumberAndLetItActOnAllBookings() {
        // Given p-1 verified their own number, and f-2 (booking p-1) wrote another
        start();
        contacts.pipeInput("p-1", patientContact("p-1", "+447700900002", NOW), NOW);
        String code = outbound.readValuesToList().get(0).getTemplateParameters().get("code");
        reply("+447700900002", "wamid.in-code", code, null, null, NOW.plusSeconds(10));
        confirmAt("b-2", "p-1", Instant.parse("2026-11-25T16:00:00Z"), "f-2");
        contacts.pipeInput("p-1", facilityContact("p-1", ATTACKER, true, NOW.plusSeconds(20), "f-2"), NOW);
        outbound.readValuesToList();

        // When f-1 and f-2 book p-1
        confirm("b-1", "p-1", Instant.parse("2026-11-25T15:00:00Z"));
        confirmAt("b-4", "p-1", Instant.parse("2026-11-26T16:00:00Z"), "f-2");

        // Then the patient's own verified number wins for both facilities
        assertThat(outbound.readValuesToList()).extracting(OutboundNotification::getRecipientAddress)
            .containsExactly("+447700900002", "+447700900002");
        // and it acts on any booking, while f-2's number acts only on f-2's
        reply(ATTACKER, "wamid.in-1", "Cancel", null, "CANCEL:b-1", NOW.plusSeconds(60));
        reply("+447700900002", "wamid.in-2", "Cancel", null, "CANCEL:b-1", NOW.plusSeconds(61));
        assertThat(cancellations.readValuesToList()).extracting(BookingCancellation::getBookingId).containsExactly("b-1");
    }

    @Test
    void shouldLetAFacilitysNewerConsentReachOnlyItsOwnMessagesWhenThePatientSentStop() {
        // Given p-1's bookings at f-1 (the victim's number) and at f-2 (f-2's number); the victim sends STOP from their number
        start();
        Instant slot = Instant.parse("2026-11-25T15:00:00Z");
        victimWithAnotherFacilitysPhone(slot);
        reply(VICTIM, "wamid.in-stop", "STOP", null, null, NOW.plusSeconds(60));

        // When f-2's integration re-sends p-1's contact with consent granted after that STOP, and the reminders fall due
        contacts.pipeInput("p-1", facilityContact("p-1", ATTACKER, true, NOW.plusSeconds(120), "f-2"), NOW.plusSeconds(120));
        advanceTo(slot.minus(Duration.ofHours(23)));

        // Then f-2's newer decision governs f-2's messages alone: f-1's reminder to the victim's number stays silenced
        assertThat(outbound.readValuesToList()).extracting(OutboundNotification::getRelatedBookingId, OutboundNotification::getRecipientAddress)
            .containsExactly(tuple("b-2", ATTACKER));
        assertThat(reminderStatuses("p-1", "b-1")).containsExactly(ReminderStatus.SENT, ReminderStatus.SUPPRESSED, ReminderStatus.PENDING);
    }

    /**
     * f-1's integration writes {@link #VICTIM} for p-1 and f-1 books p-1 (b-1, at {@code slot}); f-2's integration writes
     * {@link #ATTACKER} for p-1 and f-2 books p-1 at its own provider (b-2, an hour later), which links f-2. Each
     * confirmation went to its facility's number, accepted as {@code wamid.out-<bookingId>}.
     */
    private void victimWithAnotherFacilitysPhone(Instant slot) {
        contacts.pipeInput("p-1", facilityContact("p-1", VICTIM, true, NOW, "f-1"), NOW);
        confirm("b-1", "p-1", slot);
        contacts.pipeInput("p-1", facilityContact("p-1", ATTACKER, true, NOW, "f-2"), NOW);
        confirmAt("b-2", "p-1", slot.plus(Duration.ofHours(1)), "f-2");
        assertThat(contactOutcomes.readValuesToList()).extracting(ContactOutcome::getStatus).containsExactly(
            ContactOutcomeStatus.WAITING_FOR_LINK, ContactOutcomeStatus.APPLIED, ContactOutcomeStatus.WAITING_FOR_LINK,
            ContactOutcomeStatus.APPLIED);
        List<OutboundNotification> sent = outbound.readValuesToList();
        assertThat(sent).extracting(OutboundNotification::getRelatedBookingId, OutboundNotification::getRecipientAddress)
            .containsExactly(tuple("b-1", VICTIM), tuple("b-2", ATTACKER));
        for (OutboundNotification n : sent) {
            statuses.pipeInput(n.getNotificationId(), status(n.getNotificationId(), DeliveryStatus.SENT, "wamid.out-" + n.getRelatedBookingId()), NOW);
        }
    }

    private void confirmAt(String bookingId, String patientId, Instant slot, String facilityId) {
        outcomes.pipeInput(bookingId, BookingOutcome.newBuilder(outcome(bookingId, patientId, slot, BookingStatus.CONFIRMED))
            .setFacilityId(facilityId).build(), Instant.ofEpochMilli(clock));
    }

    /** The contact a message about a booking at {@code facilityId} uses. */
    private PatientContact contactFor(String patientId, String facilityId) {
        return ContactWrites.effective((PatientContact) store(NotificationsTopology.CONTACTS_STORE).get(patientId),
            (ContactTrust) store(NotificationsTopology.CONTACT_TRUST_STORE).get(patientId), facilityId);
    }

    @Test
    void shouldMatchThePinnedDescriptionWhenBuilt() throws IOException {
        Topology topology = NotificationsTopology.build(new NotificationsConfig(Map.of()), serdes);
        Path pin = Path.of("src/test/resources/notifications-topology.txt");
        if (Boolean.getBoolean("careflow.updatePins")) {
            Files.writeString(pin, topology.describe().toString());
        }
        assertThat(topology.describe().toString().strip())
            .as("the topology changed: if deliberate, rerun with -Dcareflow.updatePins=true and commit the file")
            .isEqualTo(Files.readString(pin).strip());
    }

    // ---- bounded state: no patient's or phone's entry grows without bound ----

    @Test
    void shouldRefuseMessagesForOneMoreBookingAndStillSendTheHeldRemindersWhenAPatientHoldsTheMostOpenBookings() {
        // Given a patient holding the most bookings with messages to send
        start();
        contact("p-1", VICTIM, LONDON, true);
        Instant first = NOW.plus(Duration.ofHours(25));
        for (int i = 0; i < PlanRemindersProcessor.MAX_OPEN_BOOKINGS; i++) {
            confirm("b-" + i, "p-1", first.plus(Duration.ofMinutes(30L * i)));
        }
        assertThat(outbound.readValuesToList()).hasSize(PlanRemindersProcessor.MAX_OPEN_BOOKINGS);
        scheduled.readValuesToList();

        // When one more booking is confirmed
        confirm("one-more", "p-1", first.minus(Duration.ofMinutes(30)));

        // Then nothing is planned or sent for it: each of its messages is reported cancelled with the reason, and counted
        assertThat(outbound.isEmpty()).isTrue();
        assertThat(scheduled.isEmpty()).isTrue();
        assertThat(cancelled.readValuesToList()).allSatisfy(c -> {
            assertThat(c.getBookingId()).isEqualTo("one-more");
            assertThat(c.getReason()).isEqualTo(PlanRemindersProcessor.TOO_MANY_BOOKINGS);
        }).extracting(ReminderCancelled::getOffsetLabel).containsExactly("confirmation", "24h", "2h");
        assertThat(remindersCounted).containsExactly("refused_too_many_bookings");
        PatientReminders held = (PatientReminders) store(NotificationsTopology.REMINDERS_STORE).get("p-1");
        assertThat(held.getBookings()).hasSize(PlanRemindersProcessor.MAX_OPEN_BOOKINGS)
            .noneMatch(b -> b.getBookingId().equals("one-more"));
        // and the reminders already held are still sent at their time
        advanceTo(first.minus(Duration.ofHours(24)));
        assertThat(outbound.readValuesToList()).singleElement().satisfies(n -> {
            assertThat(n.getRelatedBookingId()).isEqualTo("b-0");
            assertThat(n.getTemplateParameters().get("reminder_offset")).isEqualTo("24h");
        });
        // and once a booking is cancelled, there is room for another
        outcomes.pipeInput("b-199", outcome("b-199", "p-1", first.plus(Duration.ofMinutes(30L * 199)), BookingStatus.CANCELLED),
            Instant.ofEpochMilli(clock));
        cancelled.readValuesToList();
        confirm("another", "p-1", first.plus(Duration.ofDays(30)));
        assertThat(outbound.readValuesToList()).extracting(OutboundNotification::getRelatedBookingId).containsExactly("another");
    }

    @Test
    void shouldKeepOnlyTheLatestClosedBookingsAndEveryOpenOneWhenAPatientBooksAndCancelsWithoutEnd() {
        // Given an open booking, far ahead
        start();
        contact("p-1", VICTIM, LONDON, true);
        Instant open = NOW.plus(Duration.ofDays(3)).plus(Duration.ofHours(4));
        confirm("b-open", "p-1", open);
        outbound.readValuesToList();

        // When the patient books and cancels many times more than the closed bookings kept
        int cycles = 3 * PlanRemindersProcessor.MAX_CLOSED_BOOKINGS;
        for (int i = 0; i < cycles; i++) {
            Instant slot = NOW.plus(Duration.ofDays(2)).plus(Duration.ofHours(i));
            confirm("b-" + i, "p-1", slot);
            outcomes.pipeInput("b-" + i, outcome("b-" + i, "p-1", slot, BookingStatus.CANCELLED), Instant.ofEpochMilli(clock));
        }

        // Then the entry holds the open booking, with its reminders pending, and only the latest closed ones
        PatientReminders held = (PatientReminders) store(NotificationsTopology.REMINDERS_STORE).get("p-1");
        assertThat(held.getBookings()).hasSize(1 + PlanRemindersProcessor.MAX_CLOSED_BOOKINGS);
        assertThat(reminderStatuses("p-1", "b-open")).containsExactly(ReminderStatus.SENT, ReminderStatus.PENDING, ReminderStatus.PENDING);
        assertThat(held.getBookings()).filteredOn(b -> b.getStatus() == BookingStatus.CANCELLED)
            .extracting(b -> b.getBookingId())
            .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(cycles - PlanRemindersProcessor.MAX_CLOSED_BOOKINGS, cycles)
                .mapToObj(i -> "b-" + i).toList());
        // and the open booking's reminders are still sent
        outbound.readValuesToList();
        advanceTo(open.minus(Duration.ofHours(2)).plusSeconds(1));
        assertThat(outbound.readValuesToList()).filteredOn(n -> "b-open".equals(n.getRelatedBookingId()))
            .extracting(n -> n.getTemplateParameters().get("reminder_offset")).containsExactly("24h", "2h");
    }

    @Test
    void shouldKeepTheLatestPatientsAndUnexpiredVerificationsOfAPhoneWhenMorePatientsShareIt() {
        // Given more patients bound to one phone than a phone's entry keeps (written by a trusted system)
        start();
        int patients = IndexPhoneProcessor.MAX_PATIENTS + 5;
        for (int i = 0; i < patients; i++) {
            contact("p-" + i, FAMILY, LONDON, true);
        }
        // and more patients registering it themselves than verifications kept
        for (int i = 0; i < IndexPhoneProcessor.MAX_PENDING + 5; i++) {
            contacts.pipeInput("v-" + i, patientContact("v-" + i, FAMILY, NOW.plusSeconds(i)), NOW.plusSeconds(i));
        }

        // Then the phone's entry keeps the latest of each
        PhonePatients entry = (PhonePatients) store(NotificationsTopology.PHONE_INDEX_STORE).get(FAMILY);
        assertThat(entry.getPatientIds()).containsExactlyElementsOf(java.util.stream.IntStream.range(5, patients)
            .mapToObj(i -> "p-" + i).toList());
        assertThat(entry.getPending()).extracting(PhonePending::getPatientId).containsExactlyElementsOf(
            java.util.stream.IntStream.range(5, IndexPhoneProcessor.MAX_PENDING + 5).mapToObj(i -> "v-" + i).toList());

        // When the codes expire and one more patient registers the phone
        advanceTo(NOW.plus(ContactWrites.VERIFICATION_TTL).plusSeconds(60));
        Instant later = Instant.ofEpochMilli(clock);
        contacts.pipeInput("v-late", patientContact("v-late", FAMILY, later), later);

        // Then only the live verification is kept
        entry = (PhonePatients) store(NotificationsTopology.PHONE_INDEX_STORE).get(FAMILY);
        assertThat(entry.getPending()).extracting(PhonePending::getPatientId).containsExactly("v-late");
    }

    @Test
    void shouldRefuseAFacilitysWriteReadablyWhenThePatientHasContactRecordsFromTheMostFacilities() {
        // Given a patient booked at one facility more than the facility records kept, and each of those facilities wrote a contact
        start();
        int facilities = ContactWrites.MAX_LINKED_FACILITIES + 1;
        for (int i = 0; i < facilities; i++) {
            confirmAt("b-" + i, "p-1", NOW.plus(Duration.ofDays(3)).plus(Duration.ofHours(i)), "f-" + i);
        }
        for (int i = 0; i < ContactWrites.MAX_LINKED_FACILITIES; i++) {
            contacts.pipeInput("p-1", facilityContact("p-1", "+4477009001" + String.format("%02d", i), true, NOW, "f-" + i), NOW);
        }
        contactOutcomes.readValuesToList();
        contactsCounted.clear();

        // When the last facility writes too
        contacts.pipeInput("p-1", facilityContact("p-1", ATTACKER, true, NOW, "f-" + (facilities - 1)), NOW);

        // Then it is refused with a readable reason, counted, and nothing of it is kept
        assertThat(contactOutcomes.readValuesToList()).singleElement().satisfies(o -> {
            assertThat(o.getStatus()).isEqualTo(ContactOutcomeStatus.REFUSED);
            assertThat(o.getReason()).isEqualTo(ContactWrites.TOO_MANY_FACILITIES);
        });
        assertThat(contactsCounted).containsExactly("REFUSED/TOO_MANY_FACILITIES");
        ContactTrust trust = (ContactTrust) store(NotificationsTopology.CONTACT_TRUST_STORE).get("p-1");
        assertThat(trust.getLinkedFacilityIds()).hasSize(ContactWrites.MAX_LINKED_FACILITIES);
        assertThat(trust.getFacilityContacts()).hasSize(ContactWrites.MAX_LINKED_FACILITIES);
        assertThat(contactFor("p-1", "f-" + (facilities - 1))).isNull();
        // while a facility already linked still writes
        contacts.pipeInput("p-1", facilityContact("p-1", VICTIM, true, NOW.plusSeconds(1), "f-0"), NOW.plusSeconds(1));
        assertThat(contactOutcomes.readValuesToList()).extracting(ContactOutcome::getStatus).containsExactly(ContactOutcomeStatus.APPLIED);
        assertThat(contactFor("p-1", "f-0").getPhone()).isEqualTo(VICTIM);
    }

    // ---- fixtures ----

    private static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }

    private <V> TestInputTopic<String, V> input(Topic<String, V> topic) {
        return driver.createInputTopic(topic.name(), Serdes.String().serializer(), serdes.valueSerde(topic).serializer());
    }

    private <V> TestOutputTopic<String, V> output(Topic<String, V> topic) {
        return driver.createOutputTopic(topic.name(), Serdes.String().deserializer(), serdes.valueSerde(topic).deserializer());
    }

    private void advanceTo(Instant instant) {
        // Step through time as a running app would, a minute at a time, so each reminder fires at its own instant.
        long target = instant.toEpochMilli();
        while (clock < target) {
            long step = Math.min(60_000, target - clock);
            driver.advanceWallClockTime(Duration.ofMillis(step));
            clock += step;
        }
    }

    private long clock = NOW.toEpochMilli();

    private void confirm(String bookingId, String patientId, Instant slot) {
        outcomes.pipeInput(bookingId, outcome(bookingId, patientId, slot, BookingStatus.CONFIRMED), Instant.ofEpochMilli(clock));
    }

    private static BookingOutcome outcome(String bookingId, String patientId, Instant slot, BookingStatus status) {
        return BookingOutcome.newBuilder().setEventId("e-" + bookingId + status).setOccurredAt(NOW).setBookingId(bookingId)
            .setPatientId(patientId).setProviderId("dr-a").setFacilityId("f-1").setSlotStart(slot).setSlotEnd(slot.plusSeconds(1800))
            .setAppointmentType("follow-up").setStatus(status).setDecidedAt(NOW).build();
    }

    private void contact(String patientId, String phone, ZoneId zone, boolean consent) {
        contacts.pipeInput(patientId, contactRecord(patientId, phone, zone, consent), Instant.ofEpochMilli(clock));
    }

    private static PatientContact contactRecord(String patientId, String phone, ZoneId zone, boolean consent) {
        return PatientContact.newBuilder().setEventId("c-" + patientId).setOccurredAt(NOW).setPatientId(patientId).setPhone(phone)
            .setLanguage("en-GB").setTimeZone(zone.getId())
            .setConsent(MessagingConsent.newBuilder().setGranted(consent).setSource(ConsentSource.API)
                .setConsentedAt(consent ? NOW.minus(Duration.ofDays(1)) : null).setRevokedAt(consent ? null : NOW.minus(Duration.ofDays(1))).build())
            .build();
    }

    private void reply(String phone, String messageId, String text, String context, String payload, Instant at) {
        inbound.pipeInput(phone, InboundMessage.newBuilder().setEventId("in-" + messageId).setOccurredAt(at).setMessageId(messageId)
            .setChannel(Channel.WHATSAPP).setFromPhone(phone).setText(text).setReceivedAt(at)
            .setReplyToProviderMessageId(context).setButtonPayload(payload).build(), at);
    }

    private static NotificationStatus status(String notificationId, DeliveryStatus status, String providerId) {
        return NotificationStatus.newBuilder().setEventId(notificationId + status).setOccurredAt(NOW).setNotificationId(notificationId)
            .setStatus(status).setProviderMessageId(providerId).setAt(NOW).build();
    }

    private static ConsentChange consent(String patientId, boolean granted, Instant at) {
        return ConsentChange.newBuilder().setEventId("cc-" + at).setOccurredAt(at).setPatientId(patientId).setGranted(granted)
            .setSource(ConsentSource.STAFF).setAt(at).build();
    }

    private void facility(String facilityId, boolean active, OnCallContact... contacts) {
        facilities.pipeInput(facilityId, Facility.newBuilder().setEventId("fac-" + facilityId).setOccurredAt(NOW)
            .setFacilityId(facilityId).setName("Facility " + facilityId).setActive(active).setOnCallContacts(List.of(contacts)).build(), NOW);
    }

    private static OnCallContact contact(Channel channel, String address) {
        return OnCallContact.newBuilder().setChannel(channel).setAddress(address).build();
    }

    private static DeteriorationAlert alert(String id, String facilityId) {
        AssessmentSummary current = AssessmentSummary.newBuilder().setSubmissionId("s-2").setSubmittedAt(NOW).setBand(RiskBand.HIGH)
            .setScore(7).build();
        return DeteriorationAlert.newBuilder().setEventId(id).setOccurredAt(NOW).setFacilityId(facilityId).setPatientId("p-1")
            .setReasons(List.of(DeteriorationReason.BAND_ROSE)).setCurrent(current).build();
    }

    @SuppressWarnings("unchecked")
    private KeyValueStore<String, Object> store(String name) {
        return (KeyValueStore<String, Object>) (KeyValueStore<?, ?>) driver.getKeyValueStore(name);
    }

    private List<ReminderStatus> reminderStatuses(String patientId, String bookingId) {
        return entries(patientId, bookingId).stream().map(ReminderEntry::getStatus).toList();
    }

    private List<Instant> dueAt(String patientId, String bookingId) {
        return entries(patientId, bookingId).stream().map(ReminderEntry::getDueAt).toList();
    }

    private List<ReminderEntry> entries(String patientId, String bookingId) {
        PatientReminders state = (PatientReminders) store(NotificationsTopology.REMINDERS_STORE).get(patientId);
        return state.getBookings().stream().filter(b -> b.getBookingId().equals(bookingId)).findFirst().orElseThrow().getReminders();
    }

    private List<MessageEntry> messages(String patientId) {
        return ((PatientMessages) store(NotificationsTopology.MESSAGES_STORE).get(patientId)).getEntries();
    }
}
