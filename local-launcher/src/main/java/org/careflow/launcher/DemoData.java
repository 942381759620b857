package org.careflow.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Demo submissions posted through the ingest API like any client's: seeded, mostly normal observations,
 * some deteriorating and some incomplete.
 */
final class DemoData {

    static final int PATIENTS = 12;

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

    /** Posts one submission per demo patient; returns how many were accepted (202). */
    static int post(String ingestUrl) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Random random = new Random(42);
        int accepted = 0;
        Instant now = Instant.now();
        for (String patient : patients()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(ingestUrl + "/v1/triage-submissions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(patient, random, now)))
                .build();
            if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 202) {
                accepted++;
            }
        }
        return accepted;
    }

    static String body(String patient, Random random, Instant now) {
        boolean deteriorating = random.nextInt(4) == 0;
        boolean incomplete = !deteriorating && random.nextInt(5) == 0;
        int rr = deteriorating ? 22 + random.nextInt(8) : 12 + random.nextInt(8);
        int spo2 = deteriorating ? 88 + random.nextInt(6) : 95 + random.nextInt(5);
        int sbp = deteriorating ? 88 + random.nextInt(20) : 112 + random.nextInt(30);
        int hr = deteriorating ? 105 + random.nextInt(30) : 60 + random.nextInt(30);
        double temp = deteriorating ? 38.2 + random.nextInt(15) / 10.0 : 36.3 + random.nextInt(14) / 10.0;
        String consciousness = deteriorating && random.nextBoolean() ? "CONFUSION" : "ALERT";
        String spo2Field = incomplete ? "" : "\"spo2\": " + spo2 + ", ";
        return String.format(Locale.ROOT, """
            {"patientId": "%s", "facilityId": "demo-facility", "formId": "general-v1", "channel": "WHATSAPP",
             "submittedAt": "%s",
             "vitals": {"respiratoryRate": %d, %s"spo2Scale": 1, "onSupplementalOxygen": false,
                        "systolicBp": %d, "heartRate": %d, "consciousness": "%s", "temperature": %.1f},
             "chiefComplaint": "demo"}
            """, patient, now, rr, spo2Field, sbp, hr, consciousness, temp);
    }
}
