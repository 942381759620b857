package org.careflow.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.careflow.bench.scenarios.SyntheticData;
import org.careflow.dispatch.CloudApiStandIn.RecordedRequest;
import org.careflow.platform.embedded.Await;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steady mixed load the faults happen under, all through the ingest API's HTTP routes: triage submissions,
 * bookings with contention (a few slots of a few providers, wanted by several patients, some patients asking for the
 * same time twice), cancellations of earlier bookings, bookings a few minutes ahead whose reminder falls due during the
 * run, WhatsApp delivery statuses for what the dispatcher sent and patients' replies, signed as Meta signs them. Every
 * acknowledged write goes to {@link Acknowledged}.
 */
final class ChaosLoad implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChaosLoad.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static final int CONTENDED_PROVIDERS = 4;
    static final int CONTENDED_SLOTS = 12;
    static final int CONTENDED_PATIENTS = 30;
    /** Providers (and their patients, one each) of the bookings whose reminder falls due during the run. */
    static final int REMINDER_PAIRS = 40;
    static final int SLOT_MINUTES = 5;
    static final String TYPE = "follow-up";
    /**
     * A reminder booking's slot is at least this far ahead: its reminder falls due this minus the offset after booking,
     * time for the booking to be confirmed first on a loaded machine (a reminder whose time passed before is skipped).
     */
    static final Duration REMINDER_LEAD = ChaosCluster.REMINDER_OFFSET.plusSeconds(90);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    private static final int MAX_IN_FLIGHT = 16;
    /** One request in this many books a reminder appointment. */
    static final int REMINDER_EVERY = 40;

    private final ChaosCluster cluster;
    private final Acknowledged acknowledged;
    private final String run;
    private final SyntheticData data;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "chaos-load-ticker"));
    private final ExecutorService senders = Executors.newFixedThreadPool(MAX_IN_FLIGHT, r -> daemon(r, "chaos-load"));
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong reminderSequence = new AtomicLong();
    private final Instant contendedDay;
    private final Instant[] lastReminderSlot = new Instant[REMINDER_PAIRS];
    private volatile boolean running;

    ChaosLoad(ChaosCluster cluster, Acknowledged acknowledged) {
        this.cluster = cluster;
        this.acknowledged = acknowledged;
        this.run = Long.toHexString(System.currentTimeMillis() & 0xffffffL);
        this.data = SyntheticData.standard(42L, Instant.now());
        // Contended slots lie days ahead: no reminder of theirs falls due during the run.
        this.contendedDay = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(3)).plus(Duration.ofHours(10));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Providers' schedules and the reminder patients' contacts, then waits until scheduling offers the slots. */
    void prepare() {
        String ingest = cluster.ingestUrl();
        List<String> providers = new ArrayList<>();
        for (int k = 0; k < CONTENDED_PROVIDERS; k++) {
            providers.add(contendedProvider(k));
            putSchedule(ingest, contendedProvider(k), 0);
        }
        for (int k = 0; k < REMINDER_PAIRS; k++) {
            providers.add(reminderProvider(k));
            // Reminder provider k's slots start on minutes equal to k modulo the slot length: some provider has a slot every minute.
            putSchedule(ingest, reminderProvider(k), k % SLOT_MINUTES);
        }
        for (int k = 0; k < REMINDER_PAIRS; k++) {
            String body = """
                {"phone": "%s", "preferredChannel": "WHATSAPP", "language": "en-GB", "timeZone": "UTC",
                 "consent": {"granted": true, "at": "%s"}}
                """.formatted(phone(k), Instant.now().minus(Duration.ofDays(1)));
            sendUntilAccepted("PUT", ingest + "/v1/patients/" + reminderPatient(k) + "/contact", body);
            acknowledged.contacts.incrementAndGet();
        }
        for (String provider : List.of(providers.get(0), providers.get(providers.size() - 1))) {
            Await.until("scheduling to offer " + provider + "'s slots", ChaosCluster.START_DEADLINE, () -> {
                JsonNode slots = getJson(anyScheduling() + "/v1/providers/" + provider + "/slots");
                return slots != null && slots.path("slots").size() > 0;
            });
        }
    }

    /** Every day, all day (UTC), from {@code minute} past midnight: a slot is there whenever the run needs one. */
    private void putSchedule(String ingest, String provider, int minute) {
        String session = "{\"start\": \"00:%02d\", \"end\": \"23:%02d\"}".formatted(minute, 50 + minute);
        String weekly = """
            {"MONDAY": [%1$s], "TUESDAY": [%1$s], "WEDNESDAY": [%1$s], "THURSDAY": [%1$s], "FRIDAY": [%1$s], "SATURDAY": [%1$s], "SUNDAY": [%1$s]}
            """.formatted(session);
        String body = """
            {"facilityId": "%s", "timeZone": "UTC", "slotMinutes": %d, "appointmentTypes": ["%s"], "weekly": %s}
            """.formatted(ChaosCluster.CLINIC, SLOT_MINUTES, TYPE, weekly);
        sendUntilAccepted("PUT", ingest + "/v1/providers/" + provider + "/schedule", body);
    }

    private String anyScheduling() {
        return cluster.instances().stream().filter(i -> i.app().equals("streams-scheduling") && i.process().isAlive())
            .findFirst().orElseThrow().url();
    }

    /** Starts sending {@code rate} requests a second, spread evenly. */
    void start(double rate) {
        running = true;
        long periodMicros = (long) (1_000_000 / rate);
        ticker.scheduleAtFixedRate(this::tick, 0, periodMicros, TimeUnit.MICROSECONDS);
    }

    private void tick() {
        if (!running || !inFlight.tryAcquire()) {
            return; // everything in flight is stuck behind a fault: hold the rate, do not pile up
        }
        long i = sequence.getAndIncrement();
        senders.execute(() -> {
            try {
                send(i);
            } catch (RuntimeException e) {
                LOG.debug("Load request {} failed: {}", i, e.toString());
            } finally {
                inFlight.release();
            }
        });
    }

    private void send(long i) {
        SplittableRandom r = new SplittableRandom(i * 0x9E3779B97F4A7C15L + 17);
        int kind = (int) (i % 20);
        if (i % REMINDER_EVERY == 0) {
            reminderBooking();
        } else if (kind < 10) {
            submission(i);
        } else if (kind < 15) {
            contendedBooking(i, r);
        } else if (kind < 17) {
            cancellation(r);
        } else if (kind < 19) {
            deliveryStatus(r);
        } else {
            reply(r);
        }
    }

    private void submission(long i) {
        ObjectNode body;
        try {
            body = (ObjectNode) JSON.readTree(data.json(i));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String submissionId = "chaos-" + run + "-sub-" + i;
        body.put("submissionId", submissionId);
        body.put("patientId", "chaos-" + run + "-tp-" + (i % 200));
        body.put("facilityId", ChaosCluster.CLINIC);
        body.put("submittedAt", Instant.now().toString());
        Instant sent = Instant.now();
        HttpResponse<String> response = post(cluster.ingestUrl() + "/v1/triage-submissions", body.toString(), null);
        if (ok(response, "submission")) {
            acknowledged.sent.put(submissionId, sent);
            acknowledged.submissions.put(submissionId, Instant.now());
        }
    }

    private void contendedBooking(long i, SplittableRandom r) {
        String provider = contendedProvider(r.nextInt(CONTENDED_PROVIDERS));
        String patient = "chaos-" + run + "-bp-" + r.nextInt(CONTENDED_PATIENTS);
        Instant slot = contendedDay.plus(Duration.ofMinutes((long) SLOT_MINUTES * r.nextInt(CONTENDED_SLOTS)));
        book("chaos-" + run + "-bk-" + i, patient, provider, slot, false);
    }

    private void reminderBooking() {
        long n = reminderSequence.getAndIncrement();
        // The first whole minute after the lead; the pair whose slots start on such minutes, in turn; and after that pair's
        // previous slot, so that its patient never overlaps themselves.
        long minute = (Instant.now().plus(REMINDER_LEAD).getEpochSecond() + 59) / 60;
        int residue = (int) (minute % SLOT_MINUTES);
        int pairsPerResidue = REMINDER_PAIRS / SLOT_MINUTES;
        int k = residue + SLOT_MINUTES * (int) (n % pairsPerResidue);
        Instant slot = Instant.ofEpochSecond(minute * 60);
        synchronized (lastReminderSlot) {
            Instant last = lastReminderSlot[k];
            if (last != null && !slot.isAfter(last)) {
                slot = last.plus(Duration.ofMinutes(SLOT_MINUTES));
            }
            lastReminderSlot[k] = slot;
        }
        book("chaos-" + run + "-rem-" + n, reminderPatient(k), reminderProvider(k), slot, true);
    }

    private void book(String clientBookingId, String patient, String provider, Instant slot, boolean reminder) {
        String body = """
            {"bookingId": "%s", "patientId": "%s", "providerId": "%s", "facilityId": "%s", "slotStart": "%s", "appointmentType": "%s"}
            """.formatted(clientBookingId, patient, provider, ChaosCluster.CLINIC, slot, TYPE);
        Instant sent = Instant.now();
        HttpResponse<String> response = post(cluster.ingestUrl() + "/v1/bookings", body, null);
        if (ok(response, "booking")) {
            String bookingId = json(response.body()).path("bookingId").asText();
            acknowledged.sent.put(bookingId, sent);
            acknowledged.bookings.put(bookingId, new Acknowledged.Booking(bookingId, patient, provider, slot, reminder, Instant.now()));
        }
    }

    private void cancellation(SplittableRandom r) {
        List<Acknowledged.Booking> candidates = acknowledged.bookings.values().stream().filter(b -> !b.reminder())
            .filter(b -> !acknowledged.cancellations.containsKey(b.bookingId())).toList();
        if (candidates.isEmpty()) {
            return;
        }
        Acknowledged.Booking booking = candidates.get(r.nextInt(candidates.size()));
        String body = """
            {"reason": "chaos", "patientId": "%s"}
            """.formatted(booking.patientId());
        HttpResponse<String> response = post(cluster.ingestUrl() + "/v1/bookings/" + booking.bookingId() + "/cancel", body, null);
        if (ok(response, "cancellation")) {
            acknowledged.cancellations.put(booking.bookingId(), Instant.now());
        }
    }

    /** A "delivered" status for something the dispatcher sent, as the provider's webhook reports it. */
    private void deliveryStatus(SplittableRandom r) {
        List<RecordedRequest> sent = cluster.cloudApi().requestsTo("/messages").stream()
            .filter(q -> q.providerMessageId() != null && q.notificationId() != null).toList();
        if (sent.isEmpty()) {
            return;
        }
        RecordedRequest m = sent.get(r.nextInt(sent.size()));
        String to = m.body() == null ? "" : m.body().path("to").asText();
        webhook(envelope("""
            "statuses": [{"id": "%s", "status": "delivered", "timestamp": "%d", "recipient_id": "%s", "biz_opaque_callback_data": "%s"}]
            """.formatted(m.providerMessageId(), Instant.now().getEpochSecond(), to, m.notificationId())));
    }

    /** A patient's free-text reply ("thanks") to something they were sent: logged, never acted on. */
    private void reply(SplittableRandom r) {
        List<RecordedRequest> sent = cluster.cloudApi().requestsTo("/messages").stream()
            .filter(q -> q.providerMessageId() != null && q.body() != null).toList();
        if (sent.isEmpty()) {
            return;
        }
        RecordedRequest m = sent.get(r.nextInt(sent.size()));
        String from = m.body().path("to").asText();
        webhook(envelope("""
            "contacts": [{"profile": {"name": "Patient"}, "wa_id": "%1$s"}],
            "messages": [{"from": "%1$s", "id": "wamid.chaos-%2$s-%3$d", "timestamp": "%4$d", "type": "text", "text": {"body": "thanks"},
                          "context": {"from": "15550001111", "id": "%5$s"}}]
            """.formatted(from, run, sequence.get(), Instant.now().getEpochSecond(), m.providerMessageId())));
    }

    private void webhook(String body) {
        HttpResponse<String> response = post(cluster.ingestUrl() + "/v1/webhooks/whatsapp", body, signature(body));
        if (ok(response, "webhook")) {
            acknowledged.webhooks.incrementAndGet();
        }
    }

    private static String envelope(String value) {
        return """
            {"object": "whatsapp_business_account", "entry": [{"id": "waba-1", "changes": [{"field": "messages", "value": {
              "messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550001111", "phone_number_id": "%s"},
              %s}}]}]}
            """.formatted(ChaosCluster.PHONE_NUMBER_ID, value);
    }

    private static String signature(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(ChaosCluster.APP_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean ok(HttpResponse<String> response, String what) {
        acknowledged.attempted.incrementAndGet();
        if (response != null && response.statusCode() / 100 == 2) {
            return true;
        }
        acknowledged.refused(what + " " + (response == null ? "no answer" : response.statusCode()));
        return false;
    }

    private HttpResponse<String> post(String url, String body, String signature) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (signature != null) {
            request.header("X-Hub-Signature-256", signature);
        }
        return exchange(request.build());
    }

    private HttpResponse<String> exchange(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void sendUntilAccepted(String method, String url, String body) {
        Await.until(method + " " + url + " to be accepted", ChaosCluster.START_DEADLINE, () -> {
            HttpResponse<String> r = exchange(HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body)).build());
            if (r != null && r.statusCode() / 100 == 4) {
                throw new IllegalStateException(method + " " + url + " refused: " + r.statusCode() + " " + r.body());
            }
            return r != null && r.statusCode() / 100 == 2;
        });
    }

    JsonNode getJson(String url) {
        HttpResponse<String> r = exchange(HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT).GET().build());
        return r == null || r.statusCode() != 200 ? null : json(r.body());
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    String contendedProvider(int k) {
        return "chaos-" + run + "-dr-" + k;
    }

    String reminderProvider(int k) {
        return "chaos-" + run + "-rdr-" + k;
    }

    String reminderPatient(int k) {
        return "chaos-" + run + "-rp-" + k;
    }

    /** A fictitious UK mobile number (Ofcom's drama range) per reminder patient. */
    static String phone(int k) {
        return String.format(Locale.ROOT, "+447700900%03d", k);
    }

    /** Stops sending and waits for what is in flight. */
    void stop() {
        running = false;
        ticker.shutdownNow();
        inFlight.acquireUninterruptibly(MAX_IN_FLIGHT);
        inFlight.release(MAX_IN_FLIGHT);
    }

    @Override
    public void close() {
        stop();
        senders.shutdownNow();
    }
}
