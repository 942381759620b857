package org.careflow.bench.scenarios;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.careflow.bench.infra.BenchStack;
import org.careflow.events.notifications.ConsentSource;
import org.careflow.events.notifications.MessagingConsent;
import org.careflow.events.notifications.PatientContact;
import org.careflow.events.scheduling.BookingRequest;
import org.careflow.events.scheduling.LocalTimeRange;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.scheduling.WeeklySession;
import org.careflow.events.scheduling.Weekday;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.topics.BookingIds;
import org.careflow.topics.ProviderScheduleKeys;
import org.careflow.topics.Topics;

/**
 * What the memory scenario loads into the streams apps: per patient, one triage submission, one booking request (for
 * a slot of its own, so that every booking is confirmed) and one contact; and the provider schedules the bookings need.
 * The patients' ids are the same at every size: each size is loaded into apps of its own, with state of their own.
 */
final class MemoryInputs {

    /** Synthetic indices of the triage submissions: above the pipeline's (from 0) and the ingest scenario's (from 1e9). */
    static final long FIRST_SUBMISSION_INDEX = 2_000_000_000L;

    /** Bookings per provider: each a slot of its own, so that every patient's booking is confirmed. */
    static final int BOOKINGS_PER_PROVIDER = 2_000;
    static final int SLOT_MINUTES = 10;
    static final LocalTime DAY_START = LocalTime.of(8, 0);
    static final LocalTime DAY_END = LocalTime.of(20, 0);
    static final int SLOTS_PER_DAY = (int) (Duration.between(DAY_START, DAY_END).toMinutes() / SLOT_MINUTES);
    /** Booked slots start this many days ahead: no reminder falls due while the scenario runs. */
    static final int FIRST_SLOT_DAY = 3;
    static final String APPOINTMENT_TYPE = "follow-up";

    private MemoryInputs() {
    }

    static int providers(int patients) {
        return (patients + BOOKINGS_PER_PROVIDER - 1) / BOOKINGS_PER_PROVIDER;
    }

    /** In words, for the report. */
    static Map<String, String> describe(int patients) {
        int providers = providers(patients);
        return Map.of(
            "streams-triage", patients + " triage submissions on " + Topics.TRIAGE_SUBMISSIONS.name() + ", one per patient",
            "streams-scheduling", providers + " provider schedules (" + DAY_START + "-" + DAY_END + " every day, " + SLOT_MINUTES
                + "-minute slots, UTC) and " + patients + " booking requests, one per patient, each for a slot of its own, "
                + BOOKINGS_PER_PROVIDER + " per provider, from " + FIRST_SLOT_DAY + " days ahead: every booking is confirmed, so each "
                + "patient has an appointment, a held-then-booked slot, a provider booking and a booking-table row",
            "streams-notifications", patients + " patient contacts (one phone each) on " + Topics.PATIENT_CONTACTS.name()
                + ", plus what the other two emitted as in production: streams-scheduling's booking outcomes (each confirmed booking "
                + "gets its reminders planned and a confirmation sent and tracked) and streams-triage's deterioration alerts; "
                + "dispatcher off");
    }

    /** Writes every patient's input: submissions, provider schedules then booking requests, contacts. */
    static void prefill(BenchContext context, int patients) {
        int providers = providers(patients);
        BenchStack stack = context.stack();
        SyntheticData data = context.data();
        Instant now = Instant.now();
        long seed = data.seed();
        try (Serde<TriageSubmission> submissions = stack.serdes().valueSerde(Topics.TRIAGE_SUBMISSIONS);
             Serde<ProviderSchedule> schedules = stack.serdes().valueSerde(Topics.PROVIDER_SCHEDULES);
             Serde<BookingRequest> requests = stack.serdes().valueSerde(Topics.BOOKING_REQUESTS);
             Serde<PatientContact> contacts = stack.serdes().valueSerde(Topics.PATIENT_CONTACTS)) {
            Prefill.write(context, "pre-fill " + Topics.TRIAGE_SUBMISSIONS.name() + " (memory)", 0, patients, submissions.serializer(), j -> {
                // A synthetic patient's vital signs, submitted as one of this scenario's own patients.
                TriageSubmission submission = data.submission(FIRST_SUBMISSION_INDEX + j);
                submission.setPatientId(patientId(seed, j));
                return new ProducerRecord<>(Topics.TRIAGE_SUBMISSIONS.name(), null, submission.getSubmittedAt().toEpochMilli(),
                    submission.getPatientId(), submission);
            });
            // Schedules carry an earlier timestamp than the requests: each provider's task applies its schedule first.
            int schedulePartitions = stack.partitions(Topics.PROVIDER_SCHEDULES.name());
            Prefill.write(context, "pre-fill " + Topics.PROVIDER_SCHEDULES.name() + " (memory)", 0, providers, schedules.serializer(), k -> {
                ProviderSchedule schedule = schedule(data, seed, (int) k, now);
                return new ProducerRecord<>(Topics.PROVIDER_SCHEDULES.name(), ProviderScheduleKeys.partition(schedule.getProviderId(), schedulePartitions),
                    now.minusSeconds(60).toEpochMilli(), ProviderScheduleKeys.of(schedule.getProviderId(), schedule.getFacilityId()), schedule);
            });
            Instant firstDay = now.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(FIRST_SLOT_DAY));
            Prefill.write(context, "pre-fill " + Topics.BOOKING_REQUESTS.name() + " (memory)", 0, patients, requests.serializer(), j -> {
                BookingRequest request = request(seed, j, providers, firstDay, now);
                return new ProducerRecord<>(Topics.BOOKING_REQUESTS.name(), null, now.toEpochMilli(), request.getProviderId(), request);
            });
            Prefill.write(context, "pre-fill " + Topics.PATIENT_CONTACTS.name() + " (memory)", 0, patients, contacts.serializer(), j -> {
                PatientContact contact = contact(seed, j, now);
                return new ProducerRecord<>(Topics.PATIENT_CONTACTS.name(), null, now.toEpochMilli(), contact.getPatientId(), contact);
            });
        }
    }

    static String patientId(long seed, long j) {
        return String.format(Locale.ROOT, "bench-memory-%x-%07d", seed, j + 1);
    }

    static String providerId(long seed, int k) {
        return String.format(Locale.ROOT, "bench-memory-%x-provider-%04d", seed, k + 1);
    }

    static ProviderSchedule schedule(SyntheticData data, long seed, int k, Instant now) {
        List<WeeklySession> week = Arrays.stream(Weekday.values())
            .map(day -> WeeklySession.newBuilder().setDay(day)
                .setHours(LocalTimeRange.newBuilder().setStartTime(DAY_START).setEndTime(DAY_END).build()).build())
            .toList();
        return ProviderSchedule.newBuilder()
            .setEventId(providerId(seed, k) + "-schedule")
            .setOccurredAt(now)
            .setProviderId(providerId(seed, k))
            .setFacilityId(data.facilityIds().get(k % data.facilityIds().size()))
            .setTimeZone(ZoneOffset.UTC.getId())
            .setSlotMinutes(SLOT_MINUTES)
            .setAppointmentTypes(List.of(APPOINTMENT_TYPE))
            .setWeeklyTemplate(week)
            .setTimeOff(List.of())
            .setExtraSessions(List.of())
            .build();
    }

    /** Patient {@code j} books slot {@code j / providers} of provider {@code j % providers}: a slot nobody else wants. */
    static BookingRequest request(long seed, long j, int providers, Instant firstDay, Instant now) {
        int provider = (int) (j % providers);
        long slot = j / providers;
        Instant start = firstDay.plus(Duration.ofDays(slot / SLOTS_PER_DAY))
            .plus(Duration.ofMinutes(DAY_START.toSecondOfDay() / 60 + (slot % SLOTS_PER_DAY) * SLOT_MINUTES));
        String bookingId = String.format(Locale.ROOT, "bench-memory-%x-booking-%07d", seed, j + 1);
        return BookingRequest.newBuilder()
            .setEventId(bookingId)
            .setOccurredAt(now)
            .setBookingId(BookingIds.of(null, patientId(seed, j), providerId(seed, provider), bookingId))
            .setClientBookingId(bookingId)
            .setPatientId(patientId(seed, j))
            .setProviderId(providerId(seed, provider))
            .setSlotStart(start)
            .setAppointmentType(APPOINTMENT_TYPE)
            .setRequestedAt(now)
            .build();
    }

    static PatientContact contact(long seed, long j, Instant now) {
        return PatientContact.newBuilder()
            .setEventId(String.format(Locale.ROOT, "bench-memory-%x-contact-%07d", seed, j + 1))
            .setOccurredAt(now)
            .setPatientId(patientId(seed, j))
            // A number of its own per patient (fictitious), so that the phone index holds one entry per patient.
            .setPhone(String.format(Locale.ROOT, "+4477%08d", j))
            .setLanguage("en-GB")
            .setTimeZone("Europe/London")
            .setConsent(MessagingConsent.newBuilder().setGranted(true).setSource(ConsentSource.API).setConsentedAt(now).build())
            .build();
    }
}
