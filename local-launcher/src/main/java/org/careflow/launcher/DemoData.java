package org.careflow.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.careflow.security.Role;

/**
 * Demo data posted through the ingest API like any client's: the demo facility (registered by ops, accepting patient
 * self-triage, with no on-call contact: its alerts are recorded as paging nobody), its chest-pain form, then
 * seeded submissions, mostly normal, some deteriorating, some incomplete, a third answering the form; then the
 * patients' contacts (with messaging consent), a provider's weekday schedule, and a booking for the first patient on
 * the next weekday, so that streams-notifications has a confirmation and reminders to show.
 */
final class DemoData {

    static final int PATIENTS = 12;
    static final String FACILITY = "demo-facility";
    /** The number the second demo patient registers themselves, to show a phone verification. */
    static final String SELF_REGISTERED_PHONE = "+447700900999";
    private static final String SELF_REGISTERED_CONTACT = """
        {"phone": "%s", "preferredChannel": "WHATSAPP", "language": "en-GB", "timeZone": "Europe/London",
         "consent": {"granted": true, "at": "2026-01-01T09:00:00Z"}}
        """.formatted(SELF_REGISTERED_PHONE);
    static final String FORM_ID = "demo-chest-pain";
    static final String FACILITY_RECORD = """
        {"name": "Demo facility", "active": true, "acceptsSelfTriage": true, "timeZone": "Europe/London"}
        """;
    static final String FORM = """
        {"version": 1, "facilityId": "demo-facility", "title": "Chest pain triage",
         "questions": [{"id": "chest_pain", "text": "Do you have chest pain?", "type": "YES_NO", "required": true},
                       {"id": "pain_score", "text": "Pain 0-10", "type": "NUMBER", "min": 0, "max": 10}],
         "scoringRules": [{"id": "severe_pain", "questionId": "pain_score", "min": 7, "points": 2},
                          {"id": "moderate_pain", "questionId": "pain_score", "min": 4, "max": 7, "points": 1}],
         "redFlags": [{"id": "chest_pain_flag", "questionId": "chest_pain", "equals": "yes", "description": "Chest pain: rule out ACS"}]}
        """;

    static final String PROVIDER = "demo-provider";
    static final String BOOKING = "demo-booking-1";
    static final String SCHEDULE = """
        {"facilityId": "demo-facility", "timeZone": "Europe/London", "slotMinutes": 30, "appointmentTypes": ["follow-up"],
         "weekly": {"MONDAY": [{"start": "09:00", "end": "17:00"}], "TUESDAY": [{"start": "09:00", "end": "17:00"}],
                    "WEDNESDAY": [{"start": "09:00", "end": "17:00"}], "THURSDAY": [{"start": "09:00", "end": "17:00"}],
                    "FRIDAY": [{"start": "09:00", "end": "17:00"}]}}
        """;

    private DemoData() {
    }

    /** The demo patients' ids, in posting order. */
    static List<String> patients() {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= PATIENTS; i++) {
            ids.add("demo-patient-" + i);
        }
        return ids;
    }

    /**
     * Registers the demo facility, publishes the demo form (unless that version exists) and posts one submission per demo patient;
     * returns how many submissions were accepted (202).
     */
    static int post(String ingestUrl, LocalAuth auth) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        // Forms are global configuration, an ops task; everything else comes from the demo facility's integration.
        String ops = auth.token(Role.OPS, Set.of(), null);
        String integration = auth.token(Role.INTEGRATION, Set.of(FACILITY), null);
        // Facilities are master data, registered by ops before anything names them.
        require(send(client, ops, "PUT", ingestUrl + "/v1/facilities/" + FACILITY, FACILITY_RECORD), "facility");
        int form = send(client, ops, "PUT", ingestUrl + "/v1/forms/" + FORM_ID, FORM);
        if (form != 202 && form != 200) {
            throw new IOException("The demo form was refused with HTTP " + form);
        }
        Random random = new Random(42);
        int accepted = 0;
        Instant now = Instant.now();
        List<String> patients = patients();
        for (int i = 0; i < patients.size(); i++) {
            // Spread over the last hour, so the queue shows different waiting times.
            Instant submittedAt = now.minusSeconds(300L * (patients.size() - i));
            if (send(client, integration, "POST", ingestUrl + "/v1/triage-submissions", body(patients.get(i), random, submittedAt, i % 3 == 0)) == 202) {
                accepted++;
            }
        }
        postScheduling(client, integration, ingestUrl, patients, now);
        // The second patient gives a new number themselves: it waits for the code sent to it (see the console hint).
        String selfRegistering = auth.token(Role.PATIENT, Set.of(), patients.get(1));
        require(send(client, selfRegistering, "PUT", ingestUrl + "/v1/patients/" + patients.get(1) + "/contact", SELF_REGISTERED_CONTACT),
            "self-registered contact");
        return accepted;
    }

    /** The demo contacts, schedule and booking; each is idempotent, so a second --demo changes nothing. */
    private static void postScheduling(HttpClient client, String token, String ingestUrl, List<String> patients, Instant now)
        throws IOException, InterruptedException {
        for (int i = 0; i < patients.size(); i++) {
            String contact = String.format(Locale.ROOT, """
                {"phone": "+4477009%05d", "preferredChannel": "WHATSAPP", "language": "en-GB", "timeZone": "Europe/London",
                 "consent": {"granted": true, "at": "2026-01-01T09:00:00Z"}}
                """, i + 1);
            require(send(client, token, "PUT", ingestUrl + "/v1/patients/" + patients.get(i) + "/contact", contact), "contact");
        }
        require(send(client, token, "PUT", ingestUrl + "/v1/providers/" + PROVIDER + "/schedule", SCHEDULE), "schedule");
        require(send(client, token, "POST", ingestUrl + "/v1/bookings", String.format(Locale.ROOT, """
            {"bookingId": "%s", "patientId": "%s", "providerId": "%s", "facilityId": "%s", "slotStart": "%s", "appointmentType": "follow-up"}
            """, BOOKING, patients.get(0), PROVIDER, FACILITY, nextWeekdayAtTen(now))), "booking");
    }

    /** 10:00 London time on the next weekday after today. */
    static Instant nextWeekdayAtTen(Instant now) {
        ZoneId london = ZoneId.of("Europe/London");
        LocalDate day = now.atZone(london).toLocalDate().plusDays(1);
        while (day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY) {
            day = day.plusDays(1);
        }
        return day.atTime(10, 0).atZone(london).toInstant();
    }

    private static void require(int status, String what) throws IOException {
        if (status != 202) {
            throw new IOException("The demo " + what + " was refused with HTTP " + status);
        }
    }

    private static int send(HttpClient client, String token, String method, String url, String body)
        throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + token)
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static String body(String patient, Random random, Instant now, boolean withForm) {
        boolean deteriorating = random.nextInt(4) == 0;
        boolean incomplete = !deteriorating && random.nextInt(5) == 0;
        int rr = deteriorating ? 22 + random.nextInt(8) : 12 + random.nextInt(8);
        int spo2 = deteriorating ? 88 + random.nextInt(6) : 95 + random.nextInt(5);
        int sbp = deteriorating ? 88 + random.nextInt(20) : 112 + random.nextInt(30);
        int hr = deteriorating ? 105 + random.nextInt(30) : 60 + random.nextInt(30);
        double temp = deteriorating ? 38.2 + random.nextInt(15) / 10.0 : 36.3 + random.nextInt(14) / 10.0;
        String consciousness = deteriorating && random.nextBoolean() ? "CONFUSION" : "ALERT";
        String spo2Field = incomplete ? "" : "\"spo2\": " + spo2 + ", ";
        String form = withForm ? FORM_ID : "general-v1";
        String answers = withForm
            ? "{\"chest_pain\": \"" + (random.nextInt(3) == 0 ? "yes" : "no") + "\", \"pain_score\": " + random.nextInt(11) + "}"
            : "{}";
        return String.format(Locale.ROOT, """
            {"patientId": "%s", "facilityId": "%s", "formId": "%s", "channel": "WHATSAPP",
             "submittedAt": "%s",
             "vitals": {"respiratoryRate": %d, %s"spo2Scale": 1, "onSupplementalOxygen": false,
                        "systolicBp": %d, "heartRate": %d, "consciousness": "%s", "temperature": %.1f},
             "answers": %s, "chiefComplaint": "demo"}
            """, patient, FACILITY, form, now, rr, spo2Field, sbp, hr, consciousness, temp, answers);
    }
}
